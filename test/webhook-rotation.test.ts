import { updateConnectionById } from '../src/db/queries/connections.js';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { connections } from '../src/db/schema.js';
import { databaseKinds } from './support/databases.js';
import { install } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * POST /connections/:id/webhook-url/rotate: a new trigger URL revealed once, the old one honoured for a grace
 * period, then refused exactly like a token that never existed. No worker runs: a trigger that is accepted leaves a
 * PENDING run (202), which is all these tests need to tell an accepted token from a refused one.
 */
const DAY = 24 * 60 * 60;

describe.each(databaseKinds)('webhook URL rotation on %s', (kind) => {
  let rt: TestRuntime;
  let owner: string;
  let workspaceId: string;
  const keys = {} as Record<'viewer' | 'member' | 'manager' | 'admin', { key: string; id: string }>;

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false, config: { allowedHosts: ['github=ghe.example.com'] } });
    owner = rt.bootstrap!.apiKey;
    workspaceId = rt.bootstrap!.workspaceId;
    for (const role of ['viewer', 'member', 'manager', 'admin'] as const) {
      const res = await rt.inject({ method: 'POST', url: '/api/v1/api-keys', key: owner, body: { name: role, role } });
      keys[role] = { key: res.body.key, id: res.body.id };
    }
  });
  afterAll(async () => rt?.stop());

  // Nothing answers at ghe.example.com: saved unverified, then marked connected as a verified install would be,
  // since a webhook trigger only starts runs of connected connections.
  const connect = async (name: string) => {
    const id = await install(rt, owner, 'github', { name, fields: { token: 'ghp_rotation_tests_token_000' }, config: { base_url: 'https://ghe.example.com/api/v3' }, verify: false });
    await updateConnectionById(rt.database.db, id, { status: 'connected' });
    return id;
  };
  const tokenOf = (url: string) => /\/api\/v1\/webhooks\/([^/?#]+)$/.exec(url)![1]!;
  const reveal = async (id: string) => tokenOf((await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url`, key: owner })).body.webhook_url);
  const rotate = (id: string, body?: unknown, key = keys.admin.key) => rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url/rotate`, key, ...(body === undefined ? {} : { body }) });
  const trigger = (token: string) => rt.inject({ method: 'POST', url: `/api/v1/webhooks/${token}` });
  /** As if the grace period had run out: its end moved into the past, by the database's clock like the check. */
  const endGrace = (id: string) => rt.database.db.update(connections).set({ previousWebhookTokenExpiresAt: new Date(Date.now() - 1000) }).where(eq(connections.id, id));

  it('admins rotate; the new URL is revealed once (no-store); the old one keeps working for the default day, then answers like an unknown token', async () => {
    const id = await connect('rotated');
    const old = await reveal(id);
    for (const role of ['viewer', 'member', 'manager'] as const) {
      const denied = await rotate(id, {}, keys[role].key);
      expect(denied.status, role).toBe(403);
    }
    expect((await trigger(old)).status).toBe(202);

    const before = Date.now();
    const rotated = await rotate(id);
    expect(rotated.status, rotated.raw).toBe(200);
    expect(rotated.headers['cache-control']).toBe('no-store');
    const fresh = tokenOf(rotated.body.webhook_url);
    expect(fresh).not.toBe(old);
    expect(fresh).toMatch(/^whk_/);
    expect(rotated.body).toMatchObject({ grace_period_seconds: DAY, token_prefix: `${fresh.slice(0, 8)}…` });
    expect(rotated.body.curl_example).toContain(rotated.body.webhook_url);
    const expires = Date.parse(rotated.body.previous_url_expires_at);
    expect(expires).toBeGreaterThanOrEqual(before + DAY * 1000 - 5_000);
    expect(expires).toBeLessThanOrEqual(Date.now() + DAY * 1000 + 5_000);
    expect(rotated.raw).not.toContain(old);

    // Both work during the grace period; a reveal now shows the new URL only.
    expect((await trigger(fresh)).status).toBe(202);
    expect((await trigger(old)).status).toBe(202);
    expect(await reveal(id)).toBe(fresh);

    // Audit: who and the grace, never a token.
    const audit = (await listAuditLog(rt.database.db, workspaceId, id)).filter((r) => r.action === 'connection.webhook_url.rotate');
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ actorKeyId: keys.admin.id, targetType: 'connection', data: expect.objectContaining({ grace_period_seconds: DAY, ended_earlier_grace: false }) });
    expect(audit[0]!.at).toBeInstanceOf(Date);
    for (const t of [old, fresh]) {
      expect(JSON.stringify(audit[0])).not.toContain(t.slice(4, 16));
      expect(rt.logLines.join('')).not.toContain(t.slice(4));
    }

    await endGrace(id);
    const unknown = await trigger(`whk_${'0'.repeat(43)}`);
    const expired = await trigger(old);
    expect(expired.status).toBe(404);
    expect(expired.body.error.code).toBe(unknown.body.error.code);
    expect(expired.body.error.message).toBe(unknown.body.error.message);
    expect((await trigger(fresh)).status).toBe(202);
  });

  it('rotating again during a grace period: the newest previous URL gets the new grace, the older one dies at once', async () => {
    const id = await connect('rotated twice');
    const first = await reveal(id);
    const second = tokenOf((await rotate(id, { grace_period_seconds: 3600 })).body.webhook_url);
    const again = await rotate(id, { grace_period_seconds: 600 });
    expect(again.status).toBe(200);
    const third = tokenOf(again.body.webhook_url);
    expect(Date.parse(again.body.previous_url_expires_at)).toBeLessThanOrEqual(Date.now() + 600_000 + 5_000);
    expect((await trigger(first)).status).toBe(404);
    expect((await trigger(second)).status).toBe(202);
    expect((await trigger(third)).status).toBe(202);
    const audit = (await listAuditLog(rt.database.db, workspaceId, id)).filter((r) => r.action === 'connection.webhook_url.rotate');
    expect(audit.map((r) => (r.data as Record<string, unknown>)['ended_earlier_grace'])).toEqual([true, false]);
  });

  it('a grace period of 0 ends the old URL now; bad grace periods are refused and change nothing', async () => {
    const id = await connect('rotated now');
    const old = await reveal(id);
    for (const body of [{ grace_period_seconds: -1 }, { grace_period_seconds: 7 * DAY + 1 }, { grace_period_seconds: 1.5 }, { grace_period_seconds: '60' }, { grace: 60 }]) {
      const refused = await rotate(id, body);
      if ('grace' in body) {
        // Unknown keys are ignored, as everywhere in the API: this one is a rotation with the default grace.
        expect(refused.status).toBe(200);
        continue;
      }
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.body.error.code).toBe('validation_failed');
      expect(await reveal(id)).toBe(old);
    }
    const current = await reveal(id);
    const now = await rotate(id, { grace_period_seconds: 0 });
    expect(now.status).toBe(200);
    expect(now.body).toMatchObject({ grace_period_seconds: 0, previous_url_expires_at: null });
    expect((await trigger(current)).status).toBe(404);
    // The default rotation before this one (the "grace" body) had left `old` in its grace: 0 ended that too.
    expect((await trigger(old)).status).toBe(404);
    expect((await trigger(tokenOf(now.body.webhook_url))).status).toBe(202);
  });

  it("another workspace cannot rotate (404) and the connection's URL stays as it was", async () => {
    const id = await connect('not yours');
    const before = await reveal(id);
    const other = (await rt.workspace('owner')).apiKey;
    const refused = await rotate(id, {}, other);
    expect(refused.status).toBe(404);
    expect(await reveal(id)).toBe(before);
    expect((await trigger(before)).status).toBe(202);
  });
});
