import type { IncomingHttpHeaders } from 'node:http';

/**
 * One API exchange as the sandbox saw it, served at `GET /_sandbox/exchanges` while recording is on. Tests replay
 * these against a vendor's OpenAPI document, so the request is kept as sent (raw query string, body text) and the
 * response as written. Credentials are not kept: `authorization` and `cookie` keep their name with the value
 * redacted, so a test can still see that the header was sent.
 *
 * @example
 * ```ts
 * const { exchanges } = (await (await fetch(`${sandbox.url}/_sandbox/exchanges`)).json()) as { exchanges: RecordedExchange[] };
 * expect(exchanges[0]).toMatchObject({ method: 'GET', path: '/user', status: 200 });
 * ```
 */
export interface RecordedExchange {
  method: string;
  path: string;
  /** The raw query string without its `?` ('' when none), exactly as the client encoded it. */
  query: string;
  requestHeaders: Record<string, string>;
  requestBody: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody: string;
}

/**
 * The value that replaces a credential header's value in a recorded exchange.
 *
 * @example
 * ```ts
 * expect(exchange.requestHeaders.authorization).toBe(REDACTED);
 * ```
 */
export const REDACTED = '[redacted]';

const credentialHeaders = new Set(['authorization', 'cookie', 'proxy-authorization']);

/**
 * The bounded record behind `POST /_sandbox/recording` and `GET`/`DELETE /_sandbox/exchanges`. Off until a test
 * turns it on, so benchmarks and long syncs pay nothing; when full, the oldest exchanges are dropped.
 *
 * @example
 * ```ts
 * const log = new ExchangeLog(5000);
 * log.setRecording(true);
 * log.record({ method: 'GET', url: new URL('http://h/user?x=1'), headers: {}, body: '' }, { status: 200, headers: {}, body: '{}' });
 * log.list(); // [{ method: 'GET', path: '/user', query: 'x=1', … }]
 * ```
 */
export class ExchangeLog {
  private recording = false;
  private exchanges: RecordedExchange[] = [];

  constructor(private readonly capacity = 5000) {}

  get isRecording(): boolean {
    return this.recording;
  }

  setRecording(on: boolean): void {
    this.recording = on;
  }

  record(
    request: { method: string; url: URL; headers: IncomingHttpHeaders; body: string },
    response: { status: number; headers: Record<string, string>; body: string },
  ): void {
    if (!this.recording) return;
    this.exchanges.push({
      method: request.method,
      path: request.url.pathname,
      query: request.url.search.replace(/^\?/, ''),
      requestHeaders: redactedHeaders(request.headers),
      requestBody: request.body,
      status: response.status,
      responseHeaders: lowerCased(response.headers),
      responseBody: response.body,
    });
    if (this.exchanges.length > this.capacity) this.exchanges.splice(0, this.exchanges.length - this.capacity);
  }

  list(): RecordedExchange[] {
    return [...this.exchanges];
  }

  clear(): void {
    this.exchanges = [];
  }
}

function redactedHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    out[key] = credentialHeaders.has(key) ? REDACTED : Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = value;
  return out;
}
