import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { takeAdvisoryLock } from './advisory-locks.js';
import { type Db, queryRows } from './db.js';
import { ident } from './identifiers.js';

/**
 * Applies the SQL that drizzle-kit generates from schema.ts (`npx drizzle-kit generate`). We run it ourselves
 * rather than through drizzle's migrator because drizzle-kit qualifies foreign keys with "public", while
 * Tributary picks its schema at run time through search_path: one per deployment or per test file, same SQL.
 */
const migrationsDir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations');

interface Journal {
  entries: { idx: number; tag: string }[];
}

async function readJournal(): Promise<Journal> {
  return JSON.parse(await readFile(path.join(migrationsDir, 'meta', '_journal.json'), 'utf8')) as Journal;
}

/** Migrations this code knows that the database has not applied (`tributary doctor`, readiness); applies nothing. */
export async function pendingMigrations(db: Db, schema: string): Promise<string[]> {
  const journal = await readJournal();
  const exists = await queryRows<{ ok: boolean }>(db, sql`select to_regclass(${`${schema}.schema_migrations`}) is not null as ok`);
  const applied = new Set(exists[0]?.ok ? (await queryRows<{ tag: string }>(db, sql`select tag from ${ident(schema)}.schema_migrations`)).map((r) => r.tag) : []);
  return journal.entries.map((e) => e.tag).filter((tag) => !applied.has(tag));
}

export async function migrate(db: Db, schema: string): Promise<{ applied: string[] }> {
  const journal = await readJournal();
  const applied: string[] = [];
  const table = sql`${ident(schema)}.schema_migrations`;
  await db.execute(sql`create schema if not exists ${ident(schema)}`);
  await db.execute(sql`create table if not exists ${table} (tag text primary key, applied_at timestamptz not null default now())`);
  for (const entry of [...journal.entries].sort((a, b) => a.idx - b.idx)) {
    const text = await readFile(path.join(migrationsDir, `${entry.tag}.sql`), 'utf8');
    const statements = text
      .replaceAll('"public".', '')
      .split('--> statement-breakpoint')
      .map((s) => s.trim())
      .filter(Boolean);
    await db.transaction(async (tx) => {
      // Several processes may start at once against one PostgreSQL: the lock makes the others wait, then skip.
      await takeAdvisoryLock(tx, 'migrate');
      const done = await queryRows(tx, sql`select 1 from ${table} where tag = ${entry.tag}`);
      if (done.length > 0) return;
      await tx.execute(sql`set local search_path to ${ident(schema)}`);
      for (const statement of statements) await tx.execute(sql.raw(statement));
      await tx.execute(sql`insert into ${table} (tag) values (${entry.tag})`);
      applied.push(entry.tag);
    });
  }
  return { applied };
}
