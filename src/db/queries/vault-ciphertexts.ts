import { sql, type SQL } from 'drizzle-orm';
import type { CiphertextSwap, KeyCounts, StoredCiphertext } from '../../core/reencrypt.js';
import type { VaultColumn } from '../../core/vault-columns.js';
import { type Db, queryRows } from '../db.js';
import { ident } from '../identifiers.js';

/**
 * Queries over any vault column (see core/vault-columns.ts). Table and column names come from that fixed list,
 * never from input. The key id is read from the envelope itself (`v1.<kid>.…`), the source of truth.
 */
const keyIdOf = (c: VaultColumn): SQL => sql`split_part(${ident(c.column)}, '.', 2)`;

/** How many ciphertexts of the column use each key id. */
export async function countCiphertextsByKey(db: Db, c: VaultColumn): Promise<KeyCounts> {
  const rows = await queryRows<{ key_id: string; n: number | string }>(
    db,
    sql`select ${keyIdOf(c)} as key_id, count(*) as n from ${ident(c.table)} where ${ident(c.column)} is not null group by 1`,
  );
  return Object.fromEntries(rows.map((r) => [r.key_id, Number(r.n)]));
}

/** A few ciphertexts under `keyId`, to prove at start that the ring's key of that id really decrypts them. */
export async function sampleCiphertexts(db: Db, c: VaultColumn, keyId: string, limit: number): Promise<StoredCiphertext[]> {
  return queryRows<StoredCiphertext>(
    db,
    sql`select ${ident(c.idColumn)} as id, ${ident(c.column)} as envelope from ${ident(c.table)}
        where ${ident(c.column)} is not null and ${keyIdOf(c)} = ${keyId} limit ${limit}`,
  );
}

/** The next page (by id, after `afterId`) of ciphertexts not under `activeKeyId`. */
export async function pageCiphertextsNotUnder(db: Db, c: VaultColumn, activeKeyId: string, afterId: string, limit: number): Promise<StoredCiphertext[]> {
  return queryRows<StoredCiphertext>(
    db,
    sql`select ${ident(c.idColumn)} as id, ${ident(c.column)} as envelope from ${ident(c.table)}
        where ${ident(c.column)} is not null and ${keyIdOf(c)} <> ${activeKeyId} and ${ident(c.idColumn)} > ${afterId}
        order by ${ident(c.idColumn)} limit ${limit}`,
  );
}

/**
 * Writes a batch of re-encrypted values in one statement (so one transaction): each row only if it still holds
 * the ciphertext that was read (`where column = previous`). A row written meanwhile — new credentials from a
 * PATCH, a refreshed token — keeps that newer value, which is already under the active key; nothing is lost.
 * Returns how many rows were swapped.
 */
export async function swapCiphertexts(db: Db, c: VaultColumn, swaps: readonly CiphertextSwap[]): Promise<number> {
  if (swaps.length === 0) return 0;
  const values = sql.join(
    swaps.map((s) => sql`(${s.id}::text, ${s.previous}::text, ${s.next}::text)`),
    sql`, `,
  );
  const t = ident(c.table);
  const setKeyId = c.keyIdColumn ? sql`, ${ident(c.keyIdColumn)} = split_part(v.next, '.', 2)` : sql``;
  const updated = await queryRows<{ id: string }>(
    db,
    sql`update ${t} set ${ident(c.column)} = v.next${setKeyId}
        from (values ${values}) as v(id, previous, next)
        where ${t}.${ident(c.idColumn)} = v.id and ${t}.${ident(c.column)} = v.previous
        returning ${t}.${ident(c.idColumn)} as id`,
  );
  return updated.length;
}
