import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import {
  createMicrosoftSandbox,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET,
  type MicrosoftSandboxHandle,
} from '../src/connectors/microsoft/sandbox/index.js';
import { queryRows } from '../src/db/db.js';
import { getConnectionById } from '../src/db/queries/connections.js';
import type { ConnectionSecrets } from '../src/services/credentials/connection-secrets.js';
import { databaseKinds } from './support/databases.js';
import { rowCounts } from './support/record-rows.js';
import { install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const TOKEN = 'ghp_variants_token_0123456789abcdef0000';

/**
 * Variants (`POST /connections/:id/variants`): a group of connections sharing one set of credentials — changes
 * to them reach every member, OAuth refreshes included — and, by default, one set of tables.
 */
describe.each(databaseKinds)('connection variants on %s', (kind) => {
  let github: GithubSandboxHandle;
  let microsoft: MicrosoftSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let baseId: string;

  beforeAll(async () => {
    github = await createGithubSandbox({ port: 0, records: 300, seed: 31, token: TOKEN });
    microsoft = await createMicrosoftSandbox({ port: 0, records: 40, seed: 5 });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(github.url).host, new URL(microsoft.url).host] });
    key = rt.bootstrap!.apiKey;
    baseId = await install(rt, key, 'github', { name: 'Acme GitHub', fields: { token: TOKEN }, config: { base_url: github.url } });
  });
  afterAll(async () => {
    await rt?.stop();
    await github?.close();
    await microsoft?.close();
  });

  const variant = (id: string, body: object) => rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/variants`, key, body });
  const secretsOf = async (id: string) => {
    const row = await getConnectionById(rt.database.db, id);
    return rt.vault.decrypt<ConnectionSecrets>(row!.credentials!, id);
  };
  const connectionIdsIn = async (table: string) => {
    const rows = await queryRows<{ connection_id: string; n: number | string }>(
      rt.database.db,
      sql`select connection_id, count(*) as n from ${sql.identifier(rt.bootstrap!.dataSchema)}.${sql.identifier(table)} group by connection_id`,
    );
    return new Map(rows.map((r) => [r.connection_id, Number(r.n)]));
  };

  it('creates variants in a group with sequential labels, refuses a duplicate label, and only for admins', async () => {
    const first = await variant(baseId, {});
    expect(first.status, first.raw).toBe(201);
    expect(first.body).toMatchObject({ connector: 'github', variant_group_id: baseId, variant_label: '2', name: 'Acme GitHub (2)', status: 'connected' });
    const base = await rt.inject({ method: 'GET', url: `/api/v1/connections/${baseId}`, key });
    expect(base.body).toMatchObject({ variant_group_id: baseId, variant_label: '1' });
    // A variant of a variant joins the same group.
    const third = await variant(first.body.id, { variant_label: 'EU', name: 'Acme GitHub Europe' });
    expect(third.body).toMatchObject({ variant_group_id: baseId, variant_label: 'EU', name: 'Acme GitHub Europe' });
    const duplicate = await variant(baseId, { variant_label: 'eu' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error).toMatchObject({ code: 'conflict', field: 'variant_label' });
    const member: string = (await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key, body: { name: 'm', role: 'manager' } })).body.key;
    expect((await rt.inject({ method: 'POST', url: `/api/v1/connections/${baseId}/variants`, key: member, body: {} })).status).toBe(403);
    const bad = await variant(baseId, { config: { nonsense: true } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.field).toBe('config.nonsense');
    // The credentials are the base's, never shown.
    expect(first.raw).not.toContain(TOKEN);
    expect((await secretsOf(first.body.id)).fields).toEqual({ token: TOKEN });
  });

  it('shares the tables by default; createOwnTables gives a variant tables of its own', async () => {
    const shared = await variant(baseId, { variant_label: 'shared' });
    const own = await variant(baseId, { variant_label: 'Own 2024', config: { createOwnTables: true } });
    expect(own.status, own.raw).toBe(201);
    for (const id of [baseId, shared.body.id, own.body.id]) expect((await syncAndWait(rt, key, id, { full_refresh: true })).status).toBe('COMPLETED');
    const issues = github.info().counts.issues;
    const sharedTable = await connectionIdsIn('github_issues');
    expect(sharedTable.get(baseId)).toBe(issues);
    expect(sharedTable.get(shared.body.id)).toBe(issues);
    expect(sharedTable.has(own.body.id)).toBe(false);
    expect((await connectionIdsIn('github_issues__own_2024')).get(own.body.id)).toBe(issues);
    // The records API and the helpers read each from where it lands.
    expect((await rowCounts(rt, own.body.id, 'issues')).live).toBe(issues);
    const page = await rt.inject({ method: 'GET', url: `/api/v1/connections/${own.body.id}/records/issues?limit=5`, key });
    expect(page.body.data).toHaveLength(5);
  });

  it('new credentials on one member reach every member of the group', async () => {
    const group = (await rt.inject({ method: 'GET', url: '/api/v1/connections?include_all=1&limit=100', key })).body.data.filter((c: { variant_group_id: string | null }) => c.variant_group_id === baseId);
    expect(group.length).toBeGreaterThanOrEqual(4);
    const rotated = 'ghp_rotated_token_0000000000000000000000';
    const patched = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${group[1].id}`, key, body: { fields: { token: rotated } } });
    expect(patched.status, patched.raw).toBe(200);
    for (const member of group) expect((await secretsOf(member.id)).fields.token, member.variant_label).toBe(rotated);
    await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${baseId}`, key, body: { fields: { token: TOKEN } } });
    for (const member of group) expect((await secretsOf(member.id)).fields.token).toBe(TOKEN);
  });

  it('an OAuth refresh with a rotating refresh token on one variant keeps the others working', async () => {
    const config = { ...microsoft.connectConfig };
    const started = await rt.inject({
      method: 'POST',
      url: '/api/v1/oauth/microsoft/authorize',
      key,
      body: { name: 'Mail', client_id: DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, client_secret: DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, config },
    });
    expect(started.status, started.raw).toBe(200);
    const consent = await fetch(started.body.authorize_url, { redirect: 'manual' });
    const landing = new URL(consent.headers.get('location')!);
    expect((await rt.inject({ method: 'GET', url: `${landing.pathname}${landing.search}` })).status).toBe(200);
    const mailId = started.body.connection_id as string;
    const other = await variant(mailId, {});
    expect(other.status, other.raw).toBe(201);
    expect(other.body.status).toBe('connected');

    // Microsoft rotates refresh tokens: after one variant refreshes, the token the other held is spent.
    await fetch(`${microsoft.url}/_sandbox/oauth/expire`, { method: 'POST' });
    const before = (await secretsOf(mailId)).oauth!;
    expect((await syncAndWait(rt, key, mailId, { full_refresh: true })).status).toBe('COMPLETED');
    const after = (await secretsOf(mailId)).oauth!;
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect((await secretsOf(other.body.id)).oauth).toEqual(after);
    const second = await syncAndWait(rt, key, other.body.id, { full_refresh: true });
    expect(second.status, second.error ?? '').toBe('COMPLETED');
  });
});
