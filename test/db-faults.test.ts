import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGithubSandbox, type GithubSandboxHandle } from '../src/connectors/github/sandbox/index.js';
import { queryRows } from '../src/db/db.js';
import { transientDbReason } from '../src/core/transient-error.js';
import { SYNC_QUEUE } from '../src/jobs/job-queue.js';
import { databaseKinds, testDatabaseUrl } from './support/databases.js';
import { injectDbFaults } from './support/db-fault-injector.js';
import { sandboxIssueIds } from './support/github-sandbox-ids.js';
import { rowCounts, rowIds } from './support/record-rows.js';
import { countsOf, eventually, install, runLogMessages, startRun, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

/**
 * The database going away under a sync: a lost connection, an admin shutdown, a deadlock or a serialization
 * failure is healed where it happens (the statement is retried; a write whose answer was lost is detected by
 * what it wrote, never applied twice), and a database that stays away longer ends the attempt as a retryable
 * failure that resumes from its checkpoint. Either way the run completes with exactly the provider's records.
 *
 * The first suite injects the faults through the database port, the same on PGlite and PostgreSQL (PGlite has no
 * backends to lose: this is how its code path, the same one, is exercised). The second terminates PostgreSQL's
 * real backends with `pg_terminate_backend`, mid-sync and while pg-boss polls.
 */
const TOKEN = 'ghp_db_faults_token_0123456789abcdefghij';
const COMMIT = /upserted as \(insert into/;

/** A finished run's log, once its last line is in (a run is COMPLETED a moment before its final log lines land). */
async function finalLogs(rt: TestRuntime, key: string, runId: string): Promise<string[]> {
  return eventually(async () => {
    const logs = await runLogMessages(rt, key, runId);
    return logs.some((m) => /^Run (completed|failed)/.test(m)) ? logs : null;
  }, 'the run’s final log line');
}

/** Healed-fault lines of a run's log, and the total it reported. */
function healedOf(logs: string[]): { retries: number; reported: number } {
  const retries = logs.filter((m) => /^Database .+ failed \(/.test(m)).length;
  const reported = logs
    .map((m) => /^Healed (\d+) transient database faults? during this attempt/.exec(m))
    .reduce((sum, match) => sum + (match ? Number(match[1]) : 0), 0);
  return { retries, reported };
}

describe.each(databaseKinds)('database faults injected through the database port on %s', (kind) => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let providerIds: string[];

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 3000, seed: 31, token: TOKEN, rateLimit: 10_000_000 });
    rt = await startTestRuntime(kind, {
      allowPrivateHosts: [new URL(sandbox.url).host],
      // Small batches: a dozen commits per stream to fail; short waits between database retries.
      engine: { batchSize: 250, dbRetry: { attempts: 4, baseDelayMs: 20, maxDelayMs: 100 } },
    });
    key = rt.bootstrap!.apiKey;
    // A job retry (the database stayed away) resumes after 1 s instead of the production 5 s and more.
    await rt.boss.updateQueue(SYNC_QUEUE, { retryDelay: 1, retryBackoff: false });
    await rt.boss.findJobs(SYNC_QUEUE, { key: 'warm-the-queue-cache' });
    providerIds = [...(await sandboxIssueIds(sandbox))].sort();
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const connect = (name: string) => install(rt, key, 'github', { name, fields: { token: TOKEN }, config: { base_url: sandbox.url } });

  const expectExact = async (run: any, connectionId: string, healedInPlace: boolean) => {
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    const total = sandbox.info().counts.issues;
    expect(countsOf(run, 'issues')).toMatchObject({ status: 'COMPLETED', created: total, updated: 0, deleted: 0, failed: 0 });
    // Healed in place, nothing is read twice: `unchanged: 0` means no committed batch was sent and counted again.
    // A resumed attempt re-reads what followed the last checkpoint: at most a batch and a page (of 100).
    expect(countsOf(run, 'issues').unchanged).toBeLessThanOrEqual(healedInPlace ? 0 : 250 + 100);
    const ids = await rowIds(rt, connectionId, 'issues', true);
    expect(new Set(ids).size, 'no duplicates').toBe(ids.length);
    expect([...ids].sort(), 'exactly the provider’s records').toEqual(providerIds);
    expect(await rowCounts(rt, connectionId, 'issues')).toEqual({ live: total, deleted: 0 });
  };

  it('an API request that meets a transient database failure gets 503 database_unavailable with Retry-After; the retry succeeds', async () => {
    const injector = injectDbFaults(rt.database.db, [{ statement: /from "connections"/i, when: 'before', error: 'admin_shutdown' }]);
    try {
      const res = await rt.inject({ method: 'GET', url: '/api/v1/connections', key });
      expect(res.status, res.raw).toBe(503);
      expect(res.body.error.code).toBe('database_unavailable');
      expect(res.headers['retry-after']).toBe('1');
    } finally {
      injector.restore();
    }
    expect(injector.pending(), 'the fault was met').toBe(0);
    expect((await rt.inject({ method: 'GET', url: '/api/v1/connections', key })).status).toBe(200);
  });

  it('heals in place: commits that fail before running or whose answer is lost, a deadlock, a serialization failure, a lost completion and bookkeeping', async () => {
    const connectionId = await connect('healed in place');
    const injector = injectDbFaults(rt.database.db, [
      { statement: COMMIT, when: 'before', error: 'admin_shutdown', skip: 1 },
      // Committed on the server, answer lost: the run row's counts show it landed; it is not sent again.
      { statement: COMMIT, when: 'after', error: 'connection_lost', skip: 1 },
      { statement: COMMIT, when: 'before', error: 'deadlock', skip: 1 },
      { statement: COMMIT, when: 'after', error: 'admin_shutdown', skip: 2 },
      { statement: COMMIT, when: 'before', error: 'serialization_failure' },
      // The completion of the full refresh, committed and its answer lost: sent again, it would find its seen-set
      // cleared and soft-delete every row. Its COMPLETED mark shows it landed.
      { statement: /seen_batches b cross join lateral/, when: 'after', error: 'connection_lost' },
      // The run's claim (it counts the attempt: after a lost answer, the run row shows it landed) and the
      // bookkeeping at the end: the COMPLETED transition and the connection's status.
      { statement: /^update "runs" set (?=.*"attempts")/, when: 'after', error: 'connection_lost' },
      { statement: /^update "runs" set "status" = \$1, "error" = \$2, "completed_at"/, when: 'after', error: 'connection_lost' },
      { statement: /^update "connections" set "status"/, when: 'before', error: 'admin_shutdown', skip: 1 },
    ]);
    let run: any;
    let logs: string[];
    try {
      run = await syncAndWait(rt, key, connectionId, { streams: ['issues'], full_refresh: true }, 120_000);
      // The run's last statements follow its COMPLETED mark: the faults stay armed until its last log line.
      logs = await finalLogs(rt, key, run.id);
    } finally {
      injector.restore();
    }
    expect(injector.pending(), `met: ${injector.injected.join('; ')}`).toBe(0);
    await expectExact(run, connectionId, true);
    // Healed within the one attempt: no job retry, no resume.
    expect(run.attempts, logs.join('\n')).toBe(1);
    const { retries, reported } = healedOf(logs);
    expect(retries, logs.join('\n')).toBeGreaterThanOrEqual(9);
    expect(reported).toBe(retries);
    const connection = (await rt.inject({ method: 'GET', url: `/api/v1/connections/${connectionId}`, key })).body;
    expect(connection).toMatchObject({ status: 'connected', last_sync_status: 'COMPLETED' });
  });

  it('a database away for longer than the retries ends the attempt as retryable; the next attempt resumes from the checkpoint', async () => {
    const connectionId = await connect('resumed');
    // Four attempts in place (the policy above), all failing: the fifth commit gives up, the job is retried.
    const injector = injectDbFaults(
      rt.database.db,
      Array.from({ length: 4 }, (_, i) => ({ statement: COMMIT, when: 'before' as const, error: 'connection_lost' as const, skip: i === 0 ? 4 : 0 })),
    );
    let run: any;
    try {
      run = await syncAndWait(rt, key, connectionId, { streams: ['issues'], full_refresh: true }, 120_000);
    } finally {
      injector.restore();
    }
    expect(injector.pending()).toBe(0);
    await expectExact(run, connectionId, false);
    expect(run.attempts).toBe(2);
    const logs = await finalLogs(rt, key, run.id);
    expect(logs.some((m) => /transient error; the run will be retried and resume: database unavailable \(connection_lost\) after 4 attempts/.test(m)), logs.join('\n')).toBe(true);
    expect(logs).toContain('Resuming run (attempt 2)');
    expect(healedOf(logs).reported).toBe(3);
    expect(run.error).toBeNull();
  });
});

