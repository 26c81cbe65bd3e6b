import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import * as ajvFormats from 'ajv-formats';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { allConnectors } from '../../src/connectors/index.js';
import type { ConnectorDefinition } from '../../src/contracts/connector-kit.js';
import { ManifestSchema, type Manifest, type StreamManifest } from '../../src/contracts/manifest.js';
import { primaryKeyOf } from '../../src/engine/record-batch.js';
import { databaseKinds } from '../support/databases.js';
import { allRows, rowCounts } from '../support/record-rows.js';
import { countsOf, install, syncAndWait, type InstallInput } from '../support/run-helpers.js';
import { sandboxChanges } from '../support/sandbox-control.js';
import { startTestRuntime, type TestRuntime } from '../support/test-runtime.js';
import { getConnectionById } from '../../src/db/queries/connections.js';
import type { AuthorizeResponse, ConnectionList, ConnectionView, ErrorBody, ProbeResponse } from '../support/api-types.js';
import type { ConnectionSecrets } from '../../src/services/credentials/connection-secrets.js';

/**
 * The connector acceptance kit: one data-driven suite that every connector passes, on every database the test
 * run covers. A connector's `<id>.acceptance.test.ts` only describes its sandbox, credentials and how its
 * provider reports changes; the suite does the rest through the public API and the engine:
 *
 * - manifest: valid by `ManifestSchema`, every stream's JSON schema compiles and covers its primary key;
 * - check: verify / test / check pass with good credentials and refuse bad ones with the provider's words, and a
 *   run with bad credentials ends FAILED (`config`) with a bounded provider message, writing nothing;
 * - discover: `GET /connectors/:id` serves the manifest's streams;
 * - full read: every stream's count equals the sandbox's, every record carries its primary key and validates
 *   against its stream's JSON schema;
 * - a second full refresh changes nothing;
 * - incremental: a read without changes writes nothing, a read after changes writes exactly them, and the next
 *   read writes nothing again;
 * - deletions as the provider reports them (vanishing, found by a full refresh; or reported by the read);
 * - a cursor far in the future reads nothing.
 *
 * Every test stands on its own, in any order (`vitest --sequence.shuffle`): each gets a new connection to the
 * suite's sandbox and makes the syncs and changes it starts from itself. Expectations come from the sandbox's
 * counts at the time, so the changes an earlier test made there do not matter.
 */

