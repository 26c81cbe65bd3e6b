import { describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { failure, recordingClient } from './test-client.js';
import { sendJson, servedPerTest } from './test-server.js';

const serve = servedPerTest();

describe('createHttpClient retries', () => {
  it('retries a 429 after the Retry-After delay in seconds', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? sendJson(res, 429, { error: 'slow down' }, { 'retry-after': '7' }) : sendJson(res, 200, { ok: true }),
    );
    const { client, delays, retries } = recordingClient(server);
    const res = await client.get<{ ok: boolean }>('/x');
    expect(res.body.ok).toBe(true);
    expect(delays).toEqual([7000]);
    expect(retries).toEqual([[1, 7000, 'rate_limited (429)']]);
  });

  it('honours Retry-After as an HTTP-date', async () => {
    const now = Date.UTC(2025, 0, 1, 12, 0, 0);
    const server = await serve((_req, res, i) =>
      i === 0 ? sendJson(res, 503, {}, { 'retry-after': new Date(now + 12_000).toUTCString() }) : sendJson(res, 200, {}),
    );
    const { client, delays } = recordingClient(server, { now: () => now });
    await client.get('/x');
    expect(delays).toEqual([12_000]);
  });

  it('retries a burst of 5xx with exponential backoff, then succeeds', async () => {
    const statuses = [500, 502, 503, 504];
    const server = await serve((_req, res, i) => sendJson(res, statuses[i] ?? 200, { i }));
    const { client, delays } = recordingClient(server);
    const res = await client.get<{ i: number }>('/x');
    expect(res.body.i).toBe(4);
    expect(server.requests).toHaveLength(5);
    expect(delays).toEqual([250, 500, 1000, 2000]);
  });

  it('retries a connection reset, then succeeds', async () => {
    const server = await serve((req, res, i) => (i < 2 ? req.socket.destroy() : sendJson(res, 200, { ok: 1 })));
    const { client, retries } = recordingClient(server);
    const res = await client.get<{ ok: number }>('/x');
    expect(res.body.ok).toBe(1);
    expect(retries).toHaveLength(2);
    expect(retries[0]?.[2]).toMatch(/ECONNRESET|UND_ERR_SOCKET|connection_closed/);
  });

  it('retries a body cut off before its Content-Length', async () => {
    const server = await serve((_req, res, i) => {
      if (i > 0) return sendJson(res, 200, { items: [1, 2, 3] });
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
      res.write('{"items": [1, 2');
      setTimeout(() => res.socket?.destroy(), 5);
    });
    const { client, retries } = recordingClient(server);
    const res = await client.get<{ items: number[] }>('/x');
    expect(res.body.items).toEqual([1, 2, 3]);
    expect(retries).toHaveLength(1);
  });

  it('retries a 2xx whose JSON is incomplete (connection closed without a length)', async () => {
    const server = await serve((_req, res, i) => {
      if (i > 0) return sendJson(res, 200, { done: true });
      res.writeHead(200, { 'content-type': 'application/json', connection: 'close' });
      res.end('{"items": [1, 2');
    });
    const { client, retries } = recordingClient(server);
    const res = await client.get<{ done: boolean }>('/x');
    expect(res.body.done).toBe(true);
    expect(retries[0]?.[2]).toBe('invalid_json');
  });

  it('waits for the GitHub primary limit reset (403 with x-ratelimit-remaining: 0)', async () => {
    const now = 1_700_000_000_000;
    const server = await serve((_req, res, i) =>
      i === 0
        ? sendJson(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 42) })
        : sendJson(res, 200, { ok: true }),
    );
    const { client, delays } = recordingClient(server, { now: () => now });
    await client.get('/repos');
    expect(delays).toEqual([42_000]);
  });

  it('treats a GitHub secondary limit (403 + retry-after) as a rate limit', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? sendJson(res, 403, { message: 'You have exceeded a secondary rate limit' }, { 'retry-after': '3' }) : sendJson(res, 200, {}),
    );
    const { client, delays } = recordingClient(server);
    await client.get('/search');
    expect(delays).toEqual([3000]);
  });

  it('uses the IETF RateLimit-Reset delta on a 429', async () => {
    const server = await serve((_req, res, i) =>
      i === 0 ? sendJson(res, 429, {}, { 'ratelimit-remaining': '0', 'ratelimit-reset': '9' }) : sendJson(res, 200, {}),
    );
    const { client, delays } = recordingClient(server);
    await client.get('/x');
    expect(delays).toEqual([9000]);
  });

  it('fails at once when the provider asks to wait longer than maxRetryAfterMs', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '3600' }));
    const { client, delays } = recordingClient(server);
    const error = await failure(client.get('/x'));
    expect(error.kind).toBe('transient');
    expect(error.code).toBe('rate_limited');
    expect(error.message).toContain('3600 s');
    expect(delays).toEqual([]);
  });

  it('does not retry when retry is false', async () => {
    const server = await serve((_req, res) => sendJson(res, 500, {}));
    const { client } = recordingClient(server);
    const error = await failure(client.request({ url: '/x', retry: false }));
    expect(error.kind).toBe('transient');
    expect(server.requests).toHaveLength(1);
  });

  it('times out each attempt and reports a transient timeout', async () => {
    const server = await serve(() => undefined);
    const { client, retries } = recordingClient(server, { timeoutMs: 60, retry: { maxAttempts: 2 } });
    const error = await failure(client.get('/slow'));
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', attempts: 2 });
    expect(retries[0]?.[2]).toBe('timeout');
  });

  it('takes a rate-limiter token before every attempt, retries included', async () => {
    const arrivals: number[] = [];
    const server = await serve((_req, res, i) => {
      arrivals.push(performance.now());
      sendJson(res, i === 1 ? 503 : 200, {});
    });
    let acquired = 0;
    const client = createHttpClient({
      baseUrl: server.url,
      sleep: async () => undefined,
      rateLimiter: { acquire: async () => void acquired++ },
    });
    await client.get('/a');
    await client.get('/b');
    expect(acquired).toBe(3);
    expect(arrivals).toHaveLength(3);
  });
});
