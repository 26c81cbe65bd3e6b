import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sqlState } from './db.js';
import { migrate } from './migrate.js';
import { type Database, openDatabase } from './open-database.js';

/**
 * Migration 0005 on a database that 0000–0004 built and filled the old way: every status value the code has ever
 * written, ids in the retired `seen_records`, and a record table from before the change feed. TEST_DATABASE_URL
 * picks PostgreSQL; PGlite otherwise.
 */
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');
const schema = `migrate_${process.pid}`;
const dataSchema = `${schema}_ws`;
let database: Database;

async function run(statement: string): Promise<void> {
  await database.db.execute(sql.raw(statement));
}

beforeAll(async () => {
  database = await openDatabase({ url: process.env['TEST_DATABASE_URL'], schema, migrate: false });
  await run(`create schema ${schema}`);
  await run(`set search_path to ${schema}`);
  await run(`create table ${schema}.schema_migrations (tag text primary key, applied_at timestamptz not null default now())`);
  for (const tag of ['0000_init', '0001_oauth_states', '0002_crm', '0003_seen_batches', '0004_webhook_token_rotation']) {
    const text = await readFile(path.join(migrationsDir, `${tag}.sql`), 'utf8');
    for (const statement of text.replaceAll('"public".', '').split('--> statement-breakpoint').map((s) => s.trim()).filter(Boolean)) await run(statement);
    await run(`insert into ${schema}.schema_migrations (tag) values ('${tag}')`);
  }
  await run(`insert into workspaces (id, name, data_schema) values ('w1', 'w', '${dataSchema}')`);
  const connectionStatuses = ['disconnected', 'pending_auth', 'pending', 'connected', 'syncing', 'error', 'disabled'];
  const lastSync = ['null', "'COMPLETED'", "'FAILED'", "'CANCELLED'"];
  for (const [i, status] of connectionStatuses.entries()) {
    await run(`insert into connections (id, workspace_id, connector_id, name, status, last_sync_status) values ('c${i}', 'w1', 'github', 'n', '${status}', ${lastSync[i % 4]})`);
  }
  const runStatuses = ['COMPLETED', 'FAILED', 'CANCELLED', 'PENDING', 'RUNNING'];
  for (const [i, status] of runStatuses.entries()) {
    await run(`insert into runs (id, workspace_id, connection_id, trigger, mode, status, streams) values ('r${i}', 'w1', 'c${i}', 'api', '${i % 2 ? 'incremental' : 'full_refresh'}', '${status}', '["issues"]')`);
  }
  for (const [i, status] of [...runStatuses, 'SKIPPED'].entries()) await run(`insert into run_streams (run_id, stream, status) values ('r4', 's${i}', '${status}')`);
  await run(`insert into seen_records (run_id, stream, record_id) values ('r4', 'issues', 'b'), ('r4', 'issues', 'a'), ('r3', 'pulls', 'x')`);
  await run(`insert into seen_batches (run_id, stream, ids) values ('r4', 'issues', array['c'])`);
  // A record table from before the change feed, and one already on it.
  await run(`create schema "${dataSchema}"`);
  const columns = `connection_id text not null, id text not null, data jsonb not null, hash text not null, first_seen_at timestamptz not null default now(),
    updated_at timestamptz not null default now(), deleted_at timestamptz`;
  await run(`create table "${dataSchema}".github_issues (${columns}, primary key (connection_id, id))`);
  await run(`insert into "${dataSchema}".github_issues (connection_id, id, data, hash, updated_at)
    values ('c1', '2', '{}', 'h', now() - interval '1 day'), ('c1', '1', '{}', 'h', now()), ('c2', '9', '{}', 'h', now() - interval '2 days')`);
  await run(`create table "${dataSchema}".github_pulls (${columns}, change_seq bigint not null, primary key (connection_id, id))`);
  await run(`create table "${dataSchema}"._tributary_changes (table_name text primary key, last_seq bigint not null default 0)`);
  await run(`insert into "${dataSchema}"._tributary_changes values ('github_pulls', 7)`);
}, 120_000);

afterAll(async () => {
  await run(`drop schema if exists "${dataSchema}" cascade`);
  await run(`drop schema if exists ${schema} cascade`);
  await database.close();
});

describe('migration 0005 on old rows', () => {
  it('applies, converts what the code no longer reads, and then refuses unknown statuses', async () => {
    const { applied } = await migrate(database.db, schema);
    // 0005 first; later migrations (0006 key scopes, …) follow it.
    expect(applied[0]).toBe('0005_status_checks');
    await run(`set search_path to ${schema}`);

    // A full refresh in flight keeps every id it saw.
    const seen = await queryRows<{ run_id: string; stream: string; ids: string[] }>(database.db, sql`select run_id, stream, ids from seen_batches order by run_id, stream, id`);
    expect(seen).toEqual([
      { run_id: 'r3', stream: 'pulls', ids: ['x'] },
      { run_id: 'r4', stream: 'issues', ids: ['c'] },
      { run_id: 'r4', stream: 'issues', ids: ['a', 'b'] },
    ]);
    const [gone] = await queryRows<{ a: string | null; b: string | null }>(database.db, sql`select to_regclass('record_tables')::text as a, to_regclass('seen_records')::text as b`);
    expect(gone).toEqual({ a: null, b: null });

    // The old record table is numbered in update order; the counter carries on after it, and the other is untouched.
    const rows = await queryRows<{ id: string; change_seq: string | number }>(database.db, sql.raw(`select id, change_seq from "${dataSchema}".github_issues order by change_seq`));
    expect(rows.map((r) => [r.id, Number(r.change_seq)])).toEqual([['9', 1], ['2', 2], ['1', 3]]);
    const counters = await queryRows<{ table_name: string; last_seq: string | number }>(database.db, sql.raw(`select table_name, last_seq from "${dataSchema}"._tributary_changes order by table_name`));
    expect(counters.map((c) => [c.table_name, Number(c.last_seq)])).toEqual([['github_issues', 3], ['github_pulls', 7]]);

    for (const bad of [
      `update connections set status = 'active' where id = 'c0'`,
      `update connections set last_sync_status = 'SKIPPED' where id = 'c0'`,
      `update runs set status = 'DONE' where id = 'r0'`,
      `update runs set mode = 'partial' where id = 'r0'`,
      `update run_streams set status = 'DONE' where run_id = 'r4' and stream = 's0'`,
    ]) {
      const error = await run(bad).then(() => null, (e: unknown) => e);
      expect(sqlState(error), bad).toBe('23514');
    }
    expect((await migrate(database.db, schema)).applied).toEqual([]);
  });
});
