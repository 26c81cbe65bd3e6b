import { describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { failure, recordingClient } from './test-client.js';
import { sendJson, servedPerTest } from './test-server.js';

const serve = servedPerTest();

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
    const server = await serve((_req, res) => sendJson(res, 400, { error: 'bad key abcdef123456 and xyz987' }));
    const client = createHttpClient({ baseUrl: server.url, secrets: ['abcdef123456'] });
    const error = await failure(client.get('/x'));
    expect(error.kind).toBe('config');
    expect(error.message).toContain('bad key [REDACTED] and xyz987');
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

  it('returns statuses listed in acceptStatus instead of throwing', async () => {
    const server = await serve((_req, res) => sendJson(res, 410, { gone: true }));
    const client = createHttpClient({ baseUrl: server.url });
    const res = await client.request<{ gone: boolean }>({ url: '/x', acceptStatus: [410] });
    expect(res).toMatchObject({ status: 410, body: { gone: true } });
  });

  it('stops promptly with an AbortError when the caller aborts mid-request', async () => {
    // The server never answers: the request can only end by being aborted, which happens once it has arrived.
    const controller = new AbortController();
    const server = await serve(() => controller.abort());
    const client = createHttpClient({ baseUrl: server.url });
    const error = await client.request({ url: '/hang', signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
  });

  it('stops promptly with an AbortError when the caller aborts during a retry wait', async () => {
    const server = await serve((_req, res) => sendJson(res, 429, {}, { 'retry-after': '60' }));
    const controller = new AbortController();
    // Aborted as the 60 s wait begins: only a prompt stop ends the request before the test's own timeout.
    const client = createHttpClient({ baseUrl: server.url, onRetry: () => controller.abort() });
    const error = await client.request({ url: '/x', signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(server.requests).toHaveLength(1);
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

  it('reports an invalid URL as a config error without echoing its query', async () => {
    expect(() => createHttpClient({ baseUrl: 'not a url?token=abc' })).toThrow(/invalid_url/);
    const error = await failure(createHttpClient().get('relative/path?token=abc'));
    expect(error).toMatchObject({ kind: 'config', code: 'invalid_url' });
    expect(error.message).not.toContain('abc');
  });
});
