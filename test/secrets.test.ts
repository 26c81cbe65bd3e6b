import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { createJiraSandbox, type JiraSandboxHandle } from '../src/connectors/jira/sandbox/index.js';
import { createStripeSandbox, type StripeSandboxHandle } from '../src/connectors/stripe/sandbox/index.js';
import type { ConnectorDefinition, StreamMessage } from '../src/contracts/connector-kit.js';
import type { ManifestInput } from '../src/contracts/manifest.js';
import { Keyring } from '../src/core/keyring.js';
import { vaultColumns } from '../src/core/vault-columns.js';
import { queryRows } from '../src/db/db.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../src/services/credentials/connection-secrets.js';
import { databaseKinds } from './support/databases.js';
import { authorizeInBrowser } from './support/oauth-browser.js';
import type { ResourceServer } from './support/oauth-resource-server.js';
import { CALLBACK, oauthClient, oidcTestConnector, PUBLIC_URL, RESOURCE_SERVER_CLIENT, startIntrospectingResourceServer } from './support/oidc-oauth-harness.js';
import { startOidcTestProvider, type OidcTestProvider } from './support/oidc-test-provider.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';
import { testManifest } from './support/test-manifest.js';

/**
 * Plants credentials and exercises the API — successes, validation errors, provider failures, logging at
 * debug level — then greps every response body and every log line for them.
 */
const SECRET = 'ghp_PLANTED_secret_7f3a9c1e5b2d4086';
const WRONG = 'ghp_PLANTED_wrong_c0ffee15deadbeef';

describe.each(databaseKinds)('secrets never leak on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  const bodies: string[] = [];

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 300, seed: 3, token: SECRET });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const call = async (method: string, url: string, body?: unknown) => {
    const res = await rt.inject({ method, url, key: rt.bootstrap!.apiKey, body });
    bodies.push(JSON.stringify(res.headers), res.raw);
    return res;
  };

  it('keeps the planted secrets out of every response and log line', async () => {
    const good = await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: SECRET }, config: { base_url: sandbox.url } });
    // Refused by the install's probe (422, the provider's reason), then saved unverified so a run uses it too.
    expect((await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: WRONG }, config: { base_url: sandbox.url } })).status).toBe(422);
    const bad = await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: WRONG }, config: { base_url: sandbox.url }, verify: false });
    await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: SECRET, stray: SECRET } });
    await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: 42 }, config: { base_url: SECRET } });
    await call('PATCH', `/api/v1/connections/${good.body.id}`, { fields: { token: SECRET }, config: { base_url: `not a url ${SECRET}` } });
    await call('PATCH', `/api/v1/connections/${good.body.id}`, { fields: { token: SECRET } });
    for (const id of [good.body.id, bad.body.id]) {
      const started = await call('POST', `/api/v1/connections/${id}/runs`, { full_refresh: true });
      const run = await waitForRun(rt, rt.bootstrap!.apiKey, started.body.run.id);
      await call('GET', `/api/v1/runs/${run.id}`);
      await call('GET', `/api/v1/runs/${run.id}/logs?limit=1000`);
      await call('GET', `/api/v1/connections/${id}`);
      await call('GET', `/api/v1/connections/${id}/runs`);
      await call('GET', `/api/v1/connections/${id}/state`);
    }
    await call('GET', '/api/v1/connections?limit=100');
    await call('GET', '/api/v1/status');
    await call('GET', `/api/v1/connections/${good.body.id}/records/issues?limit=5`);

    expect(bodies.length).toBeGreaterThan(20);
    for (const text of [...bodies, ...rt.logLines]) {
      expect(text).not.toContain(SECRET);
      expect(text).not.toContain(WRONG);
      expect(text).not.toContain(rt.bootstrap!.apiKey);
    }
    // The logs did record the work (so the grep above looked at something real).
    expect(rt.logLines.some((l) => l.includes('Run completed'))).toBe(true);
    expect(rt.logLines.some((l) => l.includes('Bad credentials'))).toBe(true);
  });

  it('stores credentials encrypted: the raw row has no clear text', async () => {
    const { connections } = await import('../src/db/schema.js');
    const rows = await rt.database.db.select().from(connections);
    expect(rows.length).toBeGreaterThan(0);
    for (const row of rows) expect(JSON.stringify(row)).not.toContain(SECRET);
  });

  it('creates API keys shown once and stored hashed; a key cannot mint a stronger one', async () => {
    const created = await call('POST', '/api/v1/api-keys', { name: 'ci', role: 'member' });
    expect(created.status).toBe(201);
    expect(created.headers['cache-control']).toBe('no-store');
    const key = created.body.key as string;
    const listed = await call('GET', '/api/v1/api-keys');
    expect(listed.raw).not.toContain(key);
    expect(listed.body.data.find((k: { id: string }) => k.id === created.body.id)).toMatchObject({ role: 'member', revoked_at: null });
    const member = await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key, body: { name: 'x', role: 'member' } });
    expect(member.status).toBe(403);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connections', key })).status).toBe(200);
    await call('DELETE', `/api/v1/api-keys/${created.body.id}`);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connections', key })).status).toBe(401);
  });
});

