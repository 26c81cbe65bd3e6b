import { sql, type SQL } from 'drizzle-orm';

/**
 * The one place dynamic identifiers and DDL literals are quoted. Tributary's own tables are named by the schema
 * (src/db/schema.ts) and need none of this; these are for names known only at run time: a workspace's schema, a
 * stream's record table, a typed column, a CRM entity table from contracts/crm.ts. Such names always come from
 * our catalog or contracts, never from request input — the quoting makes any name safe, not any name sensible.
 *
 * Two forms of each, because statements are written two ways (docs/contributing/sql.md): `sql` fragments for
 * Drizzle templates, and plain strings for the statements built as text (the batch commit, DDL with `sql.raw`).
 */

/** An identifier as a Drizzle fragment (`"name"`, doubled inner quotes). */
export function ident(name: string): ReturnType<typeof sql.identifier> {
  return sql.identifier(name);
}

/** `"schema"."table"` as a Drizzle fragment. */
export function qualifiedName(schema: string, table: string): SQL {
  return sql`${ident(schema)}.${ident(table)}`;
}

/** An identifier as text, for statements built as strings: `"name"` with inner quotes doubled. */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"` as text: for string-built statements, and as the argument of `to_regclass(…)`. */
export function quotedName(schema: string, table: string): string {
  return `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/**
 * A string literal for DDL and other places parameters cannot go (a default, an `array[…]` in a backfill).
 * standard_conforming_strings is on in every supported setup, so doubling the quote is the whole escape.
 */
export function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
