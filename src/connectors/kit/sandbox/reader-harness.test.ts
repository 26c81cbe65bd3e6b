import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamMessage, StreamReader } from '../../../contracts/connector-kit.js';
import type { ManifestInput } from '../../../contracts/manifest.js';
import { readAll, readerContext } from './reader-harness.js';

const manifest: ManifestInput = {
  id: 'harness',
  name: 'Harness',
  description: 'A manifest for the reader harness test.',
  category: 'test',
  brand_logo: 'harness.svg',
  brand_color: '#123456',
  auth_mode: 'api_key',
  base_url: 'https://api.example.com/v1/',
  allowed_hosts: ['api.example.com'],
  default_headers: { 'X-Api-Version': '7' },
  streams: [
    { name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh', 'incremental'] },
    { name: 'other', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] },
  ],
};

/** Counts pulls and notes the close, to show what a stopped read leaves unpulled and that the reader's cleanup ran. */
function scripted(messages: StreamMessage[]): { reader: StreamReader; pulled: () => number; closed: () => boolean } {
  let pulled = 0;
  let closed = false;
  const reader: StreamReader = async function* () {
    try {
      for (const message of messages) {
        pulled++;
        yield message;
      }
    } finally {
      closed = true;
    }
  };
  return { reader, pulled: () => pulled, closed: () => closed };
}

const context = (stream = 'items') => readerContext({ manifest, stream, mode: 'full_refresh', state: null, token: 't' });

describe('readAll', () => {
  const messages: StreamMessage[] = [
    { type: 'records', records: [{ id: 1 }, { id: 2 }] },
    { type: 'state', state: { page: 1 } },
    { type: 'restart' },
    { type: 'deletes', ids: ['9'] },
    { type: 'records', records: [{ id: 3 }] },
    { type: 'state', state: { page: 2 } },
    { type: 'deletes', ids: ['8', '7'] },
    { type: 'state', state: { done: true } },
  ];

  it('gathers everything a reader yields, the last checkpoint as the state', async () => {
    const out = await readAll(scripted(messages).reader, context());
    expect(out).toEqual({
      records: [{ id: 1 }, { id: 2 }, { id: 3 }],
      deletes: ['9', '8', '7'],
      states: [{ page: 1 }, { page: 2 }, { done: true }],
      state: { done: true },
      restarts: 1,
    });
    expect((await readAll(scripted([{ type: 'records', records: [{ id: 1 }] }]).reader, context())).state).toBeNull();
  });

  it('stops right after the n-th checkpoint, pulling nothing more and closing the reader', async () => {
    const script = scripted(messages);
    const out = await readAll(script.reader, context(), { stopAfterStates: 2 });
    expect(out).toEqual({ records: [{ id: 1 }, { id: 2 }, { id: 3 }], deletes: ['9'], states: [{ page: 1 }, { page: 2 }], state: { page: 2 }, restarts: 1 });
    expect(script.pulled()).toBe(6);
    expect(script.closed()).toBe(true);
  });
});

describe('readerContext', () => {
  let server: Server;
  let url: string;
  beforeAll(async () => {
    server = createServer((req, res) => {
      // Echoes the request so a test sees what the client sent; the 401 echoes the credential too, for scrubbing to hide.
      const body = JSON.stringify({ path: req.url, headers: req.headers });
      res.writeHead(req.url?.includes('refuse') ? 401 : 200, { 'content-type': 'application/json' }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('gives the reader its parsed stream, mode, state and config', () => {
    const ctx = readerContext({ manifest, stream: 'other', mode: 'incremental', state: { cursor: 'x' }, token: 't', config: { a: 1 } });
    expect(ctx.stream).toMatchObject({ name: 'other', description: '', primary_key: ['id'] });
    expect([ctx.mode, ctx.state, ctx.config]).toEqual(['incremental', { cursor: 'x' }, { a: 1 }]);
    expect(context().config).toEqual({});
    expect(() => context('missing')).toThrow(/no stream missing/);
  });

  it("sends the manifest's default headers and the token as a bearer, or the authorization given", async () => {
    const bearer = readerContext({ manifest, stream: 'items', mode: 'full_refresh', state: null, baseUrl: url, token: 'secret-1' });
    const seen = (await bearer.http.get<{ path: string; headers: Record<string, string> }>('items')).body;
    expect(seen.path).toBe('/v1/items');
    expect(seen.headers).toMatchObject({ 'x-api-version': '7', authorization: 'Bearer secret-1' });

    const basic = readerContext({ manifest, stream: 'items', mode: 'full_refresh', state: null, baseUrl: url, token: 'secret-2', authorization: 'Basic abc' });
    expect((await basic.http.get<{ headers: Record<string, string> }>('items')).body.headers['authorization']).toBe('Basic abc');
  });

  it('scrubs the token from errors even when the authorization header does not carry it as is', async () => {
    const ctx = readerContext({ manifest, stream: 'items', mode: 'full_refresh', state: null, baseUrl: url, token: 'secret-3', authorization: 'Basic secret-3-encoded' });
    const error = await ctx.http.get('refuse?token=secret-3').catch((e: unknown) => e);
    expect(error).toMatchObject({ kind: 'config', status: 401 });
    expect(String((error as Error).message)).not.toContain('secret-3');
  });
});
