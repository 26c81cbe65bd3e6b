import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { HttpError } from './http-error.js';
import type { HttpClientOptions } from './http-types.js';
import { sendJson, startTestServer, type TestHandler, type TestServer } from './test-server.js';

const servers: TestServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

async function serve(handler: TestHandler): Promise<TestServer> {
  const server = await startTestServer(handler);
  servers.push(server);
  return server;
}

/** A client whose waits are recorded instead of slept, with deterministic jitter (half the cap). */
function recordingClient(server: TestServer, extra: HttpClientOptions = {}) {
  const delays: number[] = [];
  const retries: Array<[number, number, string]> = [];
  const client = createHttpClient({
    baseUrl: server.url,
    sleep: async (ms) => {
      delays.push(ms);
    },
    random: () => 0.5,
    onRetry: (attempt, delay, reason) => retries.push([attempt, delay, reason]),
    ...extra,
  });
  return { client, delays, retries };
}

async function failure(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('createHttpClient', () => {
  it('sends base path, default headers and query, and parses JSON', async () => {
    const server = await serve((req, res, _i, body) => sendJson(res, 200, { path: req.url, body: body ? JSON.parse(body) : null }));
    const client = createHttpClient({ baseUrl: `${server.url}/v2`, headers: { Authorization: 'Bearer tok-123' }, query: { api_version: '7' } });
    const res = await client.request<{ path: string; body: unknown }>({ method: 'POST', url: '/items', query: { a: 1, skip: undefined }, body: { x: 1 } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ path: '/v2/items?a=1&api_version=7', body: { x: 1 } });
    expect(server.requests[0]?.headers['authorization']).toBe('Bearer tok-123');
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
    expect(server.requests[0]?.headers['user-agent']).toBe('tributary');
  });

  it('returns text for non-JSON bodies and encodes URLSearchParams as a form', async () => {
    const server = await serve((req, res, _i, body) => res.end(`${req.headers['content-type']}|${body}`));
    const client = createHttpClient({ baseUrl: server.url });
    const res = await client.request<string>({ method: 'POST', url: '/token', body: new URLSearchParams({ grant_type: 'code' }) });
    expect(res.body).toBe('application/x-www-form-urlencoded;charset=UTF-8|grant_type=code');
  });

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

  it('fails transient after exhausting retries, with a bounded message free of secrets', async () => {
    const secret = 'sk_live_SUPERSECRET42';
    const server = await serve((req, res) =>
      sendJson(res, 503, { error: `upstream down for ${req.url} token=${secret} ${'x'.repeat(2000)}` }),
    );
    const { client } = recordingClient(server, {
      headers: { Authorization: `Bearer ${secret}` },
      retry: { maxAttempts: 3 },
    });
    const error = await failure(client.get('/accounts', { key: 'query-secret-value' }, { headers: { 'x-api-key': 'req-header-secret' } }));
    expect(error.kind).toBe('transient');
    expect(error.status).toBe(503);
    expect(error.attempts).toBe(3);
    expect(server.requests).toHaveLength(3);
    expect(error.url).toBe(`${server.url}/accounts`);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('query-secret-value');
    expect(error.message).not.toContain('req-header-secret');
    expect(error.message).not.toMatch(/authorization/i);
    expect(error.message).toContain('[REDACTED]');
    expect(error.message.length).toBeLessThan(300 + 120);
    expect(JSON.stringify(error)).not.toContain(secret);
  });

  it('scrubs configured secrets that a provider echoes in an error body', async () => {
    const server = await serve((_req, res) => sendJson(res, 400, { error: 'bad key abcdef123456 and abcdef123' }));
    const client = createHttpClient({ baseUrl: server.url, secrets: ['abcdef123456'] });
    const error = await failure(client.get('/x'));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('bad key [REDACTED] and abcdef123');
  });

  it('treats 401 as a config error without retrying', async () => {
    const server = await serve((_req, res) => sendJson(res, 401, { message: 'Bad credentials' }));
    const { client, delays } = recordingClient(server);
    const error = await failure(client.get('/user'));
    expect(error.kind).toBe('config');
    expect(error.status).toBe(401);
    expect(error.message).toContain('Bad credentials');
    expect(server.requests).toHaveLength(1);
    expect(delays).toEqual([]);
  });

  it('treats a plain 403 as config and other 4xx as provider', async () => {
    const server = await serve((req, res) => sendJson(res, req.url === '/forbidden' ? 403 : 409, { message: 'no' }));
    const { client } = recordingClient(server);
    expect((await failure(client.get('/forbidden'))).kind).toBe('config');
    expect((await failure(client.get('/conflict'))).kind).toBe('provider');
    expect(server.requests).toHaveLength(2);
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

  it('returns statuses listed in acceptStatus instead of throwing', async () => {
    const server = await serve((_req, res) => sendJson(res, 410, { gone: true }));
    const client = createHttpClient({ baseUrl: server.url });
    const res = await client.request<{ gone: boolean }>({ url: '/x', acceptStatus: [410] });
    expect(res).toMatchObject({ status: 410, body: { gone: true } });
  });

  it('stops promptly with an AbortError when the caller aborts mid-request', async () => {
    const server = await serve(() => undefined);
    const client = createHttpClient({ baseUrl: server.url });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await client.request({ url: '/hang', signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('stops promptly with an AbortError when the caller aborts during a retry wait', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '60' }));
    const client = createHttpClient({ baseUrl: server.url });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(), 50);
    const error = await client.request({ url: '/x', signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(server.requests).toHaveLength(1);
  });

  it('times out each attempt and reports a transient timeout', async () => {
    const server = await serve(() => undefined);
    const { client, retries } = recordingClient(server, { timeoutMs: 60, retry: { maxAttempts: 2 } });
    const error = await failure(client.get('/slow'));
    expect(error).toMatchObject({ kind: 'transient', code: 'timeout', attempts: 2 });
    expect(retries[0]?.[2]).toBe('timeout');
  });

  it('follows redirects and drops credentials when one leaves the origin', async () => {
    const other = await serve((req, res) => sendJson(res, 200, { auth: req.headers['authorization'] ?? null, custom: req.headers['x-custom'] ?? null }));
    const server = await serve((req, res) => {
      if (req.url === '/same') return sendJson(res, 200, { auth: req.headers['authorization'] });
      res.writeHead(302, { location: req.url === '/hop' ? '/same' : `${other.url}/landing` }).end();
    });
    const client = createHttpClient({ baseUrl: server.url, headers: { authorization: 'Bearer secret-token' } });
    expect((await client.get<{ auth: string }>('/hop')).body.auth).toBe('Bearer secret-token');
    const res = await client.request<{ auth: string | null; custom: string | null }>({ url: '/away', headers: { 'x-custom': 'v' } });
    expect(res.body).toEqual({ auth: null, custom: null });
    expect(res.url).toBe(`${other.url}/landing`);
  });

  it('refuses more than five redirects', async () => {
    const server = await serve((_req, res, i) => res.writeHead(302, { location: `/r${i}` }).end());
    const client = createHttpClient({ baseUrl: server.url });
    const error = await failure(client.get('/start'));
    expect(error.code).toBe('too_many_redirects');
    expect(server.requests).toHaveLength(6);
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    const server = await serve((_req, res) => res.end('x'.repeat(10_000)));
    const client = createHttpClient({ baseUrl: server.url, maxResponseBytes: 1000 });
    const error = await failure(client.get('/big'));
    expect(error.code).toBe('response_too_large');
  });

  it('keeps credentials away from absolute URLs on another origin', async () => {
    const other = await serve((req, res) => sendJson(res, 200, { auth: req.headers['authorization'] ?? null, url: req.url }));
    const client = createHttpClient({ baseUrl: 'http://127.0.0.1:1', headers: { authorization: 'Bearer t0ken' }, query: { key: 'k3y' } });
    const res = await client.get<{ auth: string | null; url: string }>(`${other.url}/public`);
    expect(res.body).toEqual({ auth: null, url: '/public' });
  });
});
