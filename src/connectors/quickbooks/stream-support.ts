import {
  AppError,
  HttpError,
  type HttpRequest,
  type HttpResponse,
  isObject,
  type StreamContext,
  timeOf,
} from '../kit/index.js';

/** What the QuickBooks streams share: the company path, the minor version, and reading Intuit's envelopes. */

export type QboObject = Record<string, unknown>;

/**
 * Since August 2025 every request is served at minor version 75 or later whatever it asks; asking for 75
 * explicitly keeps the schema fixed when Intuit ships later ones.
 */
export const minorVersion = 75;

/** The query endpoint's largest page. */
export const maxResults = 1000;

const realmPattern = /^\d{1,32}$/;

/** `/v3/company/{realmId}`: the company (realm) the connection reads, from the OAuth redirect or the config. */
export function companyPath(config: Record<string, unknown>): string {
  const realm = typeof config['realm_id'] === 'string' ? config['realm_id'].trim() : typeof config['realm_id'] === 'number' ? String(config['realm_id']) : '';
  if (!realm) {
    throw new AppError('validation_failed', 'realm_id: the QuickBooks company id is not set (connect through OAuth, or copy it from the company settings)', { field: 'realm_id' });
  }
  if (!realmPattern.test(realm)) throw new AppError('validation_failed', `realm_id: "${realm}" is not a QuickBooks company id (digits only)`, { field: 'realm_id' });
  return `/v3/company/${realm}`;
}

export { isObject, timeOf };

/**
 * A GET on the company, with `minorversion`, that also refuses a `Fault` in a 200 answer: QuickBooks
 * documents that a successful status may still carry one.
 */
export async function getCompany<T extends QboObject>(ctx: StreamContext, path: string, query: HttpRequest['query'], acceptStatus: number[] = []): Promise<HttpResponse<T>> {
  const response = await ctx.http.request<T>({
    method: 'GET',
    url: `${companyPath(ctx.config)}${path}`,
    query: { ...query, minorversion: minorVersion },
    signal: ctx.signal,
    ...(acceptStatus.length > 0 ? { acceptStatus } : {}),
  });
  if (response.status === 200 && isObject(response.body) && response.body['Fault'] !== undefined) {
    throw new HttpError({ kind: 'provider', code: 'invalid_response', status: 200, url: response.url, message: `invalid_response: QuickBooks answered GET ${path} with a fault: ${faultText(response.body)}` });
  }
  return response;
}

/** `Message: Detail (code)` of the first error of a QuickBooks fault body, bounded. */
export function faultText(body: unknown): string {
  const fault = isObject(body) ? (body['Fault'] ?? body['fault']) : undefined;
  const errors = isObject(fault) ? (fault['Error'] ?? fault['error']) : undefined;
  const first = Array.isArray(errors) && isObject(errors[0]) ? errors[0] : null;
  if (!first) return '(no fault details)';
  const message = String(first['Message'] ?? first['message'] ?? '');
  const detail = String(first['Detail'] ?? first['detail'] ?? '');
  const code = String(first['code'] ?? '');
  return `${message}${detail ? `: ${detail}` : ''}${code ? ` (${code})` : ''}`.slice(0, 400);
}

export function lastUpdated(entity: QboObject): string | null {
  const meta = entity['MetaData'];
  return isObject(meta) && typeof meta['LastUpdatedTime'] === 'string' ? meta['LastUpdatedTime'] : null;
}