/** A running sandbox as the suite sees it. */
export interface AcceptanceSandbox {
  url: string;
  /** The credential it accepts. */
  token: string;
  /** Live records per stream at the provider right now: what a full read must return. */
  counts(): Record<string, number> | Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface SandboxChange {
  create: number;
  update: number;
  delete: number;
}

export interface AcceptanceSpec {
  /** The connector's manifest id. */
  connector: string;
  /**
   * Starts a fresh sandbox (one per database under test, since the suite changes its data). The suite starts a
   * second one with another `seed` as a client company's own account (the client-connector test).
   */
  startSandbox(options?: { seed?: number }): Promise<AcceptanceSandbox>;
  /**
   * OAuth providers: the sandbox's OAuth app and the config that sends the flow there. The suite then also
   * connects through authorize → sandbox consent → callback → token exchange, syncs on that connection, and
   * checks an expired access token is refreshed at the sandbox's token endpoint.
   */
  oauth?: { clientId: string; clientSecret: string; config(sandbox: AcceptanceSandbox): Record<string, unknown> };
  /** What `POST /connections` gets for working and for refused credentials. */
  credentials: {
    good(sandbox: AcceptanceSandbox): InstallInput;
    bad(sandbox: AcceptanceSandbox): InstallInput;
    /** The provider's own words for refused credentials, expected in the failed run's error. */
    badMessage: RegExp;
  };
  /** The incremental stream the changes are made on. */
  mainStream: string;
  /** The changes made on the main stream (default: 4 created, 6 updated, 3 deleted). */
  change?: SandboxChange;
  /** Makes the change at the provider. Default: `POST /_sandbox/changes { stream: mainStream, …change }`. */
  applyChange?(sandbox: AcceptanceSandbox, change: SandboxChange): Promise<void>;
  /**
   * How the provider reports deletions: `vanish` (deleted items just disappear, so only a full refresh finds them)
   * or `reported` (tombstones, events or a deleted flag that an incremental read sees).
   */
  deletions: 'vanish' | 'reported';
  /** A cursor for `PATCH /connections/:id/state` after every record (default `2999-01-01T00:00:00Z`). */
  futureCursor?: string;
  /** Per run (default 60 s). */
  runTimeoutMs?: number;
}

const defaultChange: SandboxChange = { create: 4, update: 6, delete: 3 };

function definitionOf(id: string): ConnectorDefinition {
  const found = allConnectors.find((c) => c.manifest.id === id);
  if (!found) throw new Error(`no connector "${id}" in src/connectors/index.ts`);
  return found;
}

/** A JSON Schema validator per stream (draft 2020-12, with formats such as date-time checked). */
export function schemaValidators(manifest: Manifest): Map<string, ValidateFunction> {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  const addFormats = ((ajvFormats as { default?: unknown }).default ?? ajvFormats) as unknown as (a: Ajv2020) => void;
  addFormats(ajv);
  return new Map(manifest.streams.map((s) => [s.name, ajv.compile(s.json_schema)]));
}

function verdict(validate: ValidateFunction): string {
  return (validate.errors ?? [])
    .slice(0, 3)
    .map((e) => `${e.instancePath || '/'} ${e.message}`)
    .join('; ');
}

export function defineAcceptanceSuite(spec: AcceptanceSpec): void {
  const definition = definitionOf(spec.connector);
  const change = spec.change ?? defaultChange;
  const futureCursor = spec.futureCursor ?? '2999-01-01T00:00:00Z';
  const runTimeout = spec.runTimeoutMs ?? 60_000;

  describe(`${spec.connector} acceptance: manifest`, () => {
    it('is a valid manifest whose stream schemas compile and cover their primary keys', () => {
      const manifest = ManifestSchema.parse(definition.manifest);
      expect(manifest.id).toBe(spec.connector);
      expect(definition.sandbox, 'every connector ships a sandbox').toBeTypeOf('function');
      const validators = schemaValidators(manifest);
      const main = manifest.streams.find((s) => s.name === spec.mainStream);
      expect(main, `main stream ${spec.mainStream}`).toBeDefined();
      expect(main!.sync_modes).toContain('incremental');
      for (const stream of manifest.streams) {
        expect(definition.streams[stream.name], `reader for ${stream.name}`).toBeTypeOf('function');
        expect(validators.get(stream.name)).toBeTypeOf('function');
        const schema = stream.json_schema as { type?: unknown; properties?: Record<string, unknown> };
        expect(schema.type, `${stream.name}: a record is an object`).toBe('object');
        for (const key of stream.primary_key) {
          expect(Object.keys(schema.properties ?? {}), `${stream.name}: primary key ${key} in the schema`).toContain(key.split('.')[0]);
        }
        if (stream.cursor_field) expect(Object.keys(schema.properties ?? {}), `${stream.name}: cursor field`).toContain(stream.cursor_field.split('.')[0]);
      }
    });
  });

  describe.each(databaseKinds)(`${spec.connector} acceptance on %s`, (kind) => {
    let sandbox: AcceptanceSandbox;
    /** A client company's own account at the same provider. */
    let clientSandbox: AcceptanceSandbox;
    let rt: TestRuntime;
    let key: string;
    let connectionId: string;
    let manifest: Manifest;
    let validators: Map<string, ValidateFunction>;

    const sync = (body: { streams?: string[]; full_refresh?: boolean } = {}) => syncAndWait(rt, key, connectionId, body, runTimeout);
    /** What a test that starts from a synced connection does first: a complete full read of its connection. */
    const fullRead = async () => {
      const run = await sync({ full_refresh: true });
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      return run;
    };
    const incrementalStreams = () => manifest.streams.filter((s) => s.sync_modes.includes('incremental')).map((s) => s.name);

    /** Live rows equal the sandbox's counts, stream by stream; every row has its key and fits its schema. */
    const expectTablesMatchSandbox = async () => {
      const expected = await sandbox.counts();
      for (const stream of manifest.streams) {
        expect((await rowCounts(rt, connectionId, stream.name)).live, `${stream.name}: live rows`).toBe(expected[stream.name]);
        await expectRecordsValid(stream);
      }
    };

    const expectRecordsValid = async (stream: StreamManifest) => {
      const validate = validators.get(stream.name)!;
      let checked = 0;
      for await (const row of allRows(rt, connectionId, stream.name)) {
        expect(primaryKeyOf(row.data, stream.primary_key), `${stream.name} ${row.id}: primary key`).toBe(row.id);
        if (!validate(row.data)) expect.fail(`${stream.name} record ${row.id} does not match its JSON schema: ${verdict(validate)}`);
        checked++;
      }
      return checked;
    };

    const applyChange = async (c: SandboxChange) => {
      if (spec.applyChange) await spec.applyChange(sandbox, c);
      else await sandboxChanges(sandbox.url, { stream: spec.mainStream, ...c });
    };

    beforeAll(async () => {
      manifest = ManifestSchema.parse(definition.manifest);
      validators = schemaValidators(manifest);
      sandbox = await spec.startSandbox();
      clientSandbox = await spec.startSandbox({ seed: 7919 });
      rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host, new URL(clientSandbox.url).host] });
      key = rt.bootstrap!.apiKey;
      // Starting a runtime (migrations, pg-boss) on a machine shared by several suites can outlast the default.
    }, 300_000);
    /** Each test's own connection to the sandbox: nothing synced yet. */
    let connections = 0;
    beforeEach(async () => {
      connectionId = await install(rt, key, spec.connector, { name: `${spec.connector} acceptance ${++connections}`, ...spec.credentials.good(sandbox) });
    });
    afterAll(async () => {
      await rt?.stop();
      await sandbox?.close();
      await clientSandbox?.close();
    });

