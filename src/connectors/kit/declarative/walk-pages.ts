import {
  isObject,
  paginateCursor,
  paginateLinkHeader,
  paginateNextUrl,
  throwIfAborted,
  type HttpClient,
  type HttpRequest,
  type HttpResponse,
} from '../../../http-client/index.js';
import type { StreamContext } from '../../../contracts/connector-kit.js';
import { holds } from './condition.js';
import { ignoredAnswer, type RuledResponse } from './error-rules.js';
import { valueAt } from './json-path.js';
import type { DescribedRequest, JsonRecord, PaginatorSpec, RecordSelectorSpec, StreamHooks } from './stream-spec.js';

/**
 * Walking a described list page by page with the kit's paginators: each page comes with its items (the records
 * the selector finds, before filters) and the position to resume after it (`next`: a cursor or URL as text, an
 * offset or page number as a number, null on the last page).
 */
export interface WalkedPage {
  response: HttpResponse<unknown>;
  items: JsonRecord[];
  next: string | number | null;
}

export interface WalkInput {
  http: HttpClient;
  ctx: StreamContext;
  paginator: PaginatorSpec;
  records: RecordSelectorSpec;
  hooks: StreamHooks;
  request: DescribedRequest;
  /** Where an unfinished walk stopped (its saved `next`), or null to start at the first page. */
  resume: string | number | null;
  /** Keyset paging: the request for the page after these items, or null when the walk is over. */
  keysetNext?: (items: JsonRecord[]) => DescribedRequest | null;
}

/** The records a page holds: by the page hook, or at the selector's path (the body itself when none). */
export function selectItems(response: HttpResponse<unknown>, records: RecordSelectorSpec, hooks: StreamHooks, ctx: StreamContext): JsonRecord[] {
  if ((response as RuledResponse<unknown>)[ignoredAnswer]) return [];
  if (hooks.page) return hooks.page(response, ctx);
  const found = records.path === undefined ? response.body : valueAt(response.body, records.path);
  return Array.isArray(found) ? found.filter(isObject) : [];
}

function httpRequest(request: DescribedRequest, signal: AbortSignal): HttpRequest {
  return {
    method: request.method,
    url: request.path,
    query: request.query,
    headers: request.headers,
    ...(request.body === undefined ? {} : { body: request.body }),
    signal,
  };
}

function text(value: unknown): string | null {
  return (typeof value === 'string' && value !== '') || typeof value === 'number' ? String(value) : null;
}

/** The number a param had in the request that produced this response. */
function askedNumber(response: HttpResponse<unknown>, param: string, fallback: number): number {
  const asked = Number(new URL(response.url).searchParams.get(param) ?? fallback);
  return Number.isSafeInteger(asked) && asked >= 0 ? asked : fallback;
}

export async function* walkPages(input: WalkInput): AsyncGenerator<WalkedPage> {
  const { http, ctx, paginator, hooks } = input;
  const itemsOf = new WeakMap<object, JsonRecord[]>();
  const items = (response: HttpResponse<unknown>): JsonRecord[] => {
    let found = itemsOf.get(response);
    if (!found) itemsOf.set(response, (found = selectItems(response, input.records, hooks, ctx)));
    return found;
  };
  const ignored = (response: HttpResponse<unknown>) => (response as RuledResponse<unknown>)[ignoredAnswer] === true;
  const base = httpRequest(input.request, ctx.signal);
  const resumeText = input.resume === null ? undefined : String(input.resume);

  switch (paginator.type) {
    case 'none': {
      const response = await http.request(base);
      yield { response, items: items(response), next: null };
      return;
    }
    case 'keyset': {
      let request: DescribedRequest | null = input.request;
      while (request !== null) {
        throwIfAborted(ctx.signal);
        const response: HttpResponse<unknown> = await http.request(httpRequest(request, ctx.signal));
        const page = items(response);
        yield { response, items: page, next: null };
        request = page.length === 0 || ignored(response) || !input.keysetNext ? null : input.keysetNext(page);
      }
      return;
    }
    case 'link_header':
      for await (const page of paginateLinkHeader(http, base, resumeText)) yield { response: page.response, items: items(page.response), next: ignored(page.response) ? null : page.next };
      return;
    case 'next_url': {
      const pages = paginateNextUrl(http, base, {
        ...(resumeText === undefined ? {} : { start: resumeText }),
        nextUrl: (response) => (ignored(response) ? null : text(valueAt(response.body, paginator.next))),
      });
      for await (const page of pages) yield { response: page.response, items: items(page.response), next: page.next };
      return;
    }
    case 'cursor': {
      const pages = paginateCursor(http, base, {
        cursorParam: paginator.param,
        cursorIn: paginator.in,
        ...(resumeText === undefined ? {} : { start: resumeText }),
        nextCursor: (response) => {
          if (ignored(response)) return null;
          if (paginator.stop_on_empty_page && items(response).length === 0) return null;
          if (paginator.stop_when && holds(paginator.stop_when, response.body, ctx.config)) return null;
          return text(valueAt(response.body, paginator.next));
        },
      });
      for await (const page of pages) yield { response: page.response, items: items(page.response), next: page.next };
      return;
    }
    case 'offset': {
      const first = typeof input.resume === 'number' ? input.resume : Number(input.resume ?? 0) || 0;
      const pages = paginateCursor(
        http,
        { ...base, query: { ...base.query, [paginator.offset_param]: first, [paginator.limit_param]: paginator.limit } },
        {
          cursorParam: paginator.offset_param,
          nextCursor: (response) => {
            const count = items(response).length;
            if (ignored(response) || count === 0) return null;
            if (paginator.stop_when && holds(paginator.stop_when, response.body, ctx.config)) return null;
            const next = askedNumber(response, paginator.offset_param, first) + count;
            const total = paginator.total === undefined ? undefined : valueAt(response.body, paginator.total);
            if (typeof total === 'number' && next >= total) return null;
            if (paginator.short_page_ends && count < paginator.limit) return null;
            return String(next);
          },
        },
      );
      for await (const page of pages) yield { response: page.response, items: items(page.response), next: page.next === null ? null : Number(page.next) };
      return;
    }
    case 'page': {
      const first = typeof input.resume === 'number' ? input.resume : paginator.first_page;
      const sized = paginator.size_param !== undefined && paginator.size !== undefined ? { [paginator.size_param]: paginator.size } : {};
      const pages = paginateCursor(
        http,
        { ...base, query: { ...base.query, ...sized, [paginator.page_param]: first } },
        {
          cursorParam: paginator.page_param,
          nextCursor: (response) => {
            const count = items(response).length;
            if (ignored(response) || count === 0) return null;
            if (paginator.has_more ? !holds(paginator.has_more, response.body, ctx.config) : paginator.size !== undefined && count < paginator.size) return null;
            return String(askedNumber(response, paginator.page_param, first) + 1);
          },
        },
      );
      for await (const page of pages) yield { response: page.response, items: items(page.response), next: page.next === null ? null : Number(page.next) };
      return;
    }
  }
}
