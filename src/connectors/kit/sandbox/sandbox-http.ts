import type { IncomingHttpHeaders } from 'node:http';

/** One request to a simulated API, as every provider's handler receives it. */
export interface SandboxRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** `http://<Host header>`: where absolute URLs in responses (pagination links) must point. */
  origin: string;
  /** The raw request body ('' when none): token requests, JSON searches, form-encoded method calls. */
  body: string;
}

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
