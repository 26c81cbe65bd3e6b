import { type HttpResponse, isObject, type QueryValue, type StreamContext } from '../kit/index.js';

/**
 * Requests to the Gmail API. Google answers a spent per-user or per-project quota with 429, or with 403
 * `userRateLimitExceeded` / `rateLimitExceeded` and no `Retry-After`; the shared HTTP client recognises both and
 * retries them with backoff, as Google's error guide asks, and reports any other 403 (a missing scope, a domain
 * policy) as the configuration error it is, with Google's words.
 */

export type GmailObject = Record<string, unknown>;

/** Every path is relative to the authenticated user's mailbox. */
export const mailbox = '/gmail/v1/users/me';

/** Query values, where an array becomes a repeated parameter (`historyTypes=a&historyTypes=b`), as Google expects. */
export type GmailQuery = Record<string, QueryValue | string[]>;

export interface GmailGetOptions {
  /** Statuses handed back instead of thrown (404 for a message deleted meanwhile, or an expired history id). */
  accept?: number[];
}

export async function gmailGet<T = GmailObject>(ctx: StreamContext, path: string, query: GmailQuery = {}, options: GmailGetOptions = {}): Promise<HttpResponse<T>> {
  const { url, scalars } = withRepeatedParams(`${mailbox}${path}`, query);
  return ctx.http.request<T>({ method: 'GET', url, query: scalars, signal: ctx.signal, acceptStatus: options.accept ?? [] });
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
