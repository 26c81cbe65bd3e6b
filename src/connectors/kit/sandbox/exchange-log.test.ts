import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExchangeLog, REDACTED, type RecordedExchange } from './exchange-log.js';
import { SandboxOAuth } from './oauth-server.js';
import { startSandboxServer, type SandboxServer } from './server.js';

/** Recording API exchanges through the shared sandbox server, over real HTTP, with no change to the provider. */
describe('sandbox exchange recording', () => {
  let server: SandboxServer;
  const oauth = new SandboxOAuth({ clientId: 'app', clientSecret: 's', paths: { authorize: '/authorize', token: '/token', revoke: '/revoke' } });

  beforeAll(async () => {
    server = await startSandboxServer({
      port: 0,
      provider: {
        oauth,
        handle: (req) => ({ status: 201, headers: { 'X-Request-Id': 'r1' }, body: { echo: req.body, q: req.url.search } }),
        renderFault: () => ({ status: 503, body: { message: 'unavailable' } }),
        applyChanges: () => ({}),
        info: () => ({}),
      },
    });
  });
  afterAll(() => server.close());

  const control = (method: string, path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  const exchanges = async (): Promise<RecordedExchange[]> =>
    ((await (await control('GET', '/_sandbox/exchanges')).json()) as { exchanges: RecordedExchange[] }).exchanges;

  it('records nothing until recording is turned on', async () => {
    await fetch(`${server.url}/things?a=1`);
    expect(await exchanges()).toEqual([]);
  });

  it('records each API exchange with the raw query, redacted credentials, both bodies and the response', async () => {
    expect((await control('POST', '/_sandbox/recording', { on: true })).status).toBe(200);
    await fetch(`${server.url}/things?created%5Bgt%5D=5&b=x+y`, {
      method: 'POST',
      headers: { authorization: 'Bearer secret-token', cookie: 'session=abc', 'content-type': 'application/x-www-form-urlencoded', 'X-Custom': 'kept' },
      body: 'name=Ada',
    });
    await control('GET', '/_sandbox/stats');
    await fetch(`${server.url}/token`, { method: 'POST', body: 'grant_type=client_credentials' });
    const [first, ...rest] = await exchanges();
    expect(rest).toEqual([]);
    expect(first).toMatchObject({
      method: 'POST',
      path: '/things',
      query: 'created%5Bgt%5D=5&b=x+y',
      requestBody: 'name=Ada',
      status: 201,
      responseHeaders: { 'x-request-id': 'r1', 'content-type': 'application/json; charset=utf-8' },
    });
    expect(first!.requestHeaders).toMatchObject({ authorization: REDACTED, cookie: REDACTED, 'x-custom': 'kept' });
    expect(JSON.stringify(first)).not.toContain('secret-token');
    expect(JSON.parse(first!.responseBody)).toEqual({ echo: 'name=Ada', q: '?created%5Bgt%5D=5&b=x+y' });
  });

  it('records faulted responses as sent, and clears and stops on request', async () => {
    await control('POST', '/_sandbox/faults', { kind: 'server_error' });
    await fetch(`${server.url}/faulted`);
    expect((await exchanges()).at(-1)).toMatchObject({ path: '/faulted', status: 503 });
    await control('DELETE', '/_sandbox/exchanges');
    expect(await exchanges()).toEqual([]);
    await control('POST', '/_sandbox/recording', { on: false });
    await fetch(`${server.url}/after`);
    expect(await exchanges()).toEqual([]);
    expect((await control('POST', '/_sandbox/recording', { on: 'yes' })).status).toBe(400);
  });
});

describe('ExchangeLog', () => {
  it('keeps only the newest exchanges past its capacity', () => {
    const log = new ExchangeLog(3);
    log.setRecording(true);
    for (let i = 0; i < 5; i++) log.record({ method: 'GET', url: new URL(`http://h/p${i}`), headers: {}, body: '' }, { status: 200, headers: {}, body: '' });
    expect(log.list().map((e) => e.path)).toEqual(['/p2', '/p3', '/p4']);
  });
});