    it('check: verify, test and check pass with good credentials and fail cleanly with bad ones', async () => {
      const good = spec.credentials.good(sandbox);
      const bad = spec.credentials.bad(sandbox);
      const verify = (input: InstallInput) => rt.inject<ProbeResponse>({ method: 'POST', url: `/api/v1/connectors/${spec.connector}/verify`, key, body: input });
      const okRes = await verify(good);
      expect(okRes.status, JSON.stringify(okRes.body)).toBe(200);
      expect(okRes.body.ok).toBe(true);
      const refused = await verify(bad);
      expect(refused.status).toBe(200);
      expect(refused.body.ok).toBe(false);
      expect(refused.body.message).toMatch(spec.credentials.badMessage);
      expect(refused.body.message.length).toBeLessThanOrEqual(500);
      for (const value of Object.values(bad.fields)) if (value.length >= 4) expect(refused.raw).not.toContain(value);

      const tested = await rt.inject<ProbeResponse>({ method: 'POST', url: '/api/v1/connections/test', key, body: { connector: spec.connector, ...bad } });
      expect(tested.body).toMatchObject({ ok: false, success: false });

      const checked = await rt.inject<ProbeResponse>({ method: 'POST', url: `/api/v1/connections/${connectionId}/check`, key });
      expect(checked.status).toBe(200);
      expect(checked.body.ok).toBe(true);
      const connection = await rt.inject<ConnectionView>({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key });
      expect(connection.body).toMatchObject({ last_check_ok: true });
    });

