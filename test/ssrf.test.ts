import { readFileSync } from 'node:fs';
import { hostPatternProblem } from '../src/contracts/host-pattern.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readConfig } from '../src/cli/config.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { ManifestSchema } from '../src/contracts/manifest.js';
import { probeCredentials } from '../src/services/credentials/verify-probe.js';
import { classifyIp, createSsrfGuard, HttpError, type SsrfGuard } from '../src/http-client/index.js';
import { sendJson, startTestServer, type TestServer } from '../src/http-client/test-server.js';
import { databaseKinds } from './support/databases.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import { updateConnectionById } from '../src/db/queries/connections.js';
import { ProviderTraffic } from '../src/services/credentials/provider-traffic.js';

/**
 * The SSRF guard proven at the product level, through every way a user hands Tributary a host: the verify
 * probe, `POST /connections/test`, an installed connection's check and sync runs (`config.base_url`),
 * redirects and `Link` pages from an allowlisted provider, and connection strings.
 *
 * Only 127.0.0.0/8 is ever connected to. `trap` is a loopback listener whose port is NOT allowlisted: every
 * loopback payload is aimed at it, so a bypass shows up as a connection. Payloads for other private ranges are
 * first checked with a guard configured like the product's (`checkUrl` must refuse them without a socket)
 * before the API sees them, so a bypass fails the test before a packet could leave the machine.
 */
const TOKEN = 'ghp_ssrf_e2e_token_0123456789abcdef';

let trap: TestServer;
/** An allowlisted counting listener like the trap: proves a reached listener is detected. */
let canary: TestServer;
/** Allowlisted provider stand-in: `/ok/user` answers 200, `/r/<i>/…` redirects to payload i, `/link/…` pages to the trap. */
let redirector: TestServer;
let sandbox: GithubSandboxHandle;
let pureGuard: SsrfGuard;

const T = () => trap.port;

/** Every spelling of loopback, aimed at the trap's port. */
const loopbackPayloads = (): string[] => [
  `http://127.0.0.1:${T()}`,
  `https://127.0.0.1:${T()}`,
  `http://2130706433:${T()}`,
  `http://0177.0.0.1:${T()}`,
  `http://017700000001:${T()}`,
  `http://0x7f.0.0.1:${T()}`,
  `http://0x7f000001:${T()}`,
  `http://0x7f.0x0.0x0.0x1:${T()}`,
  `http://127.1:${T()}`,
  `http://127.0.1:${T()}`,
  `http://127.000.000.001:${T()}`,
  `http://127.0.0.1.:${T()}`,
  `http://127.255.255.254:${T()}`,
  `http://[::1]:${T()}`,
  `http://[0:0:0:0:0:0:0:1]:${T()}`,
  `http://[::]:${T()}`,
  `http://[::ffff:127.0.0.1]:${T()}`,
  `http://[::ffff:7f00:1]:${T()}`,
  `http://[0:0:0:0:0:ffff:127.0.0.1]:${T()}`,
  `http://[::ffff:0:7f00:1]:${T()}`,
  `http://[::127.0.0.1]:${T()}`,
  `http://[64:ff9b::7f00:1]:${T()}`,
  `http://[64:ff9b::127.0.0.1]:${T()}`,
  `http://[2002:7f00:1::]:${T()}`,
  `http://0.0.0.0:${T()}`,
  `http://0:${T()}`,
  `http://localhost:${T()}`,
  `http://LOCALHOST.:${T()}`,
  `http://localhost.:${T()}`,
  `http://api.localhost:${T()}`,
  `http://%6c%6f%63%61%6c%68%6f%73%74:${T()}`,
  `http://127%2E0%2E0%2E1:${T()}`,
  `http://%31%32%37.0.0.1:${T()}`,
  `http://①②⑦.⓪.⓪.①:${T()}`,
  `http://127。0。0。1:${T()}`,
  `http://allowed.example.com@127.0.0.1:${T()}`,
  `http://127.0.0.1:${canary.port}@127.0.0.1:${T()}`,
  `http://127.0.0.1:${T()}#@127.0.0.1:${canary.port}`,
  `http://127.0.0.1:${T()}?@127.0.0.1:${canary.port}`,
  `http://127.0.0.1:${T()}\\@allowed.example.com`,
  // Names the system resolver maps to loopback (/etc/hosts): these pass the URL check and must be refused
  // at connect time, by the guard's DNS hook.
  ...hostsFileLoopbackNames().map((name) => `http://${name}:${T()}`),
];

