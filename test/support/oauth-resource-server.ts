import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ConnectorDefinition, StreamMessage } from '../../src/contracts/connector-kit.js';
import type { ManifestInput } from '../../src/contracts/manifest.js';
import { testManifest } from './test-manifest.js';

export interface ResourceServer {
  url: string;
  host: string;
  /** Bearer tokens presented, in order (to tell which token each request carried). */
  seen: string[];
  /** Requests refused with 401. */
  refused: number;
  close(): Promise<void>;
}

export interface ResourceServerOptions {
  /** Is this access token good? (token introspection at the real authorization server, in these tests) */
  validate: (token: string) => Promise<boolean>;
  items?: number;
  /** Serve RFC 9728 protected-resource metadata for `${url}${path}`, naming these authorization servers. */
  protectedResource?: { path: string; authorizationServers: string[]; scopes?: string[] };
}

/**
 * A small API protected by OAuth bearer tokens: `GET …/items?page=N` (5 per page) answers only to a token the
 * authorization server vouches for, else 401 with `WWW-Authenticate: Bearer`. Optionally it presents itself as
 * an MCP server's protected resource (RFC 9728 metadata at the path-inserted well-known URL).
 */
export async function startResourceServer(options: ResourceServerOptions): Promise<ResourceServer> {
  const total = options.items ?? 12;
  const handle = { seen: [] as string[], refused: 0 };
  let base = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const url = new URL(req.url ?? '/', base);
      const pr = options.protectedResource;
      if (pr && url.pathname === `/.well-known/oauth-protected-resource${pr.path}`) {
        return json(res, 200, { resource: `${base}${pr.path}`, authorization_servers: pr.authorizationServers, scopes_supported: pr.scopes ?? [], bearer_methods_supported: ['header'] });
      }
      if (!url.pathname.endsWith('/items')) return json(res, 404, { error: 'not_found' });
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1] ?? '';
      handle.seen.push(token);
      if (!token || !(await options.validate(token))) {
        handle.refused++;
        res.setHeader('www-authenticate', 'Bearer error="invalid_token"');
        return json(res, 401, { error: 'invalid_token' });
      }
      const page = Number(url.searchParams.get('page') ?? 1);
      const items = Array.from({ length: total }, (_, i) => ({ id: `item-${i + 1}`, n: i + 1 })).slice((page - 1) * 5, page * 5);
      return json(res, 200, { items, next_page: page * 5 < total ? page + 1 : null });
    })().catch((error: unknown) => json(res, 500, { error: String(error) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  base = `http://127.0.0.1:${port}`;
  return Object.assign(handle, { url: base, host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) });
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** A connector whose one stream pages through the resource server's items with the connection's token. */
export function resourceConnector(manifest: Pick<ManifestInput, 'id' | 'auth_mode' | 'oauth' | 'base_url' | 'auth'>): ConnectorDefinition {
  return {
    manifest: testManifest({
      name: `${manifest.id} (test)`,
      description: 'An OAuth-protected test API',
      allowed_hosts: ['127.0.0.1'],
      streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
      ...manifest,
    }),
    streams: {
      async *items(ctx): AsyncGenerator<StreamMessage> {
        for (let page: number | null = 1; page !== null; ) {
          const response: { body: { items: Record<string, unknown>[]; next_page: number | null } } = await ctx.http.get<{ items: Record<string, unknown>[]; next_page: number | null }>('items', { page });
          yield { type: 'records', records: response.body.items };
          page = response.body.next_page;
        }
      },
    },
  };
}

/** RFC 7662 introspection at the authorization server, as a resource server checks a bearer token. */
export function introspector(endpoint: string, clientId: string, clientSecret: string): (token: string) => Promise<boolean> {
  return async (token) => {
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    const body = (await response.json()) as { active?: boolean };
    return body.active === true;
  };
}
