import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';
import { ClientMetadataDocuments } from '../src/services/mcp-auth/client-metadata-documents.js';
import { McpOAuthError } from '../src/services/mcp-auth/mcp-oauth-error.js';

/**
 * Client ID Metadata Documents as the authorization server fetches them: from a real loopback server (allowed as a
 * private host, as an operator would for a sandbox), with an injected clock for the cache's bounds.
 */
describe('client metadata documents', () => {
  let server: Server;
  let base: string;
  let host: string;
  const fetches = new Map<string, number>();
  const traffic = new ProviderTraffic();

  beforeAll(async () => {
    server = createServer((request, response) => {
      const path = request.url ?? '';
      fetches.set(path, (fetches.get(path) ?? 0) + 1);
      const doc = (extra: Record<string, unknown> = {}) => JSON.stringify({ client_id: `${base}${path}`, client_name: 'Doc', redirect_uris: ['https://app.example/cb'], ...extra });
      if (path.startsWith('/cached')) return response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'max-age=120' }).end(doc());
      if (path.startsWith('/nostore')) return response.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(doc());
      if (path === '/huge') return response.writeHead(200, { 'content-type': 'application/json' }).end(doc({ padding: 'x'.repeat(6000) }));
      if (path === '/moved') return response.writeHead(302, { location: `${base}/cached` }).end();
      if (path === '/secret') return response.writeHead(200, { 'content-type': 'application/json' }).end(doc({ client_secret: 's' }));
      if (path === '/badredirect') return response.writeHead(200, { 'content-type': 'application/json' }).end(doc({ redirect_uris: ['http://app.example/cb'] }));
      if (path === '/nonjson') return response.writeHead(200, { 'content-type': 'text/html' }).end('<html>');
      response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    base = `http://127.0.0.1:${port}`;
    host = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await traffic.close();
  });

  const refusal = async (promise: Promise<unknown>): Promise<string> => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(McpOAuthError);
    expect((error as McpOAuthError).error).toBe('invalid_client');
    return (error as McpOAuthError).description;
  };

  it('caches for max-age, refetches after it, and never caches no-store', async () => {
    let now = 1_000_000;
    const documents = new ClientMetadataDocuments(traffic, { now: () => now });
    const cached = `${base}/cached`;
    expect((await documents.resolve(cached, [host])).name).toBe('Doc');
    await documents.resolve(cached, [host]);
    expect(fetches.get('/cached')).toBe(1);
    now += 121_000;
    await documents.resolve(cached, [host]);
    expect(fetches.get('/cached')).toBe(2);
    await documents.resolve(`${base}/nostore`, [host]);
    await documents.resolve(`${base}/nostore`, [host]);
    expect(fetches.get('/nostore')).toBe(2);
  });

  it('holds at most maxEntries documents, dropping the oldest', async () => {
    const documents = new ClientMetadataDocuments(traffic, { maxEntries: 2 });
    for (const n of [1, 2, 3]) await documents.resolve(`${base}/cached-${n}`, [host]);
    await documents.resolve(`${base}/cached-3`, [host]);
    await documents.resolve(`${base}/cached-2`, [host]);
    expect([fetches.get('/cached-1'), fetches.get('/cached-2'), fetches.get('/cached-3')]).toEqual([1, 1, 1]);
    await documents.resolve(`${base}/cached-1`, [host]);
    expect(fetches.get('/cached-1')).toBe(2);
  });

  it('refuses oversized, redirected, non-JSON, secret-bearing and bad-redirect documents, and URLs of the wrong shape', async () => {
    const documents = new ClientMetadataDocuments(traffic);
    expect(await refusal(documents.resolve(`${base}/huge`, [host]))).toContain('not usable');
    expect(await refusal(documents.resolve(`${base}/moved`, [host]))).toContain('HTTP 302');
    expect(await refusal(documents.resolve(`${base}/nonjson`, [host]))).toContain('not JSON');
    expect(await refusal(documents.resolve(`${base}/secret`, [host]))).toContain('client_secret');
    expect(await refusal(documents.resolve(`${base}/badredirect`, [host]))).toContain('bad redirect URI');
    expect(await refusal(documents.resolve(`${base}/missing`, [host]))).toContain('HTTP 404');
    expect(await refusal(documents.resolve(`${base}/`, [host]))).toContain('must have a path');
    expect(await refusal(documents.resolve(`${base}/a/../cached`, [host]))).toContain('segments');
    expect(await refusal(documents.resolve(`${base}/cached#x`, [host]))).toContain('fragment');
    // Plain http to a host the operator did not allow never leaves the process.
    const before = fetches.get('/cached-9') ?? 0;
    await refusal(documents.resolve(`${base}/cached-9`, []));
    expect(fetches.get('/cached-9') ?? 0).toBe(before);
  });
});