/** Private, shared, link-local, metadata and reserved targets in many spellings: refused before any socket. */
const privatePayloads = (): string[] => [
  'http://10.0.0.1',
  'http://012.0.0.1',
  'http://167772161',
  'http://0xa000001',
  'http://10.1',
  'http://%31%30.0.0.1',
  'http://[::ffff:10.0.0.1]',
  'http://[::ffff:a00:1]',
  'http://172.16.0.1',
  'http://172.31.255.255:8443',
  'http://0xac100001',
  'http://[::ffff:172.16.0.1]',
  'http://192.168.0.1',
  'http://192.168.1.1:8080',
  'http://3232235777',
  'http://0xc0a80101',
  'http://0300.0250.0.1',
  'http://192.168.257',
  'http://[::ffff:192.168.1.1]',
  'http://100.64.0.1',
  'http://100.127.255.254',
  'http://1681915905',
  'http://100.100.100.200',
  'http://[::ffff:100.64.0.1]',
  'http://169.254.169.254',
  'http://169.254.169.254/latest/meta-data/iam/',
  'http://2852039166',
  'http://0xa9fea9fe',
  'http://0251.0376.0251.0376',
  'http://0xa9.0xfe.0xa9.0xfe',
  'http://169.254.43518',
  'http://[::ffff:169.254.169.254]',
  'http://[::ffff:a9fe:a9fe]',
  'http://[::169.254.169.254]',
  'http://[64:ff9b::a9fe:a9fe]',
  'http://[fd00:ec2::254]',
  'http://[fd00:ec2::254]/latest/meta-data/',
  'http://168.63.129.16',
  'http://192.0.0.192',
  'http://metadata.google.internal/computeMetadata/v1/',
  'http://METADATA.GOOGLE.INTERNAL./',
  'http://metadata.google.internal.:80',
  'http://metadata',
  'http://instance-data',
  'http://[fe80::1]',
  'http://[fc00::1]',
  'http://[fd12:3456::1]',
  'http://user:pass@169.254.169.254',
  'http://169.254.169.254#@api.github.com',
  'http://api.github.com@10.0.0.1',
];

/** Names in /etc/hosts whose every address is loopback (e.g. the machine's own name); none is needed. */
function hostsFileLoopbackNames(): string[] {
  let text = '';
  try {
    text = readFileSync('/etc/hosts', 'utf8');
  } catch {
    return [];
  }
  const addresses = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address) continue;
    for (const name of names) addresses.set(name.toLowerCase(), [...(addresses.get(name.toLowerCase()) ?? []), address]);
  }
  return [...addresses]
    .filter(([name, list]) => !name.includes('localhost') && list.every((a) => classifyIp(a) === 'loopback'))
    .map(([name]) => name)
    .slice(0, 4);
}

/** Refuses the test before any request when the guard would let a non-loopback payload through. */
function assertRefusedWithoutSocket(url: string): void {
  expect(() => pureGuard.checkUrl(url), `checkUrl let ${url} through`).toThrow(HttpError);
}

/** A Location header must be latin-1: non-ASCII spellings are sent percent-encoded, which URL parsing decodes. */
const asHeader = (url: string) => (/^[\x20-\x7e]*$/.test(url) ? url : encodeURI(url));

let redirectTargets: string[] = [];

beforeAll(async () => {
  trap = await startTestServer((_req, res) => sendJson(res, 200, { login: 'trap' }));
  canary = await startTestServer((_req, res) => sendJson(res, 200, { login: 'canary' }));
  redirector = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const redirect = /^\/r\/(\d+)\//.exec(url.pathname);
    if (redirect) return res.writeHead(302, { location: asHeader(redirectTargets[Number(redirect[1])] ?? '/') }).end();
    if (url.pathname.startsWith('/link/')) return sendJson(res, 200, [], { link: `<http://127.0.0.1:${trap.port}/user/repos?page=2>; rel="next"` });
    sendJson(res, 200, { login: 'redirector' });
  });
  sandbox = await createGithubSandbox({ port: 0, records: 20, seed: 9, token: TOKEN });
  pureGuard = createSsrfGuard({ allowPrivateHosts: [new URL(sandbox.url).host, `127.0.0.1:${redirector.port}`, `127.0.0.1:${canary.port}`] });
});

