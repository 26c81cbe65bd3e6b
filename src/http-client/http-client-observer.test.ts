import { describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { sendJson, servedPerTest } from './test-server.js';

const serve = servedPerTest();

/** The `onResponse` hook the engine's metrics hang on: one call per attempt, with the status or how it failed. */
describe('createHttpClient onResponse', () => {
  it('reports every attempt: a retried 503, then the 200', async () => {
    const server = await serve((_req, res, i) => (i === 0 ? sendJson(res, 503, {}) : sendJson(res, 200, { ok: true })));
    const seen: (number | string)[] = [];
    const client = createHttpClient({ baseUrl: server.url, sleep: async () => undefined, onResponse: (status) => seen.push(status) });
    await client.get('/x');
    expect(seen).toEqual([503, 200]);
  });

  it('reports a final 401 and a connection that fails without a status', async () => {
    const server = await serve((_req, res) => sendJson(res, 401, { message: 'Bad credentials' }));
    const seen: (number | string)[] = [];
    const client = createHttpClient({ baseUrl: server.url, retry: false, onResponse: (status) => seen.push(status) });
    await expect(client.get('/x')).rejects.toMatchObject({ status: 401 });
    const closed = await serve((req) => req.socket.destroy());
    await expect(createHttpClient({ baseUrl: closed.url, retry: false, onResponse: (status) => seen.push(status) }).get('/x')).rejects.toMatchObject({ kind: 'transient' });
    expect(seen).toEqual([401, 'network_error']);
  });

  it('is not told about a cancelled request, and an observer that throws does not fail the request', async () => {
    const server = await serve((_req, res) => sendJson(res, 200, {}));
    const seen: (number | string)[] = [];
    const controller = new AbortController();
    controller.abort();
    await expect(createHttpClient({ baseUrl: server.url, signal: controller.signal, onResponse: (s) => seen.push(s) }).get('/x')).rejects.toThrow();
    expect(seen).toEqual([]);
    const throwing = createHttpClient({
      baseUrl: server.url,
      onResponse: () => {
        throw new Error('observer broke');
      },
    });
    expect((await throwing.get('/x')).status).toBe(200);
  });
});
