import { sql } from 'drizzle-orm';
import { type Db, queryRows } from '../db.js';
import { ident } from '../identifiers.js';

/** Statements for `tributary doctor`: which tables exist, and whether each one reads to its end. */

/** Base tables of a schema, by name. */
export async function listTables(db: Db, schema: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(db, sql`select table_name as name from information_schema.tables where table_schema = ${schema} and table_type = 'BASE TABLE' order by table_name`);
  return rows.map((r) => r.name);
}

/** A full count reads every page of the table: a damaged file fails here rather than in a sync. */
export async function countRows(db: Db, schema: string, table: string): Promise<number> {
  const rows = await queryRows<{ n: string | number }>(db, sql`select count(*) as n from ${ident(schema)}.${ident(table)}`);
  return Number(rows[0]?.n ?? 0);
}

/** Every workspace's own schema (its stream tables). */
export async function workspaceDataSchemas(db: Db, schema: string): Promise<{ id: string; dataSchema: string }[]> {
  return queryRows<{ id: string; dataSchema: string }>(db, sql`select id, data_schema as "dataSchema" from ${ident(schema)}.workspaces order by created_at`);
}
