import type { LookupAddress } from 'node:dns';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { HttpError } from './http-error.js';
import type { SsrfGuard } from './http-types.js';
import { createSsrfGuard } from './ssrf-guard.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

/**
 * Only 127.0.0.0/8 is ever connected to. `trap` is a loopback listener that is NOT allowlisted: every
 * payload aimed at loopback uses its port, so a bypass would show up as a connection. Payloads aimed at
 * other private ranges must fail in `checkUrl` (no socket at all), which is asserted before the client runs.
 */
let trap: TestServer;
let allowed: TestServer;
let named: TestServer;
let guard: SsrfGuard;

/** Test DNS: public-looking names that resolve (rebind) to loopback, so no real resolver is needed. */
const fakeDns: Record<string, LookupAddress[]> = {
  'rebind.example.com': [{ address: '127.0.0.1', family: 4 }],
  'mixed.example.com': [
    { address: '1.1.1.1', family: 4 },
    { address: '127.0.0.1', family: 4 },
  ],
  'v6.example.com': [{ address: '::ffff:127.0.0.1', family: 6 }],
  'sandbox.example.com': [{ address: '127.0.0.1', family: 4 }],
};

beforeAll(async () => {
  trap = await startTestServer((_req, res) => sendJson(res, 200, { reached: 'trap' }));
  allowed = await startTestServer((req, res) => {
    const target = new URL(req.url ?? '/', 'http://x').searchParams.get('to');
    if (target !== null) return res.writeHead(302, { location: target }).end();
    sendJson(res, 200, { reached: 'allowed' });
  });
  named = await startTestServer((_req, res) => sendJson(res, 200, { reached: 'named' }));
  guard = createSsrfGuard({
    allowPrivateHosts: [`127.0.0.1:${allowed.port}`, `localhost:${named.port}`],
    lookup: async (hostname) => {
      const answer = fakeDns[hostname];
      if (answer !== undefined) return answer;
      if (hostname === 'localhost') return [{ address: '127.0.0.1', family: 4 }];
      throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
    },
  });
});

afterAll(async () => {
  await guard.close();
  await Promise.all([trap.close(), allowed.close(), named.close()]);
});

function client() {
  return createHttpClient({ guard, retry: { maxAttempts: 3 }, sleep: async () => undefined });
}

