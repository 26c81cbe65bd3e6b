import type { StreamContext } from '../../contracts/connector-kit.js';
import { HttpError, redactUrl, sleep, type HttpResponse, type QueryValue, isObject } from '../../http-client/index.js';

/**
 * Requests to the Gmail API, with what the shared client does not know about Google.
 *
 * Google answers a spent per-user or per-project quota with 403 `userRateLimitExceeded` / `rateLimitExceeded`
 * (as well as 429), without a `Retry-After`; the shared client retries only 403s that carry a rate-limit header
 * or GitHub's wording, so it would fail the run as a configuration error. These requests therefore take 403
 * back, retry the rate-limit ones with exponential backoff as Google's error guide asks, and turn any other
 * 403 (a missing scope, a domain policy) into the error the client would have raised.
 */

export type GmailObject = Record<string, unknown>;

/** Every path is relative to the authenticated user's mailbox. */
export const mailbox = '/gmail/v1/users/me';

const rateLimitReasons = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);
const maxRateLimitRetries = 6;

/** Query values, where an array becomes a repeated parameter (`historyTypes=a&historyTypes=b`), as Google expects. */
export type GmailQuery = Record<string, QueryValue | string[]>;

export interface GmailGetOptions {
  /** Statuses handed back instead of thrown (404 for a message deleted meanwhile, or an expired history id). */
  accept?: number[];
  /** Backoff base in ms (tests shorten it). */
  backoffMs?: number;
}

export async function gmailGet<T = GmailObject>(ctx: StreamContext, path: string, query: GmailQuery = {}, options: GmailGetOptions = {}): Promise<HttpResponse<T>> {
  const { url, scalars } = withRepeatedParams(`${mailbox}${path}`, query);
  const accept = [...(options.accept ?? []), 403];
  for (let attempt = 1; ; attempt++) {
    const response = await ctx.http.request<T>({ method: 'GET', url, query: scalars, signal: ctx.signal, acceptStatus: accept });
    if (response.status !== 403 || options.accept?.includes(403)) return response;
    const reason = errorReason(response.body);
    if (reason === null || !rateLimitReasons.has(reason) || attempt > maxRateLimitRetries) {
      throw new HttpError({
        kind: reason !== null && rateLimitReasons.has(reason) ? 'transient' : 'config',
        code: reason !== null && rateLimitReasons.has(reason) ? 'rate_limited' : 'http_status',
        status: 403,
        url: response.url,
        attempts: attempt,
        message: `${reason !== null && rateLimitReasons.has(reason) ? 'rate_limited' : 'http_status'}: GET ${redactUrl(response.url)} returned 403: ${errorMessage(response.body)}`,
      });
    }
    const delay = Math.min(32_000, (options.backoffMs ?? 1000) * 2 ** (attempt - 1));
    ctx.log('warn', `Gmail quota (${reason}): retrying in ${delay} ms`, { attempt });
    await sleep(delay, ctx.signal);
  }
}

/** Google's error body: `{ error: { code, message, status, errors: [{ reason, domain, message }] } }`. */
export function errorReason(body: unknown): string | null {
  const error = isObject(body) ? body['error'] : undefined;
  const errors = isObject(error) ? error['errors'] : undefined;
  const first = Array.isArray(errors) ? (errors[0] as unknown) : undefined;
  return isObject(first) && typeof first['reason'] === 'string' ? first['reason'] : null;
}

export function errorMessage(body: unknown): string {
  const error = isObject(body) ? body['error'] : undefined;
  const message = isObject(error) && typeof error['message'] === 'string' ? error['message'] : typeof body === 'string' ? body : '';
  return message.slice(0, 300) || '(empty body)';
}

function withRepeatedParams(path: string, query: GmailQuery): { url: string; scalars: Record<string, QueryValue> } {
  const repeated = new URLSearchParams();
  const scalars: Record<string, QueryValue> = {};
  for (const [key, value] of Object.entries(query)) {
    if (Array.isArray(value)) for (const item of value) repeated.append(key, item);
    else scalars[key] = value;
  }
  const search = repeated.toString();
  return { url: search === '' ? path : `${path}?${search}`, scalars };
}

/** Runs `fn` over `items` with at most `limit` calls in flight; results keep the input order. */
export async function mapBounded<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = await fn(items[index]!);
      } catch (error) {
        // One failure fails the batch: the other workers stop taking items instead of running on unobserved.
        next = items.length;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

export { isObject };

/** `include_spam_trash` from the connection config (a boolean, or its text from a form). */
export function includeSpamTrash(config: Record<string, unknown>): boolean {
  const value = config['include_spam_trash'];
  return value === true || value === 'true';
}