describe.runIf(testDatabaseUrl)('PostgreSQL backends terminated with pg_terminate_backend', () => {
  let sandbox: GithubSandboxHandle;
  let rt: TestRuntime;
  let key: string;
  let admin: pg.Client;
  // Every connection of this runtime (its pool and pg-boss's) carries this name, so only they are terminated:
  // other test files share the database.
  const applicationName = `trb_faults_${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    sandbox = await createGithubSandbox({ port: 0, records: 12_000, seed: 47, token: TOKEN, rateLimit: 10_000_000 });
    const url = new URL(testDatabaseUrl!);
    url.searchParams.set('application_name', applicationName);
    rt = await startTestRuntime('postgres', {
      allowPrivateHosts: [new URL(sandbox.url).host],
      engine: { batchSize: 500 },
      config: { databaseUrl: url.toString() },
    });
    key = rt.bootstrap!.apiKey;
    await rt.boss.updateQueue(SYNC_QUEUE, { retryDelay: 1, retryBackoff: false });
    await rt.boss.findJobs(SYNC_QUEUE, { key: 'warm-the-queue-cache' });
    admin = new pg.Client({ connectionString: testDatabaseUrl, application_name: `${applicationName}_admin` });
    await admin.connect();
  });
  afterAll(async () => {
    await admin?.end();
    await rt?.stop();
    await sandbox?.close();
  });

  const terminate = async (): Promise<number> => {
    const { rows } = await admin.query<{ terminated: boolean }>(
      'select pg_terminate_backend(pid) as terminated from pg_stat_activity where application_name = $1 and pid <> pg_backend_pid()',
      [applicationName],
    );
    return rows.filter((r) => r.terminated).length;
  };
  /** Records the run has committed, read on the admin connection (the runtime's own may be down right now). */
  const committed = async (runId: string): Promise<number> => {
    const { rows } = await admin.query<{ n: string | null }>(`select sum(created + updated + unchanged)::text as n from "${rt.schema}".run_streams where run_id = $1`, [runId]);
    return Number(rows[0]?.n ?? 0);
  };
  const runStatus = async (runId: string): Promise<string> => {
    const { rows } = await admin.query<{ status: string }>(`select status from "${rt.schema}".runs where id = $1`, [runId]);
    return rows[0]!.status;
  };

  it(
    'a sync whose backends are terminated five times completes with exactly the provider’s records',
    async () => {
      const connectionId = await install(rt, key, 'github', { name: 'terminated', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
      const total = sandbox.info().counts.issues;
      const started = await startRun(rt, key, connectionId, { streams: ['issues'], full_refresh: true });
      const runId: string = started.run.id;
      const terminations: { atRecords: number; backends: number }[] = [];
      for (const fraction of [0.1, 0.3, 0.5, 0.7, 0.85]) {
        const target = Math.round(total * fraction);
        const at = await eventually(
          async () => {
            const n = await committed(runId);
            if (n >= target) return { n };
            if (['COMPLETED', 'FAILED', 'CANCELLED'].includes(await runStatus(runId))) throw new Error(`the run ended before ${target} records`);
            return null;
          },
          `${target} committed records`,
          120_000,
          20,
        );
        terminations.push({ atRecords: at.n, backends: await terminate() });
      }
      const run = await waitForRun(rt, key, runId, 180_000);
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      // Each time, the engine's connections and pg-boss's (the same application name) were terminated.
      expect(terminations.every((t) => t.backends >= 2), JSON.stringify(terminations)).toBe(true);
      const issues = countsOf(run, 'issues');
      // Records re-read after a resume are unchanged; none is created twice, updated or lost.
      expect(issues).toMatchObject({ status: 'COMPLETED', created: total, updated: 0, deleted: 0, failed: 0 });
      const ids = await rowIds(rt, connectionId, 'issues', true);
      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...(await sandboxIssueIds(sandbox))].sort());
      const logs = await finalLogs(rt, key, runId);
      const healed = healedOf(logs);
      console.log(
        `PostgreSQL backends terminated at ${terminations.map((t) => `${t.atRecords} (${t.backends} backends)`).join(', ')} of ${total} records: ` +
          `${healed.retries} database retries logged, ${run.attempts} attempt(s), ${issues.unchanged} records re-read`,
      );
      // Terminations the run noticed were healed in place or by a resumed attempt, and the run says so.
      expect(healed.retries + run.attempts - 1, logs.join('\n')).toBeGreaterThan(0);
    },
    300_000,
  );

  it('a backend terminated while its connection is checked out for a transaction fails the transaction (transient), not the process', async () => {
    const outcome = await rt.database.db
      .transaction(async (tx) => {
        const [{ pid }] = (await queryRows<{ pid: number }>(tx, sql`select pg_backend_pid() as pid`)) as [{ pid: number }];
        await admin.query('select pg_terminate_backend($1)', [pid]);
        await eventually(async () => (await admin.query('select 1 from pg_stat_activity where pid = $1', [pid])).rowCount === 0, 'the backend to exit', 10_000, 10);
        // pg-pool listens for errors only on idle clients: without a listener of our own, the connection's end
        // would be emitted as an 'error' with nobody listening, which ends the process (this test run).
        await tx.execute(sql`select 1`);
        return 'committed';
      })
      .catch((error: unknown) => error);
    expect(transientDbReason(outcome), String(outcome)).not.toBeNull();
    // The pool discarded the dead client: the next statements work.
    expect(await queryRows<{ one: number }>(rt.database.db, sql`select 1 as one`)).toEqual([{ one: 1 }]);
  });

  it(
    'pg-boss keeps working after its connections are terminated while it polls: the next runs are fetched and complete',
    async () => {
      const connectionId = await install(rt, key, 'github', { name: 'after polling', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
      // Idle: the worker slots are polling for jobs. Terminate everything a few times over several polls.
      for (let i = 0; i < 4; i++) {
        await terminate();
        // Wait for a real condition, not a time: pg-boss has reconnected (a backend of the runtime is back).
        await eventually(
          async () => (await admin.query('select 1 from pg_stat_activity where application_name = $1', [applicationName])).rowCount! > 0,
          'the runtime to reconnect',
          30_000,
          20,
        );
      }
      const run = await syncAndWait(rt, key, connectionId, { streams: ['repositories', 'pull_requests'], full_refresh: true }, 120_000);
      expect(run.status, run.error ?? '').toBe('COMPLETED');
      const counts = sandbox.info().counts;
      expect(countsOf(run, 'repositories')).toMatchObject({ created: counts.repositories, updated: 0, deleted: 0 });
      expect(countsOf(run, 'pull_requests')).toMatchObject({ created: counts.pull_requests, updated: 0, deleted: 0 });
      // And a run queued while the backends are being terminated is fetched once they are back.
      const other = await install(rt, key, 'github', { name: 'queued during', fields: { token: TOKEN }, config: { base_url: sandbox.url } });
      const started = await startRun(rt, key, other, { streams: ['repositories'], full_refresh: true });
      await terminate();
      const queued = await waitForRun(rt, key, started.run.id, 120_000);
      expect(queued.status, queued.error ?? '').toBe('COMPLETED');
      expect(countsOf(queued, 'repositories')).toMatchObject({ created: counts.repositories });
    },
    300_000,
  );
});
