import type { SandboxRequest } from './sandbox-http.js';

/** Readers for what a simulated endpoint receives; each provider parses the same few shapes. */

/**
 * An `application/x-www-form-urlencoded` body (token requests, Slack method calls).
 *
 * @example
 * ```ts
 * const token = bearerOf(req) ?? (req.method === 'POST' ? formOf(req).get('token') : null);
 * ```
 */
export function formOf(req: SandboxRequest): URLSearchParams {
  return new URLSearchParams(req.body);
}

/**
 * A JSON body, or undefined when there is none or it is not JSON (the provider then answers 400 its own way).
 *
 * @example
 * ```ts
 * const body = jsonOf(req);
 * if (body === undefined || typeof body !== 'object' || body === null) return jiraError(400, 'The request body is not valid JSON.');
 * ```
 */
export function jsonOf(req: SandboxRequest): unknown {
  if (req.body.trim() === '') return undefined;
  try {
    return JSON.parse(req.body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The token of `Authorization: Bearer <token>`, or null.
 *
 * @example
 * ```ts
 * if (!this.oauth.accepts(bearerOf(req))) return invalidCredentials();
 * ```
 */
export function bearerOf(req: SandboxRequest): string | null {
  const header = req.headers.authorization;
  const match = header ? /^bearer\s+(\S+)\s*$/i.exec(header) : null;
  return match?.[1] ?? null;
}

/**
 * The credentials of `Authorization: Basic <base64(user:password)>`, or null; each part percent-decoded when it
 * decodes (OAuth clients form-encode them).
 *
 * @example
 * ```ts
 * const basic = basicOf(req);
 * if (basic?.username === this.email && basic.password === this.apiToken) return this.route(req);
 * ```
 */
export function basicOf(req: SandboxRequest): { username: string; password: string } | null {
  const header = req.headers.authorization;
  const match = header ? /^basic\s+(\S+)\s*$/i.exec(header) : null;
  if (!match) return null;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon === -1) return null;
  return { username: safeDecode(decoded.slice(0, colon)), password: safeDecode(decoded.slice(colon + 1)) };
}

/** OAuth clients form-encode their id and secret inside Basic (RFC 6749 §2.3.1); other clients send them raw. */
function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