    it('check: bad credentials are refused at install; saved unverified, a run with them fails cleanly (config, bounded provider message) and writes nothing', async () => {
      const badInput = spec.credentials.bad(sandbox);
      const before = (await rt.inject<ConnectionList>({ method: 'GET', url: '/api/v1/connections?include_all=1&limit=100', key })).body.pagination.total;
      const refused = await rt.inject<ErrorBody>({ method: 'POST', url: '/api/v1/connections', key, body: { connector: spec.connector, name: 'bad credentials', ...badInput } });
      expect(refused.status).toBe(422);
      expect(refused.body.error.code).toBe('credentials_rejected');
      expect(refused.body.error.message).toMatch(spec.credentials.badMessage);
      for (const value of Object.values(badInput.fields)) if (value.length >= 4) expect(refused.raw).not.toContain(value);
      expect((await rt.inject<ConnectionList>({ method: 'GET', url: '/api/v1/connections?include_all=1&limit=100', key })).body.pagination.total).toBe(before);

      const badId = await install(rt, key, spec.connector, { name: 'bad credentials', ...badInput, verify: false });
      const run = await syncAndWait(rt, key, badId, {}, runTimeout);
      expect(run.status).toBe('FAILED');
      expect(run.error_kind).toBe('config');
      expect(run.error).toMatch(spec.credentials.badMessage);
      expect(run.error!.length).toBeLessThanOrEqual(1000);
      for (const value of Object.values(badInput.fields)) if (value.length >= 4) expect(run.error).not.toContain(value);
      expect(run.totals).toMatchObject({ created: 0, updated: 0, unchanged: 0, deleted: 0 });
      for (const stream of manifest.streams) expect(await rowCounts(rt, badId, stream.name), stream.name).toEqual({ live: 0, deleted: 0 });
      const connection = await rt.inject<ConnectionView>({ method: 'GET', url: `/api/v1/connections/${badId}`, key });
      // Unverified credentials that a sync refused stay pending (never proven), with the provider's reason.
      expect(connection.body).toMatchObject({ status: 'pending', last_sync_status: 'FAILED' });
      expect(connection.body.last_sync_error).toMatch(spec.credentials.badMessage);
    });

    it('discover: the catalog serves the manifest streams with their schemas', async () => {
      const res = await rt.inject<{ streams: StreamManifest[] }>({ method: 'GET', url: `/api/v1/connectors/${spec.connector}`, key });
      expect(res.status).toBe(200);
      expect(res.body.streams.map((s) => s.name)).toEqual(manifest.streams.map((s) => s.name));
      for (const stream of manifest.streams) {
        const served = res.body.streams.find((s) => s.name === stream.name);
        expect(served).toMatchObject({ primary_key: stream.primary_key, sync_modes: stream.sync_modes, json_schema: stream.json_schema });
      }
    });

    it('full read: every stream lands complete, each record keyed and valid against its schema', async () => {
      const expected = await sandbox.counts();
      const run = await sync({ full_refresh: true });
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      expect(run.mode).toBe('full_refresh');
      for (const stream of manifest.streams) {
        expect(expected[stream.name], `sandbox count for ${stream.name}`).toBeGreaterThan(0);
        expect(countsOf(run, stream.name), stream.name).toMatchObject({ status: 'COMPLETED', created: expected[stream.name], updated: 0, deleted: 0, failed: 0 });
      }
      await expectTablesMatchSandbox();
      const connection = await rt.inject<ConnectionView>({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key });
      expect(connection.body).toMatchObject({ status: 'connected', last_sync_status: 'COMPLETED', last_sync_error: null });
    });

    it('a second full refresh changes nothing', async () => {
      await fullRead();
      const run = await sync({ full_refresh: true });
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      expect(run.totals).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
      const expected = await sandbox.counts();
      for (const stream of manifest.streams) expect(countsOf(run, stream.name).unchanged, stream.name).toBe(expected[stream.name]);
    });

    it('incremental: nothing new reads nothing; after changes exactly those; then nothing again', async () => {
      await fullRead();
      const quiet = await sync();
      expect(quiet.status, quiet.error ?? '').toBe('COMPLETED');
      expect(quiet.mode).toBe('incremental');
      expect(quiet.totals).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });

      await applyChange(change);
      const changed = await sync();
      expect(changed.status, changed.error ?? '').toBe('COMPLETED');
      expect(countsOf(changed, spec.mainStream)).toMatchObject({
        created: change.create,
        updated: change.update,
        deleted: spec.deletions === 'reported' ? change.delete : 0,
        failed: 0,
      });
      for (const name of incrementalStreams().filter((n) => n !== spec.mainStream)) {
        expect(countsOf(changed, name), name).toMatchObject({ created: 0, updated: 0, deleted: 0 });
      }