async function expectBlocked(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => new Error('request was not blocked'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  expect(error).toMatchObject({ kind: 'config', code: 'host_not_allowed' });
  expect((error as HttpError).message).toMatch(/^host_not_allowed: /);
  return error as HttpError;
}

describe('createSsrfGuard', () => {
  it('blocks loopback in every spelling before anything reaches the trap', async () => {
    const p = (): number => trap.port;
    const payloads = [
      `http://127.0.0.1:${p()}/`,
      `https://127.0.0.1:${p()}/`,
      `http://2130706433:${p()}/`,
      `http://0177.0.0.1:${p()}/`,
      `http://0177.1:${p()}/`,
      `http://0x7f.0.0.1:${p()}/`,
      `http://0x7f000001:${p()}/`,
      `http://017700000001:${p()}/`,
      `http://0x7f.0x0.0x0.0x1:${p()}/`,
      `http://127.1:${p()}/`,
      `http://127.0.1:${p()}/`,
      `http://127.000.000.001:${p()}/`,
      `http://127.0.0.1.:${p()}/`,
      `http://%31%32%37.0.0.1:${p()}/`,
      `http://①②⑦.⓪.⓪.①:${p()}/`,
      `http://127。0。0。1:${p()}/`,
      `http://127.255.255.254:${p()}/`,
      `http://[::1]:${p()}/`,
      `http://[0:0:0:0:0:0:0:1]:${p()}/`,
      `http://[::ffff:127.0.0.1]:${p()}/`,
      `http://[::ffff:7f00:1]:${p()}/`,
      `http://[0:0:0:0:0:ffff:127.0.0.1]:${p()}/`,
      `http://[::ffff:0:7f00:1]:${p()}/`,
      `http://[::127.0.0.1]:${p()}/`,
      `http://[64:ff9b::127.0.0.1]:${p()}/`,
      `http://[64:ff9b::7f00:1]:${p()}/`,
      `http://[2002:7f00:1::]:${p()}/`,
      `http://0:${p()}/`,
      `http://0.0.0.0:${p()}/`,
      `http://[::]:${p()}/`,
      `http://localhost:${p()}/`,
      `http://LOCALHOST:${p()}/`,
      `http://localhost.:${p()}/`,
      `http://api.localhost:${p()}/`,
      `http://user:pass@127.0.0.1:${p()}/`,
      `http://allowed.example.com@127.0.0.1:${p()}/`,
      `http://127.0.0.1:${p()}#@allowed.example.com/`,
      `http://rebind.example.com:${p()}/`,
      `http://mixed.example.com:${p()}/`,
      `http://v6.example.com:${p()}/`,
    ];
    expect(payloads.length).toBeGreaterThanOrEqual(40);
    const http = client();
    for (const url of payloads) await expectBlocked(http.get(url));
    expect(trap.connections).toBe(0);
  });

  it('blocks private, link-local, metadata and reserved targets before connecting', async () => {
    const payloads = [
      'http://10.0.0.1/',
      'http://012.0.0.1/',
      'http://167772161/',
      'http://0xa000001/',
      'http://[::ffff:10.0.0.1]/',
      'http://169.254.169.254/latest/meta-data/',
      'http://2852039166/',
      'http://0xa9fea9fe/',
      'http://0251.0376.0251.0376/',
      'http://169.254.43518/',
      'http://[::ffff:169.254.169.254]/',
      'http://[::ffff:a9fe:a9fe]/',
      'http://[::169.254.169.254]/',
      'http://[64:ff9b::a9fe:a9fe]/',
      'http://[fd00:ec2::254]/latest/meta-data/',
      'http://168.63.129.16/',
      'http://metadata.google.internal/computeMetadata/v1/',
      'http://METADATA.GOOGLE.INTERNAL./',
      'http://metadata/',
      'http://192.168.0.1/',
      'http://192.168.1.1:8080/',
      'http://0xc0a80101/',
      'http://3232235777/',
      'http://[::ffff:192.168.1.1]/',
      'http://172.16.0.1/',
      'http://172.31.255.255/',
      'http://[::ffff:ac10:1]/',
      'http://100.64.0.1/',
      'http://100.100.100.200/',
      'http://[fe80::1]/',
      'http://[fc00::1]/',
      'http://[fd12:3456::1]/',
      'http://224.0.0.1/',
      'http://[ff02::1]/',
      'http://255.255.255.255/',
      'http://240.0.0.1/',
      'http://198.18.0.1/',
      'http://192.0.0.192/',
      'http://192.0.2.1/',
      'http://[2001:db8::1]/',
      'ftp://example.com/',
      'file:///etc/passwd',
      'gopher://127.0.0.1:70/',
    ];
    const http = client();
    for (const url of payloads) {
      // Pure check first: if this ever passed, the test fails here rather than opening a socket.
      expect(() => guard.checkUrl(url), url).toThrow(HttpError);
      await expectBlocked(http.get(url));
    }
    expect(trap.connections).toBe(0);
  });

  it('reports the host, not the resolved address or the URL', async () => {
    const error = await expectBlocked(client().get(`http://rebind.example.com:${trap.port}/secret?token=abc`));
    expect(error.message).toBe(`host_not_allowed: rebind.example.com resolves to a private or reserved address; to allow it on purpose, set TRIBUTARY_ALLOW_PRIVATE_HOSTS=rebind.example.com:${trap.port}`);
    expect(error.url).toBe(`http://rebind.example.com:${trap.port}/secret`);
    expect(error.attempts).toBe(1);
  });

  it('lets allowlisted host:port pairs through, by address or by name', async () => {
    const http = client();
    expect((await http.get<{ reached: string }>(`${allowed.url}/`)).body.reached).toBe('allowed');
    expect((await http.get<{ reached: string }>(`http://127.1:${allowed.port}/`)).body.reached).toBe('allowed');
    expect((await http.get<{ reached: string }>(`http://localhost:${named.port}/`)).body.reached).toBe('named');
    // A public-looking name resolving to an allowlisted address:port is the same endpoint, so it passes.
    expect((await http.get<{ reached: string }>(`http://sandbox.example.com:${allowed.port}/`)).body.reached).toBe('allowed');
    // The allowlist is per port: the same host on the trap's port stays blocked.
    await expectBlocked(http.get(`http://localhost:${trap.port}/`));
    expect(trap.connections).toBe(0);
  });

  it('checks every redirect hop from an allowlisted server', async () => {
    const http = client();
    const targets = [
      `http://127.0.0.1:${trap.port}/`,
      `http://[::ffff:127.0.0.1]:${trap.port}/`,
      `http://2130706433:${trap.port}/`,
      `http://localhost:${trap.port}/`,
      `http://rebind.example.com:${trap.port}/`,
      'http://169.254.169.254/latest/meta-data/iam/',
      'http://[fd00:ec2::254]/',
      'http://metadata.google.internal/',
      'file:///etc/passwd',
    ];
    for (const target of targets) {
      await expectBlocked(http.get(`${allowed.url}/redirect?to=${encodeURIComponent(target)}`));
    }
    const ok = await http.get<{ reached: string }>(`${allowed.url}/redirect?to=${encodeURIComponent(`${allowed.url}/done`)}`);
    expect(ok.body.reached).toBe('allowed');
    expect(trap.connections).toBe(0);
  });

  it('blocks at connect time even when checkUrl is bypassed', async () => {
    for (const url of [`http://127.0.0.1:${trap.port}/`, `http://[::1]:${trap.port}/`, `http://rebind.example.com:${trap.port}/`]) {
      const error = await request(url, { dispatcher: guard.dispatcher }).catch((e: unknown) => e);
      expect(error, url).toBeInstanceOf(HttpError);
      expect(error).toMatchObject({ kind: 'config', code: 'host_not_allowed' });
    }
    expect(trap.connections).toBe(0);
  });

  it('uses the system resolver by default', async () => {
    const system = createSsrfGuard({ allowPrivateHosts: [`localhost:${named.port}`] });
    try {
      const http = createHttpClient({ guard: system, retry: false });
      expect((await http.get<{ reached: string }>(`http://localhost:${named.port}/`)).body.reached).toBe('named');
      await expectBlocked(http.get(`http://localhost:${trap.port}/`));
    } finally {
      await system.close();
    }
    expect(trap.connections).toBe(0);
  });

  it('rejects allowlist entries without a port', () => {
    expect(() => createSsrfGuard({ allowPrivateHosts: ['localhost'] })).toThrow(/host:port/);
    expect(() => createSsrfGuard({ allowPrivateHosts: ['[::1]:4010', ' ', 'localhost:80'] })).not.toThrow();
  });
});