afterAll(async () => {
  await pureGuard?.close();
  await Promise.all([trap?.close(), canary?.close(), redirector?.close(), sandbox?.close()]);
});

describe('payload lists', () => {
  it('has at least 30 bypass payloads, every non-loopback one refused before connecting', () => {
    expect(loopbackPayloads().length + privatePayloads().length).toBeGreaterThanOrEqual(80);
    for (const url of privatePayloads()) assertRefusedWithoutSocket(url);
  });

  it('reads TRIBUTARY_ALLOW_PRIVATE_HOSTS as a comma list of host:port', () => {
    expect(readConfig({ TRIBUTARY_ALLOW_PRIVATE_HOSTS: ' 127.0.0.1:4010,[::1]:4011 ,' }).allowPrivateHosts).toEqual(['127.0.0.1:4010', '[::1]:4011']);
    expect(readConfig({}).allowPrivateHosts).toEqual([]);
  });

  it('refuses to start with an allowlist entry that is not host:port, rather than failing at the first probe', async () => {
    await expect(startTestRuntime('pglite', { allowPrivateHosts: ['127.0.0.1'] })).rejects.toThrow(/^TRIBUTARY_ALLOW_PRIVATE_HOSTS: .*must be host:port/);
  });
});

describe.each(databaseKinds)('SSRF guard end to end on %s', (kind) => {
  let rt: TestRuntime;
  let owner: string;

  beforeAll(async () => {
    const env = readConfig({ TRIBUTARY_ALLOW_PRIVATE_HOSTS: [new URL(sandbox.url).host, `127.0.0.1:${redirector.port}`, `127.0.0.1:${canary.port}`].join(',') });
    // Credentials go only to allowed hosts, a second layer that would refuse most payloads before the SSRF guard
    // sees them: every payload host is allowed for credentials here, so what refuses them is the guard alone.
    const payloadHosts = [...loopbackPayloads(), ...privatePayloads()].map((p) => new URL(p).hostname);
    const allowedHosts = [...new Set(payloadHosts)].filter((h) => hostPatternProblem(h) === null);
    // More workers drain the many short runs below faster (the worker polls for jobs).
    rt = await startTestRuntime(kind, { allowPrivateHosts: env.allowPrivateHosts, config: { workerConcurrency: 8, allowedHosts } });
    owner = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    // Whatever happened in between, nothing ever reached the trap.
    expect(trap.connections).toBe(0);
  });

  const verify = (baseUrl: string) =>
    rt.inject({ method: 'POST', url: '/api/v1/connectors/github/verify', key: owner, body: { fields: { token: TOKEN }, config: { base_url: baseUrl } } });
  const testConnection = (baseUrl: string) =>
    rt.inject({ method: 'POST', url: '/api/v1/connections/test', key: owner, body: { connector: 'github', fields: { token: TOKEN }, config: { base_url: baseUrl } } });

  const expectRefused = (res: { status: number; body: any }, payload: string) => {
    expect(res.status, `${payload}: ${JSON.stringify(res.body)}`).toBe(400);
    expect(res.body.error.code, payload).toBe(refusalCode(payload));
  };

  it('lets an allowlisted host:port through (and the listener sees it), not the same host on another port', async () => {
    expect((await verify(sandbox.url)).body).toEqual({ ok: true, message: '' });
    const before = canary.connections;
    // Other spellings of the allowlisted address normalise to it, so they pass too.
    for (const base of [`http://127.0.0.1:${canary.port}`, `http://127.1:${canary.port}`, `http://0x7f000001:${canary.port}`]) {
      expect((await verify(base)).body, base).toEqual({ ok: true, message: '' });
    }
    expect(canary.connections).toBeGreaterThan(before);
    expectRefused(await verify(`http://127.0.0.1:${trap.port}`), 'same host, other port');
    expectRefused(await verify(`http://localhost:${canary.port}`), 'allowlisted port, other name');
    expect(trap.connections).toBe(0);
  });

  it('POST /connectors/github/verify refuses every payload with host_not_allowed', async () => {
    for (const payload of loopbackPayloads()) expectRefused(await verify(payload), payload);
    for (const payload of privatePayloads()) {
      assertRefusedWithoutSocket(payload);
      expectRefused(await verify(payload), payload);
    }
    expect(trap.connections).toBe(0);
  });

  it('POST /connections/test refuses every payload with host_not_allowed', async () => {
    for (const payload of loopbackPayloads()) expectRefused(await testConnection(payload), payload);
    for (const payload of privatePayloads()) {
      assertRefusedWithoutSocket(payload);
      expectRefused(await testConnection(payload), payload);
    }
    expect(trap.connections).toBe(0);
  });

  it("refuses every payload as a connection's base_url when saved, and again in a check and in sync runs", async () => {
    const payloads = [...loopbackPayloads(), ...privatePayloads()];
    for (const payload of privatePayloads()) assertRefusedWithoutSocket(payload);
    const ids: string[] = [];
    let refusedUpFront = 0;
    for (const payload of payloads) {
      // Unverified: what is under test is the refusal when saved (config check) and in checks and runs, not the
      // install-time probe (which would refuse these too, or find no provider at the default host).
      const body = { connector: 'github', fields: { token: TOKEN }, config: { base_url: payload }, verify: false };
      let created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body });
      if (created.status === 400) {
        // Refused before it is saved; the engine must still refuse it when one reaches the database anyway (saved
        // by an older version, written by hand), so such a row is made directly.
        expect(created.body.error, payload).toMatchObject({ code: refusalCode(payload), field: 'config.base_url' });
        refusedUpFront++;
        created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { ...body, config: {} } });
        const patched = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${created.body.id}`, key: owner, body: { config: { base_url: payload } } });
        expect(patched.body.error, payload).toMatchObject({ code: refusalCode(payload), field: 'config.base_url' });
        await updateConnectionById(rt.database.db, created.body.id, { config: { base_url: payload } });
      }
      expect(created.status, payload).toBe(201);
      ids.push(created.body.id);
      const check = await rt.inject({ method: 'POST', url: `/api/v1/connections/${created.body.id}/check`, key: owner });
      expect(check.body.ok, payload).toBe(false);
      expect(check.body.message, payload).toMatch(/^host_not_allowed: /);
    }
    // A sync run per loopback payload (what a bypass would deliver to the trap) and per fifth private one: the
    // rest were refused by `checkUrl` above, which is what the run's HTTP client calls too, and a run per
    // payload would double this file's time.
    const sampled = new Set([...loopbackPayloads(), ...privatePayloads().filter((_, i) => i % 5 === 0)]);
    const runPayloads = payloads.filter((p) => sampled.has(p));
    const runIds: string[] = [];
    for (const id of ids.filter((_, i) => sampled.has(payloads[i]!))) {
      const started = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key: owner, body: { streams: ['repositories'] } });
      expect(started.status).toBe(202);
      runIds.push(started.body.run.id);
    }
    expect(runIds.length).toBeGreaterThanOrEqual(50);
    // Literal addresses and internal names are refused when saved; names that only resolve privately cannot be.
    expect(refusedUpFront).toBeGreaterThan(payloads.length / 2);
    for (const [i, runId] of runIds.entries()) {
      const run = await waitForRun(rt, owner, runId);
      // One object, so a failure shows the run's error beside its kind.
      expect({ status: run.status, error_kind: run.error_kind, error: run.error }, runPayloads[i]).toMatchObject({ status: 'FAILED', error_kind: 'config', error: expect.stringMatching(/host_not_allowed/) });
    }
    expect(trap.connections).toBe(0);
  });

  it('refuses redirects from the allowlisted sandbox to every payload, in the probe and in a sync run', async () => {
    const blocked = [...loopbackPayloads(), ...privatePayloads(), 'file:///etc/passwd', 'gopher://127.0.0.1:70/'];
    // The last target is the control: a redirect within the allowlisted origin is followed.
    redirectTargets = [...blocked, `${redirector.url}/ok/user`];
    for (const target of privatePayloads()) assertRefusedWithoutSocket(target);
    expect((await verify(`${redirector.url}/r/${blocked.length}`)).body).toEqual({ ok: true, message: '' });
    for (const [i, target] of blocked.entries()) expectRefused(await verify(`${redirector.url}/r/${i}`), `redirect to ${target}`);

    const created = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', fields: { token: TOKEN }, config: { base_url: `${redirector.url}/r/0` }, verify: false } });
    const run = await waitForRun(rt, owner, (await rt.inject({ method: 'POST', url: `/api/v1/connections/${created.body.id}/runs`, key: owner, body: { streams: ['repositories'] } })).body.run.id);
    expect(run).toMatchObject({ status: 'FAILED', error_kind: 'config' });
    expect(run.error).toMatch(/host_not_allowed/);

    // A provider's Link header pointing at the trap is refused too (another origin: never followed).
    await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${created.body.id}`, key: owner, body: { config: { base_url: `${redirector.url}/link` } } });
    const paged = await waitForRun(rt, owner, (await rt.inject({ method: 'POST', url: `/api/v1/connections/${created.body.id}/runs`, key: owner, body: { streams: ['repositories'] } })).body.run.id);
    expect(paged.status).toBe('FAILED');
    expect(paged.error).toMatch(/cross_origin_next|host_not_allowed/);
    expect(trap.connections).toBe(0);
  });

  it('judges connection-string hosts with the guard before probing', async () => {
    const manifest = ManifestSchema.parse({
      id: 'pgtest',
      name: 'Postgres test',
      description: 'A conn_string connector for this test.',
      category: 'database',
      brand_logo: 'https://example.com/logo.svg',
      brand_color: '#336791',
      auth_mode: 'conn_string',
      fields: [{ key: 'dsn', label: 'DSN', type: 'conn_string', secret: true }],
      base_url: 'https://db.example.com',
      allowed_hosts: ['db.example.com'],
      streams: [{ name: 'rows', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
    });
    const probe = (dsn: string) =>
      probeCredentials({ connectionId: 'conn_pg', traffic: new ProviderTraffic(), manifest, config: {}, secrets: { fields: { dsn } }, allowPrivateHosts: rt.config.allowPrivateHosts.concat(['127.0.0.1:5432']), allowedHosts: [] });
    for (const host of ['127.0.0.1', '0x7f.1', '2130706433', '[::1]', '[::ffff:127.0.0.1]', 'localhost', '10.0.0.1', '169.254.169.254', '[fd00:ec2::254]', 'metadata.google.internal']) {
      const dsn = `postgres://u:s3cret@${host}:${trap.port}/app`;
      const error = await probe(dsn).then(() => null, (e: unknown) => e);
      expect(error, dsn).toMatchObject({ code: 'host_not_allowed', field: 'fields.dsn' });
      expect(String((error as Error).message)).not.toContain('s3cret');
    }
    // The allowlist is per host:port for connection strings too.
    await expect(probe('postgres://u:p@127.0.0.1:5432/app')).resolves.toMatchObject({ ok: true });
    await expect(probe('postgres://u:p@127.0.0.1/app')).resolves.toMatchObject({ ok: true });
    await expect(probe('postgres://u:p@127.0.0.1:5433/app')).rejects.toMatchObject({ code: 'host_not_allowed' });
    expect(trap.connections).toBe(0);
  });
});

/**
 * A payload with userinfo (`http://allowed.example.com@127.0.0.1`) is refused before the SSRF guard looks at it: a
 * URL setting may not carry credentials at all (they would be stored and shown in clear). The engine, which meets
 * such a URL only in a row written by hand, still refuses it as host_not_allowed.
 */
function refusalCode(payload: string): 'credentials_in_url' | 'host_not_allowed' {
  try {
    const url = new URL(payload);
    return url.username !== '' || url.password !== '' ? 'credentials_in_url' : 'host_not_allowed';
  } catch {
    return 'host_not_allowed';
  }
}
