import { sql, type SQL } from 'drizzle-orm';
import { ident, quoteIdent } from '../../identifiers.js';

/**
 * The change sequence: every write to a record table takes the next numbers from its counter row, in the same
 * statement. The counter row stays locked until that statement commits, so a later writer gets higher numbers
 * and commits after: numbers become visible in order, and a reader following `change_seq` misses nothing and
 * sees nothing twice, however many syncs write at once. One counter table per workspace schema, one row per
 * record table.
 */
export const changeCounters = '_tributary_changes';

/** The workspace schema's counter table as a Drizzle fragment. */
export function changeCountersTable(schema: string): SQL {
  return sql`${ident(schema)}.${ident(changeCounters)}`;
}

/** `WITH` part that reserves `count` numbers: `(select base from <name>) + i` is the i-th (1-based). */
export function reserveSeq(schema: string, name: string, count: string, tableParam: string): string {
  return `${name} as (update ${quoteIdent(schema)}.${quoteIdent(changeCounters)} set last_seq = last_seq + ${count}
      where table_name = ${tableParam} returning last_seq - ${count} as base)`;
}
