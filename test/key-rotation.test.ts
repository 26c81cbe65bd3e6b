import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient } from '../src/cli/api-client.js';
import { keysList, keysRetire, keysRotate } from '../src/cli/commands/keys.js';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { Keyring, type EncryptionKey } from '../src/core/keyring.js';
import { Vault } from '../src/core/vault.js';
import { eq } from 'drizzle-orm';
import { reencryptBatch } from '../src/core/reencrypt.js';
import { vaultColumns } from '../src/core/vault-columns.js';
import { pageCiphertextsNotUnder, swapCiphertexts } from '../src/db/queries/vault-ciphertexts.js';
import { hashToken } from '../src/core/api-key-hash.js';
import { newId, newSecretToken } from '../src/core/ids.js';
import { connections, oauthStates } from '../src/db/schema.js';
import { databaseKinds, testDatabaseUrl, type DatabaseKind } from './support/databases.js';
import { startTestRuntime, type TestRuntime, type TestRuntimeOptions } from './support/test-runtime.js';

/**
 * Encryption key rotation without downtime (DESIGN §4): re-encryption runs while requests keep reading and
 * writing the encrypted columns, loses none of their writes, and leaves every secret decryptable; a key is only
 * retired once nothing uses it; a wrong or missing key stops the service at start, naming the key id.
 */
const GOOD = 'ghp_rotation_good_token_0123456789';
const CONNECTIONS = 300;
/** Connections holding the sandbox's token, probed against it during and after the rotation. */
const LIVE = 12;

const ring = (...keys: EncryptionKey[]) => new Keyring(keys).format();

let sandbox: GithubSandboxHandle;
beforeAll(async () => {
  sandbox = await createGithubSandbox({ port: 0, records: 10, seed: 21, token: GOOD });
});
afterAll(async () => {
  await sandbox?.close();
});

/** A runtime on `kind`, optionally restarting on an earlier one's data (schema + PGlite folder). */
function start(kind: DatabaseKind, options: TestRuntimeOptions & { keys?: string }): Promise<TestRuntime> {
  const { keys, ...rest } = options;
  return startTestRuntime(kind, {
    worker: false,
    allowPrivateHosts: [new URL(sandbox.url).host],
    ...rest,
    env: { ...(keys === undefined ? {} : { encryptionKeys: keys }), ...rest.env },
  });
}

/**
 * Requests in a loop from a few concurrent clients until stopped: list, probe live connections against the
 * sandbox, PATCH credentials and names, reveal a webhook URL. Every answer must be a success.
 */
