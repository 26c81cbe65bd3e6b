import {
  HttpError,
  type HttpRequest,
  type HttpResponse,
  paginateNextUrl,
  redactUrl,
  type StreamContext,
  type StreamMessage,
  type StreamState,
} from '../kit/index.js';

/**
 * One round of a Microsoft Graph delta query: the first request (a fresh round, or a saved `@odata.deltaLink`,
 * or a saved `@odata.nextLink` to resume), then every `@odata.nextLink` until a page carries the
 * `@odata.deltaLink` that starts the next round. Each page yields its records, the ids it reports removed
 * (`{ id, "@removed": { reason } }`) as deletes, and a checkpoint holding the link to continue from.
 *
 * A saved link can go stale: Outlook's delta tokens live only as long as its token cache keeps them. Graph then
 * answers `410 Gone` (a tenant move or maintenance, with a `Location` to start over) or a 4xx whose error code is
 * `syncStateNotFound` or `resyncRequired`. The round then ends with `reset`, and the stream starts a fresh one.
 */

export type GraphObject = Record<string, unknown>;

interface DeltaPage {
  value?: GraphObject[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

export type RoundStart =
  /** A new round: the collection's delta function with its parameters (a calendar view's window). */
  | { kind: 'fresh'; url: string; query?: Record<string, string> }
  /** A saved `@odata.nextLink` or `@odata.deltaLink`. */
  | { kind: 'link'; url: string };

export interface RoundOptions {
  start: RoundStart;
  /** `Prefer: odata.maxpagesize`. */
  pageSize: number;
  /** Epoch ms: records last modified before it are left out (a cursor set by hand). */
  floor?: number | null;
  /** The stream state that resumes right after a page that ended with this link. */
  checkpoint(link: { nextLink: string } | { deltaLink: string }): StreamState;
}

export type RoundEnd = { kind: 'done'; deltaLink: string } | { kind: 'reset'; reason: string };

/** Statuses a saved link may get when its sync state is gone; anything else is an ordinary failure. */
const staleLinkStatuses = [400, 404, 410];
const resetCodes = new Set(['syncstatenotfound', 'resyncrequired', 'syncstateinvalid']);

export async function* deltaRound(ctx: StreamContext, options: RoundOptions): AsyncGenerator<StreamMessage, RoundEnd> {
  const { start } = options;
  const request: HttpRequest = {
    url: start.url,
    ...(start.kind === 'fresh' && start.query ? { query: start.query } : {}),
    headers: { Prefer: `odata.maxpagesize=${options.pageSize}` },
    signal: ctx.signal,
    acceptStatus: staleLinkStatuses,
  };
  const pages = paginateNextUrl<DeltaPage>(ctx.http, request, {
    nextUrl: (response) => (response.status === 200 ? response.body?.['@odata.nextLink'] : null),
    ...(start.kind === 'link' ? { start: start.url } : {}),
  });
  for await (const page of pages) {
    const response = page.response;
    if (response.status !== 200) {
      const reason = syncReset(response);
      // A fresh round that is told to start over would loop: that is a failure.
      if (reason !== null && start.kind === 'link') return { kind: 'reset', reason };
      throw graphFailure(response);
    }
    const value = Array.isArray(response.body?.value) ? response.body.value : [];
    const records: GraphObject[] = [];
    const deleted: string[] = [];
    for (const item of value) {
      if (item['@removed'] !== undefined) {
        if (typeof item['id'] === 'string') deleted.push(item['id']);
        continue;
      }
      if (options.floor != null && !(Date.parse(String(item['lastModifiedDateTime'])) >= options.floor)) continue;
      records.push(withoutAnnotations(item));
    }
    if (records.length > 0) yield { type: 'records', records };
    if (deleted.length > 0) yield { type: 'deletes', ids: deleted };
    if (page.next !== null) {
      yield { type: 'state', state: options.checkpoint({ nextLink: page.next }) };
      continue;
    }
    const deltaLink = response.body?.['@odata.deltaLink'];
    if (typeof deltaLink !== 'string' || deltaLink === '') throw withoutDeltaLink(response);
    yield { type: 'state', state: options.checkpoint({ deltaLink }) };
    return { kind: 'done', deltaLink };
  }
  throw new Error('a delta round ended without a page');
}

/** A last page without the next round's delta link: ending the round there would keep no position. */
export function withoutDeltaLink(response: HttpResponse<unknown>): HttpError {
  return new HttpError({
    kind: 'provider',
    code: 'invalid_response',
    status: response.status,
    url: response.url,
    message: `invalid_response: ${redactUrl(response.url)} ended a delta round without an @odata.deltaLink`,
  });
}

/** Why Graph wants a full resync, or null when the failure is something else. */
function syncReset(response: HttpResponse<unknown>): string | null {
  const code = errorOf(response.body)?.code;
  if (response.status === 410) return `410 Gone${code ? ` (${code})` : ''}`;
  if (code && resetCodes.has(code.toLowerCase())) return `${response.status} ${code}`;
  return null;
}

function errorOf(body: unknown): { code?: string; message?: string } | null {
  if (typeof body !== 'object' || body === null) return null;
  const error = (body as { error?: unknown }).error;
  return typeof error === 'object' && error !== null ? (error as { code?: string; message?: string }) : null;
}

/** The toolkit's error for a status it handed back to us, with Graph's code and message (they hold no secrets). */
function graphFailure(response: HttpResponse<unknown>): HttpError {
  const error = errorOf(response.body);
  const detail = error ? `${error.code ?? 'error'}: ${String(error.message ?? '').slice(0, 300)}` : String(response.body ?? '').slice(0, 300);
  return new HttpError({
    kind: [400, 401, 403, 404, 422].includes(response.status) ? 'config' : 'provider',
    code: 'http_status',
    status: response.status,
    url: response.url,
    message: `http_status: GET ${redactUrl(response.url)} returned ${response.status}: ${detail}`,
  });
}

/** A record without OData annotations (`@odata.etag`, `@odata.type`): `changeKey` already versions it. */
export function withoutAnnotations(item: GraphObject): GraphObject {
  const out: GraphObject = {};
  for (const [key, value] of Object.entries(item)) if (!key.startsWith('@')) out[key] = value;
  return out;
}
