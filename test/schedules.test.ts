import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../src/core/api-key-hash.js';
import { listAuditLog } from '../src/db/queries/audit-log.js';
import { getConnectionById, updateConnectionById } from '../src/db/queries/connections.js';
import { insertApiKey } from '../src/db/queries/workspaces.js';
import { connections } from '../src/db/schema.js';
import { enqueueDueRuns } from '../src/services/runs/enqueue-due-runs.js';
import { TICK_QUEUE } from '../src/jobs/scheduler.js';
import type { Role } from '../src/contracts/roles.js';
import { databaseKinds } from './support/databases.js';
import { eventually, install } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

/**
 * What starts runs besides a user: schedules (the pg-boss cron tick, or an external cron calling GET /cron),
 * run-all, and the webhook trigger URL. No worker runs here, so every run stays PENDING: that is what lets
 * the tests see "an active run is not doubled".
 */
const CRON_SECRET = 'cron_secret_for_tests_0123456789';
const MINUTE = 60_000;

describe.each(databaseKinds)('schedules and triggers on %s', (kind) => {
  let rt: TestRuntime;
  let owner: string;
  let workspaceId: string;
  const keys = {} as Record<'viewer' | 'member' | 'admin', { key: string; id: string }>;
  const streamsOf = (connectorId: string) => rt.catalog.get(connectorId).manifest.streams.map((s) => s.name);

  beforeAll(async () => {
    rt = await startTestRuntime(kind, { worker: false, env: { cronSecret: CRON_SECRET }, config: { allowedHosts: ['github=ghe.example.com'] } });
    owner = rt.bootstrap!.apiKey;
    workspaceId = rt.bootstrap!.workspaceId;
    for (const role of ['viewer', 'member', 'admin'] as const satisfies readonly Role[]) {
      const key = `trb_${role}_key_for_schedule_tests_000000`;
      const id = `key_${role}_schedules`;
      await insertApiKey(rt.database.db, { id, workspaceId, name: role, prefix: key.slice(0, 8), hash: hashToken(key), role });
      keys[role] = { key, id };
    }
  });
  afterAll(async () => rt?.stop());

  // Nothing answers on the example host, so the install is unverified (pending); the tests are about what
  // starts runs of connected connections, so each is then marked connected as a passing check would.
  const connect = async (name: string, schedule: unknown = { every_minutes: 5 }) => {
    const id = await install(rt, owner, 'github', { name, fields: { token: 'ghp_schedule_tests_token_000' }, config: { base_url: 'https://ghe.example.com/api/v3' }, schedule, verify: false });
    await updateConnectionById(rt.database.db, id, { status: 'connected' });
    return id;
  };
  const setNextSyncAt = (id: string, at: Date | null) => rt.database.db.update(connections).set({ nextSyncAt: at }).where(eq(connections.id, id));
  const nextSyncAt = async (id: string) => (await getConnectionById(rt.database.db, id))!.nextSyncAt;
  const runsOf = async (id: string) => (await rt.inject({ method: 'GET', url: `/api/v1/connections/${id}/runs?limit=100`, key: owner })).body.data as any[];

  it('a schedule sets next_sync_at; the pg-boss cron tick is registered and its handler starts due runs', async () => {
    const before = Date.now();
    const id = await connect('ticked');
    const next = await nextSyncAt(id);
    expect(next!.getTime()).toBeGreaterThanOrEqual(before + 5 * MINUTE - 1000);
    expect(next!.getTime()).toBeLessThanOrEqual(Date.now() + 5 * MINUTE + 1000);

    const schedules = await rt.boss.getSchedules();
    expect(schedules).toEqual(expect.arrayContaining([expect.objectContaining({ name: TICK_QUEUE, cron: '* * * * *' })]));

    // A tick now instead of at the next minute: whichever process takes it enqueues the due runs.
    await setNextSyncAt(id, new Date(Date.now() - MINUTE));
    await rt.boss.send(TICK_QUEUE);
    const runs = await eventually(async () => {
      const found = await runsOf(id);
      return found.length > 0 ? found : undefined;
    }, 'the tick to start the due run', 20_000, 200);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', mode: 'incremental', status: 'PENDING' });
    expect(runs[0].streams.map((s: { stream: string }) => s.stream)).toEqual(streamsOf('github'));
    expect((await nextSyncAt(id))!.getTime()).toBeGreaterThan(Date.now());

    // From here on the tests drive enqueueDueRuns themselves; a cron tick landing meanwhile would race them.
    await rt.boss.offWork(TICK_QUEUE);
  });

  it('enqueueDueRuns starts a due connection once, moves its slot on by 5 minutes, and leaves the rest alone', async () => {
    const now = new Date();
    const due = await connect('due');
    const overdue = await connect('long overdue');
    const notDue = await connect('not due');
    const unscheduled = await connect('no schedule', null);
    const disabled = await connect('disabled');
    const dueAt = new Date(now.getTime() - MINUTE);
    await setNextSyncAt(due, dueAt);
    await setNextSyncAt(overdue, new Date(now.getTime() - 24 * 60 * MINUTE));
    const notDueAt = await nextSyncAt(notDue);
    expect(await nextSyncAt(unscheduled)).toBeNull();
    await setNextSyncAt(disabled, dueAt);
    await updateConnectionById(rt.database.db, disabled, { status: 'disabled' });

    const result = await enqueueDueRuns(rt.services, streamsOf, now);
    expect(result).toEqual({ triggered: 2, skipped: 0, connections: expect.arrayContaining([due, overdue]) });
    expect(result.connections).toHaveLength(2);
    for (const id of [due, overdue]) {
      const runs = await runsOf(id);
      expect(runs).toHaveLength(1);
      expect(runs[0]).toMatchObject({ trigger: 'schedule', mode: 'incremental', status: 'PENDING' });
    }
    // The next slot: one period after the one that fired; a slot missed long ago fires once, then one period from now.
    expect((await nextSyncAt(due))!.getTime()).toBe(dueAt.getTime() + 5 * MINUTE);
    expect((await nextSyncAt(overdue))!.getTime()).toBe(now.getTime() + 5 * MINUTE);
    for (const id of [notDue, unscheduled, disabled]) expect(await runsOf(id), id).toEqual([]);
    expect(await nextSyncAt(notDue)).toEqual(notDueAt);

    // Nothing is due any more: a second pass at the same instant does nothing.
    expect(await enqueueDueRuns(rt.services, streamsOf, now)).toEqual({ triggered: 0, skipped: 0, connections: [] });
  });

  it('a due connection whose run is still active is counted as skipped, not doubled', async () => {
    const id = await connect('busy');
    const first = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/runs`, key: owner, body: {} });
    expect(first.status).toBe(202);
    const now = new Date();
    await setNextSyncAt(id, new Date(now.getTime() - MINUTE));
    const result = await enqueueDueRuns(rt.services, streamsOf, now);
    expect(result).toEqual({ triggered: 0, skipped: 1, connections: [] });
    const runs = await runsOf(id);
    expect(runs.map((r) => r.id)).toEqual([first.body.run.id]);
    // Its slot still moves on, so it is not retried on every tick.
    expect((await nextSyncAt(id))!.getTime()).toBeGreaterThan(now.getTime());
  });

  it('GET /cron enqueues due runs with the secret, and refuses without it', async () => {
    const id = await connect('external cron');
    const now = Date.now();
    await setNextSyncAt(id, new Date(now - MINUTE));

    const attempts: Record<string, string>[] = [{}, { authorization: 'Bearer wrong_secret_000000000000' }, { 'x-cron-secret': 'nope' }, { authorization: `Basic ${CRON_SECRET}` }];
    for (const headers of attempts) {
      const refused = await rt.inject({ method: 'GET', url: '/api/v1/cron', headers });
      expect(refused.status, JSON.stringify(headers)).toBe(401);
      expect(refused.body.error.code).toBe('unauthorized');
    }
    expect(await runsOf(id)).toEqual([]);

    const res = await rt.inject({ method: 'GET', url: '/api/v1/cron', headers: { authorization: `Bearer ${CRON_SECRET}` } });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ triggered: 1, skipped: 0, connections: [id] });
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ trigger: 'schedule', status: 'PENDING' });
    expect((await nextSyncAt(id))!.getTime()).toBe(now - MINUTE + 5 * MINUTE);

    // The header form works too; nothing is due now.
    const again = await rt.inject({ method: 'GET', url: '/api/v1/cron', headers: { 'x-cron-secret': CRON_SECRET } });
    expect(again.body).toEqual({ triggered: 0, skipped: 0, connections: [] });

    const off = await startTestRuntime(kind, { worker: false });
    try {
      const res403 = await off.inject({ method: 'GET', url: '/api/v1/cron', headers: { authorization: `Bearer ${CRON_SECRET}` } });
      expect(res403.status).toBe(403);
      expect(res403.body.error.code).toBe('forbidden');
    } finally {
      await off.stop();
    }
  });

  it('reveals the webhook URL to admins only (no-store, audit-logged), and the URL starts a webhook run', async () => {
    const id = await connect('webhook', null);
    for (const role of ['viewer', 'member'] as const) {
      const denied = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url`, key: keys[role].key });
      expect(denied.status, role).toBe(403);
      expect(denied.body.error.code).toBe('forbidden');
    }
    expect(await listAuditLog(rt.database.db, workspaceId, id)).toEqual([]);

    const revealed = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url`, key: keys.admin.key });
    expect(revealed.status).toBe(200);
    expect(revealed.headers['cache-control']).toBe('no-store');
    const match = /\/api\/v1\/webhooks\/([^/?#]+)$/.exec(revealed.body.webhook_url);
    expect(match, revealed.body.webhook_url).not.toBeNull();
    const token = match![1]!;
    expect(revealed.body.token_prefix).toBe(`${token.slice(0, 8)}…`);
    expect(revealed.body.curl_example).toContain(revealed.body.webhook_url);
    // Revealing again shows the same URL, and each reveal is logged with who asked.
    const again = await rt.inject({ method: 'POST', url: `/api/v1/connections/${id}/webhook-url`, key: owner });
    expect(again.body.webhook_url).toBe(revealed.body.webhook_url);
    const audit = await listAuditLog(rt.database.db, workspaceId, id);
    expect(audit).toHaveLength(2);
    for (const row of audit) expect(row).toMatchObject({ action: 'connection.webhook_url.reveal', targetType: 'connection', targetId: id });
    expect(audit.map((r) => r.actorKeyId).sort()).toEqual([keys.admin.id, rt.bootstrap!.keyId].sort());
    for (const row of audit) expect(JSON.stringify(row.data ?? {})).not.toContain(token);

    const wrong = await rt.inject({ method: 'POST', url: `/api/v1/webhooks/whk_${'0'.repeat(40)}` });
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.code).toBe('not_found');
    expect(await runsOf(id)).toEqual([]);

    const triggered = await rt.inject({ method: 'POST', url: `/api/v1/webhooks/${token}` });
    expect(triggered.status).toBe(202);
    expect(triggered.body).toMatchObject({ success: true, existing: false, message: 'Sync triggered' });
    const runs = await runsOf(id);
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ id: triggered.body.run_id, trigger: 'webhook', mode: 'incremental', status: 'PENDING' });
    // While that run is active, the webhook returns it instead of starting another.
    const twice = await rt.inject({ method: 'POST', url: `/api/v1/webhooks/${token}` });
    expect(twice.status).toBe(202);
    expect(twice.body).toMatchObject({ existing: true, run_id: triggered.body.run_id });
    expect(await runsOf(id)).toHaveLength(1);
  });

  it('run-all starts every idle connection (admin only) and skips active ones', async () => {
    for (const role of ['viewer', 'member'] as const) {
      expect((await rt.inject({ method: 'POST', url: '/api/v1/run-all', key: keys[role].key })).status, role).toBe(403);
    }
    const idle = await connect('idle', null);
    const list = (await rt.inject({ method: 'GET', url: '/api/v1/connections?limit=100', key: owner })).body.data as any[];
    const eligible = list.filter((c) => c.status !== 'disabled');
    const active = new Set<string>();
    for (const c of eligible) if ((await runsOf(c.id)).some((r) => r.status === 'PENDING' || r.status === 'RUNNING')) active.add(c.id);
    expect(active.has(idle)).toBe(false);
    expect(active.size).toBeGreaterThan(0);

    const res = await rt.inject({ method: 'POST', url: '/api/v1/run-all', key: keys.admin.key });
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ count: eligible.length - active.size, skipped: active.size });
    expect(res.body.run_ids).toHaveLength(res.body.count);
    expect(res.body.message).toMatch(/^Enqueued \d+ sync\(s\)/);
    const idleRuns = await runsOf(idle);
    expect(idleRuns).toHaveLength(1);
    expect(idleRuns[0]).toMatchObject({ trigger: 'run_all', status: 'PENDING' });
    expect(res.body.run_ids).toContain(idleRuns[0].id);
    for (const id of active) expect((await runsOf(id)).filter((r) => r.status === 'PENDING')).toHaveLength(1);

    // Everything is active now: a second run-all starts nothing.
    const second = await rt.inject({ method: 'POST', url: '/api/v1/run-all', key: owner });
    expect(second.body).toMatchObject({ run_ids: [], count: 0, skipped: eligible.length });
  });

  it('GET /status lists every connection of the workspace with its health', async () => {
    const broken = await connect('broken', null);
    await updateConnectionById(rt.database.db, broken, { status: 'error', lastSyncStatus: 'FAILED', lastSyncError: 'rate_limited: GET /user/repos returned 429' });
    const other = await rt.workspace('owner');
    await install(rt, other.apiKey, 'github', { name: 'elsewhere', fields: { token: 'ghp_other_workspace_000' }, verify: false });

    const list = (await rt.inject({ method: 'GET', url: '/api/v1/connections?limit=100', key: owner })).body.data as any[];
    const res = await rt.inject({ method: 'GET', url: '/api/v1/status', key: keys.viewer.key });
    expect(res.status).toBe(200);
    expect(res.body.data.map((c: { id: string }) => c.id).sort()).toEqual(list.map((c) => c.id).sort());
    for (const item of res.body.data) {
      expect(item.healthy, item.name).toBe(item.status === 'connected' || item.status === 'syncing');
      expect(Object.keys(item)).toEqual(expect.arrayContaining(['id', 'connector', 'name', 'status', 'last_sync_at', 'last_sync_status', 'last_sync_error', 'latest_counts']));
    }
    const brokenItem = res.body.data.find((c: { id: string }) => c.id === broken);
    expect(brokenItem).toMatchObject({ status: 'error', healthy: false, last_sync_status: 'FAILED', last_sync_error: expect.stringMatching(/429/) });
    expect(res.body.data.find((c: { status: string }) => c.status === 'disabled')).toMatchObject({ healthy: false });
    const healthy = res.body.data.filter((c: { healthy: boolean }) => c.healthy).length;
    expect(res.body).toMatchObject({ healthy, unhealthy: res.body.data.length - healthy });
    expect(res.body.data.some((c: { name: string }) => c.name === 'elsewhere')).toBe(false);
  });
});
