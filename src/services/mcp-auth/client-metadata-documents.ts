import { z } from 'zod';
import { createGuardedFetch, isHttpError } from '../../http-client/index.js';
import type { ProviderTraffic } from '../credentials/provider-traffic.js';
import type { McpClient } from './mcp-client.js';
import { McpOAuthError } from './mcp-oauth-error.js';
import { redirectUriProblem } from './redirect-uri-rules.js';

export interface ClientMetadataDocumentsOptions {
  /** Most documents kept at once; the oldest goes first. Default 500. */
  maxEntries?: number;
  /** Milliseconds; tests inject one. */
  now?: () => number;
}

const DocumentSchema = z.object({
  client_id: z.string(),
  client_name: z.string().min(1).max(200),
  redirect_uris: z.array(z.string().max(2000)).min(1).max(10),
  token_endpoint_auth_method: z.literal('none').optional(),
  grant_types: z.array(z.string()).optional(),
  response_types: z.array(z.string()).optional(),
});

/** A document is small; the draft suggests 5 KB. Bigger is refused rather than parsed. */
const maxDocumentBytes = 5 * 1024;
const defaultTtlMs = 5 * 60_000;
const minTtlMs = 60_000;
const maxTtlMs = 24 * 3600_000;

/** Whether a client_id names a metadata document (an http(s) URL) rather than a registered client. */
export function isMetadataDocumentClientId(clientId: string): boolean {
  return /^https?:\/\//i.test(clientId);
}

/**
 * Client ID Metadata Documents (MCP 2025-11-25 authorization; draft-ietf-oauth-client-id-metadata-document): a
 * client_id that is an https URL is fetched, through the SSRF guard, and must be a JSON document whose own
 * client_id is that URL. Documents are cached per process, bounded in count and time (Cache-Control max-age,
 * clamped to 1 min – 24 h), so an authorization request costs no fetch most of the time and a flood of made-up
 * URLs cannot grow memory. Plain http is refused unless the operator allows that private host
 * (TRIBUTARY_ALLOW_PRIVATE_HOSTS), which is for tests and sandboxes only.
 */
export class ClientMetadataDocuments {
  readonly #cache = new Map<string, { client: McpClient; expiresAt: number }>();
  readonly #pending = new Map<string, Promise<McpClient>>();
  readonly #maxEntries: number;
  readonly #now: () => number;

  constructor(
    private readonly traffic: ProviderTraffic,
    options: ClientMetadataDocumentsOptions = {},
  ) {
    this.#maxEntries = options.maxEntries ?? 500;
    this.#now = options.now ?? Date.now;
  }

  async resolve(clientId: string, allowPrivateHosts: string[]): Promise<McpClient> {
    const cached = this.#cache.get(clientId);
    if (cached && cached.expiresAt > this.#now()) return cached.client;
    this.#cache.delete(clientId);
    // Concurrent requests for one client share one fetch.
    let pending = this.#pending.get(clientId);
    if (!pending) {
      pending = this.#fetch(clientId, allowPrivateHosts).finally(() => this.#pending.delete(clientId));
      this.#pending.set(clientId, pending);
    }
    return pending;
  }

  async #fetch(clientId: string, allowPrivateHosts: string[]): Promise<McpClient> {
    const url = checkClientIdUrl(clientId);
    const fetchGuarded = createGuardedFetch(this.traffic.guardFor(allowPrivateHosts), allowPrivateHosts, { timeoutMs: 5000, maxResponseBytes: maxDocumentBytes });
    let response: Response;
    try {
      response = await fetchGuarded(url.href, { headers: { accept: 'application/json' } });
    } catch (error) {
      const why = isHttpError(error) ? error.message : 'it could not be fetched';
      throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} was not usable: ${why}.`);
    }
    if (response.status !== 200) throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} answered HTTP ${response.status}.`);
    let body: unknown;
    try {
      body = JSON.parse(await response.text());
    } catch {
      throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} is not JSON.`);
    }
    const parsed = DocumentSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} is invalid: ${issue.path.join('.') || 'document'}: ${issue.message}.`);
    }
    const document = parsed.data;
    if (document.client_id !== clientId) throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} names another client_id.`);
    if ((body as Record<string, unknown>)['client_secret'] !== undefined) {
      throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} carries a client_secret; such documents describe public clients.`);
    }
    for (const uri of document.redirect_uris) {
      const problem = redirectUriProblem(uri);
      if (problem) throw new McpOAuthError('invalid_client', `The client metadata document at ${url.href} has a bad redirect URI: ${problem}.`);
    }
    const client: McpClient = {
      id: clientId,
      kind: 'metadata_document',
      name: document.client_name,
      redirectUris: document.redirect_uris,
      tokenEndpointAuthMethod: 'none',
      secretHash: null,
    };
    const ttl = cacheTtl(response.headers.get('cache-control'));
    if (ttl > 0) this.#remember(clientId, client, ttl);
    return client;
  }

  #remember(clientId: string, client: McpClient, ttlMs: number): void {
    while (this.#cache.size >= this.#maxEntries) {
      const oldest = this.#cache.keys().next().value;
      if (oldest === undefined) break;
      this.#cache.delete(oldest);
    }
    this.#cache.set(clientId, { client, expiresAt: this.#now() + ttlMs });
  }
}

/** The draft's rules for the URL itself: https (or allowlisted http), a path, no fragment, no credentials, no dot segments. */
function checkClientIdUrl(clientId: string): URL {
  let url: URL;
  try {
    url = new URL(clientId);
  } catch {
    throw new McpOAuthError('invalid_client', 'The client_id is not a valid URL.');
  }
  const refuse = (why: string) => new McpOAuthError('invalid_client', `A client_id URL ${why}.`);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw refuse('must use https');
  if (url.pathname === '/' || url.pathname === '') throw refuse('must have a path');
  if (clientId.includes('#')) throw refuse('may not have a fragment');
  if (url.username || url.password) throw refuse('may not carry credentials');
  if (/\/\.\.?(\/|$)/.test(clientId.replace(/^https?:\/\/[^/]+/i, ''))) throw refuse('may not contain . or .. segments');
  if (url.href !== clientId) throw refuse('must be in normal form (as its own client_id, byte for byte)');
  return url;
}

function cacheTtl(header: string | null): number {
  if (!header) return defaultTtlMs;
  const directives = header.toLowerCase().split(',').map((d) => d.trim());
  if (directives.includes('no-store')) return 0;
  const maxAge = directives.find((d) => d.startsWith('max-age='));
  if (!maxAge) return defaultTtlMs;
  const seconds = Number(maxAge.slice('max-age='.length));
  if (!Number.isFinite(seconds)) return defaultTtlMs;
  return Math.min(maxTtlMs, Math.max(minTtlMs, seconds * 1000));
}
