import type { IncomingHttpHeaders } from 'node:http';

/**
 * One request to a simulated API, as every provider's handler receives it: the body already read, the URL parsed.
 *
 * @example
 * ```ts
 * handle(req: SandboxRequest): SandboxResponse {
 *   if (!this.oauth.accepts(bearerOf(req))) return { status: 401, body: { message: 'Bad credentials' } };
 *   const limit = Number(req.url.searchParams.get('limit') ?? 50);
 *   return { status: 200, body: this.store.page(limit) };
 * }
 * ```
 */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** `http://<Host header>`: where absolute URLs in responses (pagination links) must point. */
  origin: string;
  /** The raw request body ('' when none): token requests, JSON searches, form-encoded method calls. */
  body: string;
}

/**
 * What a provider's handler answers: a status, headers, and a body (JSON unless it is a string).
 *
 * @example
 * ```ts
 * const notFound: SandboxResponse = { status: 404, headers: { 'content-type': 'application/json' }, body: { message: 'Not Found' } };
 * ```
 */
export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is a string. */
  body?: unknown;
}

/** What the server needs of a provider's authorization server (SandboxOAuth). */
export interface SandboxAuthServer {
  /** Answers its own paths (authorize, token, revoke); null for any other request. */
  handle(req: SandboxRequest): SandboxResponse | null;
  expireAccessTokens(): number;
}