/** Letters no hex id, base36 id or English word is likely to hold four of in a row, mixed case. */
const TAIL_ALPHABET = 'GHJKMNPQRSTVWXYZghjkmnpqrstvwxyz';
const tail = (n = 10) => Array.from(randomBytes(n), (b) => TAIL_ALPHABET[b % TAIL_ALPHABET.length]).join('');

/** A planted credential: its value, and the part of it that is not public prefix (`sk_test_`, `whsec_`). */
interface Plant {
  kind: string;
  value: string;
  distinctive: string;
}
const plant = (kind: string, prefix = ''): Plant => {
  const distinctive = `SECRET-PLANT-${kind}-${tail()}`;
  return { kind, value: `${prefix}${distinctive}`, distinctive };
};

/** A provider that refuses every request with 401 and quotes the whole request back: URL, query, headers. */
async function startEchoProvider(): Promise<{ url: string; host: string; close(): Promise<void> }> {
  const server = createServer((req, res) => {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ message: `Invalid key for ${req.url}`, request: { url: `http://${req.headers.host}${req.url}`, headers: req.headers } }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, host: `127.0.0.1:${port}`, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const testConnector = (manifest: Partial<ManifestInput> & Pick<ManifestInput, 'id' | 'base_url' | 'auth_mode'>, read?: ConnectorDefinition['streams'][string]): ConnectorDefinition => ({
  manifest: testManifest({
    name: `${manifest.id} (test)`,
    description: 'A connector of the secrets suite',
    allowed_hosts: ['127.0.0.1'],
    streams: [{ name: 'items', json_schema: { type: 'object' }, primary_key: ['id'], sync_modes: ['full_refresh'] }],
    ...manifest,
  }),
  streams: {
    items:
      read ??
      async function* items(ctx): AsyncGenerator<StreamMessage> {
        const response = await ctx.http.get<{ items: Record<string, unknown>[] }>('items');
        yield { type: 'records', records: response.body.items };
      },
  },
});

/**
 * The secrets suite (issue 12): a distinctive value planted in every kind of credential — API-key fields, Basic
 * auth passwords, a webhook signing secret, OAuth tokens and a user's own OAuth client secret, a connection
 * string's password, the webhook trigger token, the owner's and an admin's API keys, the cron secret, the
 * encryption key — then every route the OpenAPI document lists, syncs that work and syncs that fail with the
 * provider quoting the credential, failing verify probes, a disconnect; then every response, log line and
 * non-vault column of every table is searched for each value and for its head and tail.
 */
describe.each(databaseKinds)('secrets suite: every credential kind, every route, every table on %s', (kind) => {
  const github = plant('github');
  const githubWrong = plant('githubwrong');
  const stripe = plant('stripe', 'sk_test_');
  const stripeWrong = plant('stripewrong', 'sk_test_');
  const stripeWhsec = plant('whsec', 'whsec_');
  const jiraToken = plant('jira');
  const jiraWrong = plant('jirawrong');
  const echoKey = plant('echo');
  const dsnPassword = plant('dsnpw');
  const byoSecret = plant('byo');
  const owner = plant('owner');
  const cron = plant('cron');
  const cronWrong = plant('cronwrong');
  const legacy = plant('legacy');
  const planted = [github, githubWrong, stripe, stripeWrong, stripeWhsec, jiraToken, jiraWrong, echoKey, dsnPassword, byoSecret, owner, cron, cronWrong, legacy];
  // 32 bytes of ASCII, so the key ring's base64 and the raw key are both distinctive.
  const encryptionRaw = `SECRET-PLANT-enc-${tail(15)}`;
  const encryptionKey = { id: 'kplant', key: Buffer.from(encryptionRaw) };
  /** Secrets this run generates (API keys, the webhook token, OAuth tokens, Basic headers): whole values only. */
  const generated = new Set<string>();

  let rt: TestRuntime;
  let githubSandbox: GithubSandboxHandle;
  let stripeSandbox: StripeSandboxHandle;
  let jiraSandbox: JiraSandboxHandle;
  let echo: Awaited<ReturnType<typeof startEchoProvider>>;
  let op: OidcTestProvider;
  let rs: ResourceServer;
  const seen: { what: string; text: string }[] = [];
  const statuses: { route: string; status: number }[] = [];

  beforeAll(async () => {
    githubSandbox = await createGithubSandbox({ port: 0, records: 40, seed: 12, token: github.value });
    stripeSandbox = await createStripeSandbox({ port: 0, records: 20, seed: 12, token: stripe.value });
    jiraSandbox = await createJiraSandbox({ port: 0, records: 20, seed: 12, token: jiraToken.value, email: 'planted@example.com' });
    echo = await startEchoProvider();
    op = await startOidcTestProvider({ clients: [oauthClient('byo-app', byoSecret.value), RESOURCE_SERVER_CLIENT] });
    rs = await startIntrospectingResourceServer(op);
    const connectors: ConnectorDefinition[] = [
      oidcTestConnector(op, rs),
      testConnector({
        id: 'echo_test',
        auth_mode: 'api_key',
        base_url: echo.url,
        fields: [{ key: 'api_key', label: 'API key', type: 'password', secret: true, required: true }],
        auth: { headers: { 'X-Api-Key': '{{fields.api_key}}', Authorization: 'Bearer {{fields.api_key}}' }, query: { api_key: '{{fields.api_key}}' } },
        verify: { method: 'GET', path: '/me', headers: {}, success_status: [200] },
      }),
      testConnector(
        { id: 'pgtest', auth_mode: 'conn_string', base_url: 'https://db.example.com', fields: [{ key: 'dsn', label: 'DSN', type: 'conn_string', secret: true, required: true }] },
        async function* rows(): AsyncGenerator<StreamMessage> {
          yield { type: 'records', records: [{ id: 'r1' }] };
        },
      ),
    ];
    rt = await startTestRuntime(kind, {
      connectors,
      allowPrivateHosts: [...[githubSandbox, stripeSandbox, jiraSandbox, echo, rs].map((s) => new URL(s.url).host), op.host, '127.0.0.1:5432'],
      config: { publicUrl: PUBLIC_URL, adminKey: owner.value, cronSecret: cron.value, encryptionKeys: new Keyring([encryptionKey]).format() },
    });
  }, 120_000);

  afterAll(async () => {
    await rt?.stop();
    await Promise.all([githubSandbox?.close(), stripeSandbox?.close(), jiraSandbox?.close(), echo?.close(), rs?.close(), op?.close()]);
  });

  const call = async (method: string, url: string, body?: unknown, options: { key?: string | null; headers?: Record<string, string> } = {}) => {
    const key = options.key === undefined ? owner.value : options.key;
    const res = await rt.inject({ method, url, ...(key ? { key } : {}), body, ...(options.headers ? { headers: options.headers } : {}) });
    seen.push({ what: `${method} ${url} → ${res.status}`, text: `${JSON.stringify(res.headers)}\n${res.raw}` });
    return res;
  };
  /** A response that exists to show a secret once (a new API key, the revealed trigger URL): kept out of the grep. */
  const reveal = async (method: string, url: string, body?: unknown) => {
    const res = await rt.inject({ method, url, key: owner.value, body });
    expect(res.headers['cache-control'], url).toBe('no-store');
    return res;
  };
  const sync = async (id: string) => {
    const started = await call('POST', `/api/v1/connections/${id}/runs`, { full_refresh: true });
    expect(started.status, started.raw).toBe(202);
    const run = await waitForRun(rt, owner.value, started.body.run.id);
    await call('GET', `/api/v1/runs/${run.id}`);
    await call('GET', `/api/v1/runs/${run.id}/logs?limit=1000`);
    return run;
  };
  const install = async (body: object) => {
    const res = await call('POST', '/api/v1/connections', body);
    expect(res.status, res.raw).toBe(201);
    return res.body.id as string;
  };
  const refusedInstall = async (body: object) => {
    const res = await call('POST', '/api/v1/connections', body);
    expect(res.status, res.raw).toBe(422);
    expect(res.body.error.code).toBe('credentials_rejected');
    return null;
  };

  it('keeps every planted credential out of responses, logs and tables', async () => {
    expect(rt.bootstrap!.apiKey).toBe(owner.value);
    const admin = await reveal('POST', '/api/v1/api-keys', { name: 'admin', role: 'admin' });
    generated.add(admin.body.key);
    const throwawayKey = await reveal('POST', '/api/v1/api-keys', { name: 'throwaway', role: 'viewer' });
    generated.add(throwawayKey.body.key);

    // Installs of every credential kind, and the refusals around them.
    const ids = {
      github: await install({ connector: 'github', name: 'gh', fields: { token: github.value }, config: { base_url: githubSandbox.url } }),
      // Wrong credentials are refused at install (422, the provider's reason scrubbed), and saved unverified to sync.
      githubRefused: await refusedInstall({ connector: 'github', name: 'gh-wrong', fields: { token: githubWrong.value }, config: { base_url: githubSandbox.url } }),
      githubWrong: await install({ connector: 'github', name: 'gh-wrong', fields: { token: githubWrong.value }, config: { base_url: githubSandbox.url }, verify: false }),
      stripe: await install({ connector: 'stripe', fields: { api_key: stripe.value, webhook_secret: stripeWhsec.value }, config: { base_url: stripeSandbox.url } }),
      stripeRefused: await refusedInstall({ connector: 'stripe', fields: { api_key: stripeWrong.value }, config: { base_url: stripeSandbox.url } }),
      stripeWrong: await install({ connector: 'stripe', fields: { api_key: stripeWrong.value }, config: { base_url: stripeSandbox.url }, verify: false }),
      jira: await install({ connector: 'jira', fields: { email: 'planted@example.com', api_token: jiraToken.value }, config: { base_url: jiraSandbox.url } }),
      echo: await install({ connector: 'echo_test', fields: { api_key: echoKey.value }, verify: false }),
      pg: await install({ connector: 'pgtest', fields: { dsn: `postgres://tributary:${dsnPassword.value}@127.0.0.1:5432/test` } }),
      throwaway: await install({ connector: 'github', name: 'to delete', fields: { token: github.value }, config: { base_url: githubSandbox.url } }),
    };
    generated.add(Buffer.from(`planted@example.com:${jiraToken.value}`).toString('base64'));
    generated.add(Buffer.from(`planted@example.com:${jiraWrong.value}`).toString('base64'));
    // A URL setting carrying a credential is refused (it would be stored and shown in clear), naming where it goes.
    for (const base_url of [`https://user:${github.value}@api.github.com`, `https://api.github.com/?access_token=${github.value}`, `https://api.github.com/?AccessToken=${github.value}`]) {
      const refused = await call('POST', '/api/v1/connections', { connector: 'github', fields: { token: github.value }, config: { base_url } });
      expect(refused.status, refused.raw).toBe(400);
      expect(refused.body.error).toMatchObject({ code: 'credentials_in_url', field: 'config.base_url' });
      expect(refused.body.error.message).toContain('fields.token');
    }
    // A row saved before that rule (written here directly) is shown without its userinfo; the route pass deletes it.
    await updateConnectionById(rt.database.db, ids.throwaway, { config: { base_url: `https://legacy:${legacy.value}@127.0.0.1:1/` } });
    expect((await call('GET', `/api/v1/connections/${ids.throwaway}`)).body.config).toEqual({ base_url: 'https://[redacted]@127.0.0.1:1/' });
    const refusedPatch = await call('PATCH', `/api/v1/connections/${ids.jira}`, { config: { base_url: `https://planted%40example.com:${jiraToken.value}@acme.atlassian.net` } });
    expect(refusedPatch.body.error?.code, refusedPatch.raw).toBe('credentials_in_url');

    // Verify probes that fail: the provider refuses (Stripe quotes the key masked), echoes the request, or the host is blocked.
    const probes = [
      await call('POST', '/api/v1/connections/test', { connector: 'stripe', fields: { api_key: stripeWrong.value }, config: { base_url: stripeSandbox.url } }),
      await call('POST', '/api/v1/connectors/stripe/verify', { fields: { api_key: stripeWrong.value }, config: { base_url: stripeSandbox.url } }),
      await call('POST', '/api/v1/connectors/echo_test/verify', { fields: { api_key: echoKey.value } }),
      await call('POST', '/api/v1/connectors/jira/verify', { fields: { email: 'planted@example.com', api_token: jiraWrong.value }, config: { base_url: jiraSandbox.url } }),
      await call('POST', '/api/v1/connectors/github/verify', { fields: { token: githubWrong.value }, config: { base_url: githubSandbox.url } }),
      await call('POST', '/api/v1/connectors/pgtest/verify', { fields: { dsn: `postgres://tributary:${dsnPassword.value}@10.0.0.1:5432/app` } }),
    ];
    expect(probes.slice(0, 5).map((p) => p.body.ok)).toEqual([false, false, false, false, false]);
    expect(probes[0]!.body.message).toContain('Invalid API Key provided');
    expect((await call('POST', '/api/v1/connections/test', { connector: 'stripe', fields: { api_key: stripe.value }, config: { base_url: stripeSandbox.url } })).body.ok).toBe(true);

    // OAuth with the user's own app: code, tokens and client secret all pass through.
    const authorize = await call('POST', '/api/v1/oauth/oidc_test/authorize', { client_id: 'byo-app', client_secret: byoSecret.value, name: 'byo' });
    expect(authorize.status, authorize.raw).toBe(200);
    const landing = await authorizeInBrowser(authorize.body.authorize_url, { stopAt: CALLBACK });
    generated.add(landing.searchParams.get('code')!);
    expect((await call('GET', `${landing.pathname}${landing.search}`, undefined, { key: null })).status).toBe(200);
    const oauthId = authorize.body.connection_id as string;
    const stored = rt.vault.decrypt<ConnectionSecrets>((await getConnectionById(rt.database.db, oauthId))!.credentials!, oauthId);
    for (const token of [stored.oauth?.access_token, stored.oauth?.refresh_token]) {
      expect(token).toBeTruthy();
      generated.add(token!);
    }

    // Syncs that work, and syncs that fail with the provider quoting the credential.
    expect((await sync(ids.github)).status).toBe('COMPLETED');
    expect((await sync(ids.stripe)).status).toBe('COMPLETED');
    expect((await sync(ids.jira)).status).toBe('COMPLETED');
    expect((await sync(oauthId)).status).toBe('COMPLETED');
    expect((await sync(ids.pg)).status).toBe('COMPLETED');
    for (const id of [ids.githubWrong, ids.stripeWrong, ids.echo]) expect((await sync(id)).status).toBe('FAILED');

    // The webhook trigger token, revealed (the one response allowed to show it), then used in odd spellings.
    const revealed = await reveal('POST', `/api/v1/connections/${ids.github}/webhook-url`);
    const token = new URL(revealed.body.webhook_url).pathname.split('/').at(-1)!;
    generated.add(token);
    for (const path of [`//api/v1/webhooks/${token}`, `/API/V1/Webhooks/${token}`, `/api/v1/webhooks//${token}`, `/api/v1/WEBHOOKS/${token}/`, `/api/v1/webhooks%2F${token}`]) {
      await call('POST', path, undefined, { key: null });
    }
    // Credential-named parameters in any spelling, on routes that exist and routes that do not.
    for (const query of [`access_token=${github.value}`, `api_key=${github.value}&refresh_token=${stripe.value}`, `accessToken=${github.value}`, `API-KEY=${github.value}`, `client_secret=${byoSecret.value}&code=${github.value}&state=${stripe.value}&sig=${cron.value}`]) {
      await call('GET', `/api/v1/connections?${query}`);
      await call('GET', `/api/v1/nowhere?${query}`);
    }
    // The cron endpoint with the right and a wrong secret, by both headers it reads.
    expect((await call('GET', '/api/v1/cron', undefined, { key: cron.value })).status).toBeLessThan(300);
    await call('GET', '/api/v1/cron', undefined, { key: null, headers: { 'x-cron-secret': cronWrong.value } });
    await call('GET', '/api/v1/cron', undefined, { key: cronWrong.value });

    // Every route the OpenAPI document lists, as the owner, with real ids; destructive ones on throwaway objects.
    const doc = (await call('GET', '/api/v1/openapi.json')).body as { paths: Record<string, Record<string, unknown>> };
    const firstId = async (collection: string) => (await rt.inject({ method: 'GET', url: `/api/v1/${collection}?limit=1`, key: owner.value })).body?.data?.[0]?.id ?? 'none';
    const keyId = (await rt.inject({ method: 'GET', url: '/api/v1/keys', key: owner.value })).body.keys[0].id as string;
    const lastRun = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${ids.github}/runs`, key: owner.value })).body.data[0].id as string;
    const bodies: Record<string, unknown> = {
      'POST /api/v1/connections': { connector: 'github', name: 'route pass', fields: { token: github.value }, config: { base_url: githubSandbox.url } },
      'PATCH /api/v1/connections/{id}': { fields: { token: github.value }, name: 'gh renamed' },
      'POST /api/v1/connections/test': { connector: 'jira', fields: { email: 'planted@example.com', api_token: jiraWrong.value }, config: { base_url: jiraSandbox.url } },
      'POST /api/v1/connectors/{id}/verify': { fields: { token: githubWrong.value }, config: { base_url: githubSandbox.url } },
      'POST /api/v1/connections/{id}/variants': { label: 'variant', config: { base_url: githubSandbox.url } },
      'POST /api/v1/connections/{id}/runs': { full_refresh: false },
      'POST /api/v1/oauth/{connector}/authorize': { client_id: 'byo-app', client_secret: byoSecret.value, connection_id: oauthId },
      'POST /api/v1/oauth/exchange': { connection_id: oauthId, code: `not-a-code-${github.value}` },
      'POST /api/v1/api-keys': { name: 'route pass', role: 'viewer' },
    };
    const skipped = new Set(['POST /api/v1/connections/{id}/webhook-url', 'POST /api/v1/api-keys']);
    let routes = 0;
    for (const [template, operations] of Object.entries(doc.paths)) {
      for (const method of Object.keys(operations).filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))) {
        const route = `${method.toUpperCase()} ${template}`;
        if (skipped.has(route)) continue;
        const collection = template.split('/')[3]!;
        let url = template;
        for (const [, name] of template.matchAll(/\{(\w+)\}/g)) {
          let value: string;
          if (name === 'token') value = token;
          else if (name === 'stream') value = collection === 'connections' ? 'issues' : 'items';
          else if (name === 'connector') value = 'oidc_test';
          else if (name === 'kid') value = keyId;
          else if (collection === 'connectors') value = 'github';
          else if (collection === 'runs') value = lastRun;
          else if (collection === 'api-keys') value = throwawayKey.body.id;
          else if (collection === 'connections') value = method === 'delete' ? ids.throwaway : template.endsWith('/disconnect') ? ids.githubWrong : ids.github;
          else value = await firstId(collection);
          url = url.replace(`{${name}}`, encodeURIComponent(value));
        }
        const body = ['post', 'patch', 'put'].includes(method) ? (bodies[route] ?? {}) : undefined;
        const res = await call(method.toUpperCase(), url, body, template === '/api/v1/cron' ? { key: cron.value } : {});
        statuses.push({ route, status: res.status });
        routes++;
      }
    }
    expect(routes).toBeGreaterThan(40);
    // Bad input is refused, never a crash (a 500 would hide what was logged about it).
    expect(statuses.filter((s) => s.status >= 500)).toEqual([]);

    // A disconnect that revokes at the provider with the user's own client secret.
    expect((await call('POST', `/api/v1/connections/${oauthId}/disconnect`)).status).toBeLessThan(300);
    for (const id of [ids.github, ids.stripeWrong, ids.echo, oauthId]) {
      await call('GET', `/api/v1/connections/${id}`);
      await call('GET', `/api/v1/connections/${id}/runs`);
    }
    await call('GET', '/api/v1/connections?limit=100');
    await call('GET', '/api/v1/status');

    // The grep: every response, every log line, every non-vault column of every table of this runtime.
    const tables = await dumpTables(rt);
    expect(tables.length).toBeGreaterThan(10);
    const texts = [...seen, ...rt.logLines.map((line, i) => ({ what: `log line ${i}`, text: line })), ...tables];
    const needles: { what: string; needle: string }[] = [];
    for (const p of planted) {
      needles.push({ what: `${p.kind} (whole)`, needle: p.value }, { what: `${p.kind} (first 8)`, needle: p.distinctive.slice(0, 8) }, { what: `${p.kind} (last 4)`, needle: p.value.slice(-4) });
    }
    needles.push({ what: 'encryption key (base64)', needle: encryptionKey.key.toString('base64') }, { what: 'encryption key (raw)', needle: encryptionRaw }, { what: 'encryption key (last 4)', needle: encryptionRaw.slice(-4) });
    for (const value of generated) needles.push({ what: `generated ${value.slice(0, 3)}…`, needle: value });
    const hits = texts.flatMap(({ what, text }) => needles.filter(({ needle }) => text.includes(needle)).map((n) => `${n.what} in ${what}: …${excerpt(text, n.needle)}…`));
    expect(hits).toEqual([]);

    // The grep looked at something real: the work and its failures were logged and stored.
    expect(rt.logLines.some((l) => l.includes('Run completed'))).toBe(true);
    expect(rt.logLines.some((l) => l.includes('Invalid API Key provided'))).toBe(true);
    expect(tables.some((t) => t.what.endsWith('run_logs') && t.text.includes('Invalid key for'))).toBe(true);
    expect(seen.some((s) => s.text.includes('No route POST /API/V1/Webhooks/[redacted].'))).toBe(true);
    expect(rt.logLines.some((l) => l.includes('"url":"//api/v1/webhooks/[redacted]"'))).toBe(true);
    expect(rt.logLines.some((l) => l.includes('access_token=[redacted]'))).toBe(true);
  }, 300_000);
});

/** Every row of every table in the runtime's schemas (Tributary's, pg-boss's, each workspace's data), vault columns left out. */
async function dumpTables(rt: TestRuntime): Promise<{ what: string; text: string }[]> {
  const dataSchemas = (await queryRows<{ data_schema: string }>(rt.database.db, sql`select data_schema from workspaces`)).map((r) => r.data_schema);
  const tables = await queryRows<{ table_schema: string; table_name: string }>(
    rt.database.db,
    sql`select table_schema, table_name from information_schema.tables where table_type = 'BASE TABLE' and (table_schema like ${`${rt.schema}%`} or table_schema = any(string_to_array(${dataSchemas.join(',')}, ',')))`,
  );
  const out: { what: string; text: string }[] = [];
  for (const { table_schema, table_name } of tables) {
    const hidden = vaultColumns.filter((c) => c.table === table_name && table_schema === rt.schema).map((c) => c.column);
    const rows = await queryRows<Record<string, unknown>>(rt.database.db, sql.raw(`select * from "${table_schema}"."${table_name}"`));
    for (const row of rows) for (const column of hidden) delete row[column];
    out.push({ what: `${table_schema}.${table_name}`, text: JSON.stringify(rows) });
  }
  return out;
}

function excerpt(text: string, needle: string): string {
  const at = text.indexOf(needle);
  return text.slice(Math.max(0, at - 60), at + needle.length + 20).replace(needle, `<<${needle.length} chars>>`);
}