function loadLoop(rt: TestRuntime, key: string, ids: string[], expected: Map<string, string>) {
  const failures: string[] = [];
  let stopped = false;
  let completed = 0;
  const marks: number[] = [];
  const client = async (n: number) => {
    for (let i = n; !stopped; i += 4) {
      const id = ids[i % ids.length]!;
      const live = ids.indexOf(id) < LIVE;
      let res;
      switch (i % 5) {
        case 0:
          res = await rt.inject({ method: 'GET', url: `/api/v1/connections?limit=50&offset=${(i * 7) % CONNECTIONS}`, key });
          break;
        case 1: {
          const liveId = ids[i % LIVE]!;
          res = await rt.inject({ method: 'POST', url: `/api/v1/connections/${liveId}/check`, key });
          if (res.status === 200 && res.body.ok !== true) failures.push(`check ${liveId}: ${res.body.message}`);
          break;
        }
        case 2: {
          // New credentials for a non-live connection: the rotation must not overwrite them with older ones.
          if (live) continue;
          const token = `ghp_patched_${id}_${i}`;
          res = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key, body: { fields: { token } } });
          if (res.status === 200) expected.set(id, token);
          break;
        }
        case 3:
          res = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key, body: { name: `renamed ${i}` } });
          break;
        default:
          res = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url`, key });
      }
      if (res.status >= 400) failures.push(`${i % 5} ${id}: ${res.status} ${res.raw.slice(0, 200)}`);
      completed++;
      marks.push(Date.now());
    }
  };
  const running = Promise.all([0, 1, 2, 3].map(client));
  return {
    failures,
    get completed() {
      return completed;
    },
    /** Requests that finished inside [from, to]. */
    between: (from: number, to: number) => marks.filter((t) => t >= from && t <= to).length,
    async stop() {
      stopped = true;
      await running;
    },
  };
}

async function until(condition: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * `count` connections under the runtime's active key: the live ones through the API, the rest inserted in one
 * statement the way the install route writes them (same vault, same bindings), which keeps this file fast.
 */
async function installMany(rt: TestRuntime, owner: string, ids: string[], expected: Map<string, string>, count: number): Promise<void> {
  for (let i = 0; i < LIVE; i++) {
    const res = await rt.inject({ method: 'POST', url: '/api/v1/connections', key: owner, body: { connector: 'github', name: `live ${i}`, fields: { token: GOOD }, config: { base_url: sandbox.url } } });
    expect(res.status).toBe(201);
    ids.push(res.body.id);
    expected.set(res.body.id, GOOD);
  }
  const workspaceId = (await rt.database.db.select().from(connections).where(eq(connections.id, ids[0]!)))[0]!.workspaceId;
  const rows = Array.from({ length: count - LIVE }, (_, j) => {
    const id = newId('conn');
    const token = `ghp_conn_${j}_${'x'.repeat(20)}`;
    const webhookToken = newSecretToken('whk');
    ids.push(id);
    expected.set(id, token);
    return {
      id,
      workspaceId,
      connectorId: 'github',
      name: `c${j}`,
      status: 'connected',
      config: { base_url: sandbox.url },
      credentials: rt.vault.encrypt({ fields: { token } }, id),
      credentialsKeyId: rt.vault.activeKeyId,
      webhookTokenHash: hashToken(webhookToken),
      webhookToken: rt.vault.encrypt(webhookToken, `${id}:webhook`),
    };
  });
  await rt.database.db.insert(connections).values(rows);
}

/** Every connection row: key ids (column and envelope) and decrypted tokens. */
async function inspect(rt: TestRuntime, vault: Vault) {
  const rows = await rt.database.db.select().from(connections);
  return rows.map((row) => ({
    id: row.id,
    credentialsKeyId: row.credentialsKeyId,
    credentialsEnvelopeKey: Vault.keyIdOf(row.credentials!),
    webhookEnvelopeKey: Vault.keyIdOf(row.webhookToken!),
    token: vault.decrypt<{ fields: { token: string } }>(row.credentials!, row.id).fields.token,
    webhookDecrypts: typeof vault.decrypt<string>(row.webhookToken!, `${row.id}:webhook`) === 'string',
  }));
}

/** When the last restart was refused, no runtime is left to drop the test's schemas: do it here. */
async function dropSchemas(kind: DatabaseKind, schema: string): Promise<void> {
  if (kind !== 'postgres') return;
  const client = new pg.Client({ connectionString: testDatabaseUrl });
  await client.connect();
  for (const name of [schema, `${schema}_jobs`]) await client.query(`drop schema if exists "${name}" cascade`);
  await client.end();
}

describe.each(databaseKinds)('key rotation with TRIBUTARY_ENCRYPTION_KEYS on %s', (kind) => {
  const k1 = Keyring.generateKey('k1');
  const k2 = Keyring.generateKey('k2');
  let dir: string;
  let schema: string;
  let owner: string;
  let rt: TestRuntime | undefined;
  const ids: string[] = [];
  const expected = new Map<string, string>();

  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'tributary-keys-'));
  });
  afterAll(async () => {
    await rt?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  const pgliteDir = () => (kind === 'pglite' ? { pgliteDataDir: path.join(dir, 'pgdata') } : {});
  const restart = async (keys: string) => {
    await rt?.stop({ keepData: true });
    rt = undefined;
    rt = await start(kind, { keys, schema, ...pgliteDir() });
    return rt;
  };

  it(`installs ${CONNECTIONS} connections under k1; k1 cannot be retired while active`, async () => {
    rt = await start(kind, { keys: ring(k1), ...pgliteDir() });
    schema = rt.schema;
    owner = rt.bootstrap!.apiKey;
    await installMany(rt, owner, ids, expected, CONNECTIONS);
    const list = await rt.inject({ method: 'GET', url: '/api/v1/keys', key: owner });
    expect(list.body).toEqual({ source: 'env', active_key: 'k1', keys: [{ id: 'k1', active: true, ciphertexts: 2 * CONNECTIONS }], unknown_keys: {} });
    const refused = await rt.inject({ method: 'POST', url: '/api/v1/keys/k1/retire', key: owner });
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('key_in_use');
    // Owner only.
    const admin = (await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: owner, body: { name: 'a', role: 'admin' } })).body.key;
    expect((await rt.inject({ method: 'GET', url: '/api/v1/keys', key: admin })).status).toBe(403);
    expect((await rt.inject({ method: 'POST', url: '/api/v1/keys/rotate', key: admin })).status).toBe(403);
    // The key ring is the installation's: an owner of another workspace may not see or turn it.
    const other = await rt.workspace('owner');
    for (const [method, url] of [['GET', '/api/v1/keys'], ['POST', '/api/v1/keys/rotate'], ['POST', '/api/v1/keys/k1/retire']] as const) {
      const res = await rt.inject({ method, url, key: other.apiKey });
      expect(res.status, url).toBe(403);
      expect(res.body.error.message).toMatch(/installation/);
    }
  });

  it('rotates to k2 (new key first, restarted) under concurrent load, losing no write', async () => {
    const live = await restart(ring(k2, k1));
    const before = await live.inject({ method: 'GET', url: '/api/v1/keys', key: owner });
    expect(before.body.keys).toEqual([
      { id: 'k2', active: true, ciphertexts: 0 },
      { id: 'k1', active: false, ciphertexts: 2 * CONNECTIONS },
    ]);
    const early = await live.inject({ method: 'POST', url: '/api/v1/keys/k1/retire', key: owner });
    expect(early.status).toBe(409);
    expect(early.body).toMatchObject({ error: { code: 'key_in_use' }, remaining: { k1: 2 * CONNECTIONS } });

    const loop = loadLoop(live, owner, ids, expected);
    let rotated, startedAt, endedAt;
    try {
      await until(() => loop.completed >= 40);
      startedAt = Date.now();
      // Small batches: more statements, so more chances for the other requests to interleave with them.
      rotated = await live.inject({ method: 'POST', url: '/api/v1/keys/rotate', key: owner, body: { batch_size: 5 } });
      endedAt = Date.now();
      const after = loop.completed;
      await until(() => loop.completed >= after + 40);
    } finally {
      await loop.stop();
    }

    expect(rotated.status, rotated.raw).toBe(200);
    expect(rotated.body).toMatchObject({ source: 'env', active_key: 'k2', new_key: false, remaining: {}, failed: {}, after: { k2: 2 * CONNECTIONS } });
    // Rows PATCHed or revealed meanwhile were already under k2: fewer to re-encrypt, never a lost write.
    expect(rotated.body.reencrypted + rotated.body.superseded).toBeLessThanOrEqual(2 * CONNECTIONS);
    expect(loop.failures).toEqual([]);
    expect(loop.completed).toBeGreaterThanOrEqual(80);
    expect(loop.between(startedAt, endedAt), 'requests served while re-encrypting').toBeGreaterThan(0);
    console.info(`[${kind}] rotation of ${2 * CONNECTIONS} ciphertexts: ${endedAt - startedAt} ms, ${loop.completed} concurrent requests (${loop.between(startedAt, endedAt)} during), reencrypted ${rotated.body.reencrypted}, superseded ${rotated.body.superseded}`);

    const rows = await inspect(live, live.vault);
    expect(rows).toHaveLength(CONNECTIONS);
    for (const row of rows) {
      expect(row).toMatchObject({ credentialsKeyId: 'k2', credentialsEnvelopeKey: 'k2', webhookEnvelopeKey: 'k2', webhookDecrypts: true });
      expect(row.token, row.id).toBe(expected.get(row.id));
    }
    for (const id of ids.slice(0, LIVE)) {
      expect((await live.inject({ method: 'POST', url: `/api/v1/connections/${id}/check`, key: owner })).body).toMatchObject({ ok: true });
    }
  });

  it('never overwrites a value written between its read and its write (optimistic concurrency)', async () => {
    const live = rt!;
    const column = vaultColumns[0]!;
    // A ciphertext under k1 again, as a writer that encrypted just before a key switch would leave it.
    const id = ids[LIVE]!;
    const underK1 = new Vault(new Keyring([k1]));
    await live.database.db.update(connections).set({ credentials: underK1.encrypt({ fields: { token: 'ghp_old_value_000000' } }, id), credentialsKeyId: 'k1' }).where(eq(connections.id, id));
    const page = await pageCiphertextsNotUnder(live.database.db, column, 'k2', '', 100);
    expect(page.map((r) => r.id)).toEqual([id]);
    const { swaps } = reencryptBatch(live.vault, column, page);
    // Meanwhile, new credentials arrive through the API.
    expect((await live.inject({ method: 'PATCH', url: `/api/v1/connections/${id}`, key: owner, body: { fields: { token: 'ghp_newer_value_11111' } } })).status).toBe(200);
    expect(await swapCiphertexts(live.database.db, column, swaps)).toBe(0);
    const [row] = (await inspect(live, live.vault)).filter((r) => r.id === id);
    expect(row).toMatchObject({ token: 'ghp_newer_value_11111', credentialsKeyId: 'k2', credentialsEnvelopeKey: 'k2' });
    expected.set(id, 'ghp_newer_value_11111');
    // And a stale k1 row nobody touches is picked up by the next rotation.
    await live.database.db.update(connections).set({ credentials: underK1.encrypt({ fields: { token: 'ghp_newer_value_11111' } }, id), credentialsKeyId: 'k1' }).where(eq(connections.id, id));
    const again = await live.inject({ method: 'POST', url: '/api/v1/keys/rotate', key: owner });
    expect(again.body).toMatchObject({ reencrypted: 1, superseded: 0, remaining: {}, before: { k1: 1 } });
  });

  it('retires k1 once nothing uses it, without returning key material; the ring without k1 starts', async () => {
    const live = rt!;
    const retired = await live.inject({ method: 'POST', url: '/api/v1/keys/k1/retire', key: owner });
    expect(retired.status, retired.raw).toBe(200);
    expect(retired.body).toMatchObject({ source: 'env', retired: 'k1', active_key: 'k2', key_ids: ['k2'] });
    expect(retired.body.message).toMatch(/Remove "k1" from TRIBUTARY_ENCRYPTION_KEYS/);
    for (const key of [k1, k2]) {
      expect(retired.raw).not.toContain(key.key.toString('base64'));
      expect((await live.inject({ method: 'GET', url: '/api/v1/keys', key: owner })).raw).not.toContain(key.key.toString('base64'));
    }
    expect((await live.inject({ method: 'POST', url: '/api/v1/keys/k2/retire', key: owner })).body.error.code).toBe('key_in_use');
    expect((await live.inject({ method: 'POST', url: '/api/v1/keys/nope/retire', key: owner })).status).toBe(404);

    const next = await restart(ring(k2));
    expect((await next.inject({ method: 'POST', url: `/api/v1/connections/${ids[0]}/check`, key: owner })).body).toMatchObject({ ok: true });
  });

  it('refuses to start with a key ring that lacks a key in use, holds a wrong key, or is malformed', async () => {
    await rt!.stop({ keepData: true });
    rt = undefined;
    await expect(start(kind, { keys: ring(k1), schema, ...pgliteDir() })).rejects.toMatchObject({
      code: 'encryption_key_missing',
      message: expect.stringMatching(/encryption key\(s\) "k2" \(connections\.credentials, connections\.webhook_token\), missing from the key ring/),
    });
    const impostor = Keyring.generateKey('k2');
    await expect(start(kind, { keys: ring(impostor), schema, ...pgliteDir() })).rejects.toMatchObject({
      code: 'encryption_key_missing',
      message: expect.stringMatching(/Encryption key "k2" in the key ring does not decrypt the stored connections\.credentials/),
    });
    for (const [spec, reason] of [
      ['k2', /TRIBUTARY_ENCRYPTION_KEYS must look like "kid:base64key/],
      ['k2:not*base64!', /TRIBUTARY_ENCRYPTION_KEYS: key "k2" is not base64/],
      ['k2:c2hvcnQ=', /TRIBUTARY_ENCRYPTION_KEYS: encryption key "k2" must be 32 bytes/],
      [`k.2:${k2.key.toString('base64')}`, /key id "k\.2" must be/],
      [`${ring(k2)},${ring(k2)}`, /"k2" appears twice/],
    ] as const) {
      const error = await start(kind, { keys: spec, schema, ...pgliteDir() }).then(() => null, (e: unknown) => e);
      expect(error, spec).toMatchObject({ code: 'encryption_key_missing', message: expect.stringMatching(reason) });
      expect(String((error as Error).message)).not.toContain(k2.key.toString('base64'));
    }
  });

  afterAll(async () => {
    if (!rt && schema) await dropSchemas(kind, schema);
  });
});

describe('key rotation in embedded mode (key file)', () => {
  let dataDir: string;
  let schema: string | undefined;
  let rt: TestRuntime | undefined;
  let owner: string;
  const ids: string[] = [];
  const expected = new Map<string, string>();

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'tributary-keyfile-'));
  });
  afterAll(async () => {
    await rt?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const keyFile = () => path.join(dataDir, 'encryption-keys');
  const fileKeyIds = async () => Keyring.parse(await readFile(keyFile(), 'utf8'), 'key file').keys.map((k) => k.id);
  const embedded = () => start('pglite', { env: { encryptionKeys: '', dataDir }, pgliteDataDir: path.join(dataDir, 'pgdata'), ...(schema ? { schema } : {}) });
  const capture = () => {
    const stream = new PassThrough();
    let text = '';
    stream.on('data', (chunk) => (text += String(chunk)));
    return { stream, text: () => text };
  };

  it('generates the new key into the key file first (0600), makes it active in the running process, re-encrypts', async () => {
    rt = await embedded();
    schema = rt.schema;
    owner = rt.bootstrap!.apiKey;
    const [original] = await fileKeyIds();
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    await installMany(rt, owner, ids, expected, 60);
    // A pending OAuth authorization: its PKCE verifier is vault ciphertext too, and must follow the rotation.
    await rt.database.db.insert(oauthStates).values({
      id: 'st_rotation',
      workspaceId: rt.bootstrap!.workspaceId,
      connectionId: ids[0]!,
      codeVerifier: rt.vault.encrypt('pkce-verifier-rotation-test', 'st_rotation:pkce'),
      redirectUri: 'http://127.0.0.1/callback',
      expiresAt: new Date(Date.now() + 600_000),
    });
    const url = await rt.app!.listen({ port: 0, host: '127.0.0.1' });
    const client = new ApiClient({ url, apiKey: owner });

    const loop = loadLoop(rt, owner, ids, expected);
    const out = capture();
    try {
      await until(() => loop.completed >= 20);
      expect(await keysRotate(client, out.stream as unknown as NodeJS.WritableStream)).toBe(0);
      const after = loop.completed;
      await until(() => loop.completed >= after + 20);
    } finally {
      await loop.stop();
    }
    expect(loop.failures).toEqual([]);

    const [active, previous, ...rest] = await fileKeyIds();
    expect(active).not.toBe(original);
    expect(previous).toBe(original);
    expect(rest).toEqual([]);
    expect((await stat(keyFile())).mode & 0o777).toBe(0o600);
    expect(out.text()).toContain(`New active key ${active} (written first in the key file).`);
    expect(rt.keys.keyring.active.id).toBe(active);
    for (const row of await inspect(rt, rt.vault)) {
      expect(row).toMatchObject({ credentialsKeyId: active, credentialsEnvelopeKey: active, webhookEnvelopeKey: active });
      expect(row.token).toBe(expected.get(row.id));
    }

    const [state] = await rt.database.db.select().from(oauthStates);
    expect(Vault.keyIdOf(state!.codeVerifier!)).toBe(active);
    expect(rt.vault.decrypt(state!.codeVerifier!, 'st_rotation:pkce')).toBe('pkce-verifier-rotation-test');

    const list = capture();
    await keysList(client, list.stream as unknown as NodeJS.WritableStream);
    expect(list.text()).toMatch(new RegExp(`${active} +active 121 secret\\(s\\)`));
    expect(list.text()).toMatch(new RegExp(`${original} +older +0 secret\\(s\\)`));

    const retired = capture();
    expect(await keysRetire(client, original!, retired.stream as unknown as NodeJS.WritableStream)).toBe(0);
    expect(retired.text()).toContain(`"${original}" was removed from the key file and from the running key ring`);
    expect(await fileKeyIds()).toEqual([active]);
    expect(rt.keys.keyring.keys.map((k) => k.id)).toEqual([active]);
    await expect(keysRetire(client, active!, capture().stream as unknown as NodeJS.WritableStream)).rejects.toMatchObject({ status: 409, code: 'key_in_use' });
  });

  it('restarts from the key file it wrote, and every secret still works', async () => {
    await rt!.stop({ keepData: true });
    rt = undefined;
    rt = await embedded();
    expect(rt.bootstrap).toBeNull();
    for (const id of ids.slice(0, LIVE)) {
      expect((await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/check`, key: owner })).body).toMatchObject({ ok: true });
    }
    const second = await rt.inject({ method: 'POST', url: '/api/v1/keys/rotate', key: owner });
    expect(second.body).toMatchObject({ source: 'file', new_key: true, reencrypted: 121, remaining: {} });
    expect((await fileKeyIds())[0]).toBe(second.body.active_key);
  });
});