      const after = await sync();
      expect(after.status, after.error ?? '').toBe('COMPLETED');
      expect(after.totals).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
      await expectRecordsValid(manifest.streams.find((s) => s.name === spec.mainStream)!);
    });

    it(`deletions: ${spec.deletions === 'vanish' ? 'a full refresh soft-deletes exactly the vanished records' : 'the provider-reported ones are soft-deleted, and a full refresh finds nothing more'}`, async () => {
      // Synced, then changed at the provider and read incrementally (which applies reported deletions).
      await fullRead();
      const cursors = await sync();
      expect(cursors.status, cursors.error ?? '').toBe('COMPLETED');
      await applyChange(change);
      const changed = await sync();
      expect(changed.status, changed.error ?? '').toBe('COMPLETED');

      const before = await rowCounts(rt, connectionId, spec.mainStream);
      const full = await sync({ full_refresh: true });
      expect(full.status, full.error ?? '').toBe('COMPLETED');
      expect(countsOf(full, spec.mainStream)).toMatchObject({ created: 0, updated: 0, deleted: spec.deletions === 'vanish' ? change.delete : 0 });
      for (const stream of manifest.streams.filter((s) => s.name !== spec.mainStream)) expect(countsOf(full, stream.name).deleted, stream.name).toBe(0);
      const after = await rowCounts(rt, connectionId, spec.mainStream);
      expect(after.deleted).toBe(change.delete);
      expect(after.live).toBe(before.live - (spec.deletions === 'vanish' ? change.delete : 0));
      await expectTablesMatchSandbox();

      const again = await sync({ full_refresh: true });
      expect(again.status, again.error ?? '').toBe('COMPLETED');
      expect(again.totals).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 });
    });

    it('a cursor far in the future reads nothing', async () => {
      await fullRead();
      const patched = await rt.inject<unknown>({ method: 'PATCH', url: `/api/v1/connections/${connectionId}/state`, key, body: { stream: spec.mainStream, cursor: futureCursor } });
      expect(patched.status, JSON.stringify(patched.body)).toBe(200);
      const run = await sync({ streams: [spec.mainStream] });
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      const counts = countsOf(run, spec.mainStream);
      expect(counts.created + counts.updated + counts.unchanged, 'records read').toBe(0);
      expect(counts).toMatchObject({ deleted: 0, failed: 0 });
      // Clearing the cursors makes the next incremental run a full read again, and it still changes nothing.
      const cleared = await rt.inject<unknown>({ method: 'PATCH', url: `/api/v1/connections/${connectionId}/state`, key, body: { cursor: null } });
      expect(cleared.status).toBe(200);
      const resync = await sync({ streams: [spec.mainStream] });
      expect(countsOf(resync, spec.mainStream)).toMatchObject({ created: 0, updated: 0, unchanged: (await sandbox.counts())[spec.mainStream] });
    });

    it('client connector: a company_id connection syncs the client\'s own account beside the workspace\'s own', async () => {
      await fullRead();
      // company_id must name a company of the workspace: the client is a CRM company first.
      const company = await rt.inject<{ id: string }>({ method: 'POST', url: '/api/v1/companies', key, body: { name: 'Acceptance client', domain: `${spec.connector.replaceAll('_', '-')}-client.example` } });
      expect(company.status, JSON.stringify(company.body)).toBe(201);
      const companyId = company.body.id;
      const clientId = await install(rt, key, spec.connector, { name: `${spec.connector} for a client`, company_id: companyId, ...spec.credentials.good(clientSandbox) });
      const run = await syncAndWait(rt, key, clientId, { full_refresh: true }, runTimeout);
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      const expected = await clientSandbox.counts();
      for (const stream of manifest.streams) {
        expect((await rowCounts(rt, clientId, stream.name)).live, `client ${stream.name}`).toBe(expected[stream.name]);
      }
      const own = await sandbox.counts();
      for (const stream of manifest.streams) expect((await rowCounts(rt, connectionId, stream.name)).live, `own ${stream.name}`).toBe(own[stream.name]);
      // Two accounts, two data sets: the client's rows are its sandbox's, not a copy of the workspace's.
      const payloads = async (id: string) => {
        const out = new Set<string>();
        for await (const row of allRows(rt, id, spec.mainStream)) out.add(JSON.stringify(row.data));
        return out;
      };
      const mine = await payloads(connectionId);
      const theirs = await payloads(clientId);
      expect([...theirs].filter((p) => mine.has(p)).length, 'identical records in both accounts').toBeLessThan(theirs.size);
      const listed = await rt.inject<ConnectionList>({ method: 'GET', url: `/api/v1/connections?company_id=${companyId}`, key });
      expect(listed.status).toBe(200);
      expect(listed.body.data.map((c) => c.id)).toEqual([clientId]);
    });

    if (spec.oauth) {
      const oauthApp = spec.oauth;
      it('oauth: authorize → sandbox consent → callback → token exchange, a sync, and a refresh of an expired token', async () => {
        const started = await rt.inject<AuthorizeResponse>({
          method: 'POST',
          url: `/api/v1/oauth/${spec.connector}/authorize`,
          key,
          body: { name: `${spec.connector} via OAuth`, client_id: oauthApp.clientId, client_secret: oauthApp.clientSecret, config: oauthApp.config(sandbox) },
        });
        expect(started.status, started.raw).toBe(200);
        const consent = await fetch(started.body.authorize_url, { redirect: 'manual' });
        expect(consent.status, await consent.clone().text()).toBe(302);
        const landing = new URL(consent.headers.get('location')!);
        expect(landing.searchParams.get('error'), landing.searchParams.get('error_description') ?? '').toBeNull();
        expect(`${landing.origin}${landing.pathname}`).toBe(started.body.redirect_uri);
        const done = await rt.inject<unknown>({ method: 'GET', url: `${landing.pathname}${landing.search}` });
        expect(done.status, done.raw).toBe(200);
        const id = started.body.connection_id;
        const connection = await rt.inject<ConnectionView>({ method: 'GET', url: `/api/v1/connections/${id}`, key });
        expect(connection.body, JSON.stringify(connection.body)).toMatchObject({ status: 'connected' });

        const first = await syncAndWait(rt, key, id, { full_refresh: true }, runTimeout);
        expect(first.status, first.error ?? '').toBe('COMPLETED');
        const expected = await sandbox.counts();
        for (const stream of manifest.streams) expect((await rowCounts(rt, id, stream.name)).live, stream.name).toBe(expected[stream.name]);

        const stored = async () => {
          const row = await getConnectionById(rt.database.db, id);
          return rt.vault.decrypt<ConnectionSecrets>(row!.credentials!, id).oauth!;
        };
        const tokens = await stored();
        expect(tokens.access_token.length).toBeGreaterThan(8);
        if (tokens.refresh_token === undefined) return; // a provider whose tokens never expire (GitHub apps, Slack bots)
        const expire = await fetch(`${sandbox.url}/_sandbox/oauth/expire`, { method: 'POST' });
        expect(expire.status).toBe(200);
        const second = await syncAndWait(rt, key, id, {}, runTimeout);
        expect(second.status, second.error ?? '').toBe('COMPLETED');
        expect((await stored()).access_token, 'a refreshed access token').not.toBe(tokens.access_token);
        for (const stream of manifest.streams) expect((await rowCounts(rt, id, stream.name)).live, stream.name).toBe(expected[stream.name]);
      });
    }

    it('never lets a credential reach a log line', async () => {
      // Whatever ran before: at least a refused verify and a whole sync are in the logs.
      const refused = await rt.inject<ProbeResponse>({ method: 'POST', url: `/api/v1/connectors/${spec.connector}/verify`, key, body: spec.credentials.bad(sandbox) });
      expect(refused.body.ok).toBe(false);
      await fullRead();
      const everything = rt.logLines.join('\n');
      for (const input of [spec.credentials.good(sandbox), spec.credentials.bad(sandbox)]) {
        for (const value of Object.values(input.fields)) if (value.length >= 8) expect(everything).not.toContain(value);
      }
    });
  });
}
