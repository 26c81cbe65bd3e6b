import { and, eq, sql, type SQL } from 'drizzle-orm';
import { crmEntities, linkKeyFields, type CrmEntityType } from '../../contracts/crm.js';
import { takeAdvisoryLock } from '../advisory-locks.js';
import { type Db, execute, queryRows } from '../db.js';
import { ident, quoteIdent, quoteLiteral } from '../identifiers.js';
import { crmWatermarks } from '../schema.js';
import { sqlType } from './crm-entities.js';

/**
 * The statements of the CRM projection (src/services/crm/crm-projection.ts): a page of source records becomes a few
 * set-based statements per mapping, each taking its rows as one JSON parameter (`jsonb_to_recordset`), so the
 * cost per page does not grow with its number of records. All take the caller's transaction handle.
 */

/** Serialises projection passes of one connection (a sync's and a mapping edit's) until the transaction ends. */
export async function lockProjection(tx: Db, connectionId: string): Promise<void> {
  await takeAdvisoryLock(tx, 'crmProjection', connectionId);
}

export async function getWatermark(tx: Db, connectionId: string, stream: string): Promise<number> {
  const [row] = await tx
    .select({ lastSeq: crmWatermarks.lastSeq })
    .from(crmWatermarks)
    .where(and(eq(crmWatermarks.connectionId, connectionId), eq(crmWatermarks.stream, stream)));
  return Number(row?.lastSeq ?? 0);
}

export async function setWatermark(tx: Db, connectionId: string, stream: string, lastSeq: number): Promise<void> {
  await tx
    .insert(crmWatermarks)
    .values({ connectionId, stream, lastSeq, updatedAt: sql`now()` })
    .onConflictDoUpdate({ target: [crmWatermarks.connectionId, crmWatermarks.stream], set: { lastSeq, updatedAt: sql`now()` } });
}

export async function resetWatermarks(tx: Db, connectionId: string): Promise<void> {
  await tx.delete(crmWatermarks).where(eq(crmWatermarks.connectionId, connectionId));
}

export interface SourceRef {
  record_id: string;
  source_key: string;
  entity_id: string;
}

export async function sourcesOf(tx: Db, connectionId: string, stream: string, entityType: CrmEntityType, recordIds: string[]): Promise<SourceRef[]> {
  if (recordIds.length === 0) return [];
  return queryRows<SourceRef>(
    tx,
    sql`select record_id, source_key, entity_id from crm_sources
        where connection_id = ${connectionId} and stream = ${stream} and entity_type = ${entityType} and record_id = any(${sql.param(recordIds)}::text[])`,
  );
}

export interface SyncedEntity {
  /** A fresh id, used only when the row is new (by key) or the id to upsert (by id). */
  id: string;
  fields: Record<string, unknown>;
  custom: Record<string, unknown>;
}

/**
 * Upserts synced entities, merging into what is there: a non-null value replaces the stored one unless the API
 * edited that field; custom fields are merged; a soft-deleted entity that a source supports again comes back.
 * `by: 'key'` finds existing rows by the merge key (domain, email), `by: 'id'` by id. Returns each row's id and
 * merge key. The caller passes each key (or id) once: Postgres refuses to update a row twice in one statement.
 */
export async function upsertSyncedEntities(
  tx: Db,
  type: CrmEntityType,
  scope: { workspaceId: string; product: string | null },
  entities: SyncedEntity[],
  by: 'key' | 'id',
): Promise<{ id: string; key: string | null }[]> {
  if (entities.length === 0) return [];
  const def = crmEntities[type];
  const mergeKey = def.mergeKey;
  if (by === 'key' && !mergeKey) throw new Error(`${type} have no merge key`);
  const columns = [...Object.entries(def.fields).map(([name, t]) => ({ name, type: sqlType(t) })), ...def.links.map((l) => ({ name: linkKeyFields[l], type: 'text' }))];
  const recordType = sql.raw(['id text', 'custom jsonb', ...columns.map((c) => `${quoteIdent(c.name)} ${c.type}`)].join(', '));
  const names = sql.raw(columns.map((c) => quoteIdent(c.name)).join(', '));
  const selected = sql.raw(columns.map((c) => `d.${quoteIdent(c.name)}`).join(', '));
  const updates = sql.raw(
    columns
      .map((c) => {
        const column = quoteIdent(c.name);
        return `${column} = case when t.edited_fields ? ${quoteLiteral(c.name)} then t.${column} else coalesce(excluded.${column}, t.${column}) end`;
      })
      .join(', '),
  );
  const conflict = by === 'key' ? sql.raw(`(workspace_id, (coalesce(product, '')), ${quoteIdent(mergeKey!)}) where ${quoteIdent(mergeKey!)} is not null`) : sql.raw('(id)');
  const payload = JSON.stringify(entities.map((e) => ({ ...e.fields, id: e.id, custom: e.custom })));
  const rows = await queryRows<{ id: string; key: string | null }>(
    tx,
    sql`insert into ${ident(def.table)} as t (id, workspace_id, product, created_via, custom, ${names})
        select d.id, ${scope.workspaceId}, ${scope.product}, 'sync', coalesce(d.custom, '{}'::jsonb), ${selected}
        from jsonb_to_recordset(${payload}::jsonb) as d(${recordType})
        on conflict ${conflict} do update set ${updates}, custom = t.custom || excluded.custom, updated_at = now(), deleted_at = null
        returning t.id, ${mergeKey ? sql`t.${ident(mergeKey)}` : sql`null::text`} as key`,
  );
  return rows;
}

export interface SourceRow {
  entity_type: CrmEntityType;
  entity_id: string;
  record_id: string;
  source_key: string;
  fields: Record<string, unknown>;
}

export async function upsertSources(
  tx: Db,
  scope: { workspaceId: string; connectionId: string; stream: string; token: string },
  rows: SourceRow[],
): Promise<void> {
  if (rows.length === 0) return;
  await tx.execute(
    sql`insert into crm_sources (workspace_id, entity_type, entity_id, connection_id, stream, record_id, source_key, fields, seen_token)
        select ${scope.workspaceId}, d.entity_type, d.entity_id, ${scope.connectionId}, ${scope.stream}, d.record_id, d.source_key, d.fields, ${scope.token}
        from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as d(entity_type text, entity_id text, record_id text, source_key text, fields jsonb)
        on conflict (connection_id, stream, record_id, entity_type, source_key)
        do update set entity_id = excluded.entity_id, fields = excluded.fields, seen_token = excluded.seen_token, last_seen_at = now()`,
  );
}

/** Provenance of the given records that this pass (`token`) did not produce again: deleted records, changed mappings. */
export async function removeStaleSources(tx: Db, connectionId: string, stream: string, recordIds: string[], token: string): Promise<{ entity_type: CrmEntityType; entity_id: string }[]> {
  if (recordIds.length === 0) return [];
  return queryRows(
    tx,
    sql`delete from crm_sources where connection_id = ${connectionId} and stream = ${stream}
        and record_id = any(${sql.param(recordIds)}::text[]) and seen_token <> ${token} returning entity_type, entity_id`,
  );
}

/** Provenance of streams a connection's mappings no longer read. */
export async function removeSourcesOutside(tx: Db, connectionId: string, streams: string[]): Promise<{ entity_type: CrmEntityType; entity_id: string }[]> {
  return queryRows(
    tx,
    sql`delete from crm_sources where connection_id = ${connectionId} and not (stream = any(${sql.param(streams)}::text[])) returning entity_type, entity_id`,
  );
}

/** Soft-deletes synced entities that no source supports any more (API-created ones stay); returns their ids. */
export async function softDeleteOrphans(tx: Db, type: CrmEntityType, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = await queryRows<{ id: string }>(
    tx,
    sql`update ${ident(crmEntities[type].table)} t set deleted_at = now(), updated_at = now()
        where t.id = any(${sql.param(ids)}::text[]) and t.created_via = 'sync' and t.deleted_at is null
        and not exists (select 1 from crm_sources s where s.entity_type = ${type} and s.entity_id = t.id)
        returning t.id`,
  );
  const gone = rows.map((r) => r.id);
  const link = type === 'companies' ? 'company' : type === 'contacts' ? 'contact' : null;
  if (link && gone.length > 0) {
    const column = ident(`${link}_id`);
    for (const other of linking(link)) {
      await tx.execute(sql`update ${ident(crmEntities[other].table)} set ${column} = null where ${column} = any(${sql.param(gone)}::text[])`);
    }
  }
  return gone;
}

function linking(link: 'company' | 'contact'): CrmEntityType[] {
  return (Object.keys(crmEntities) as CrmEntityType[]).filter((t) => crmEntities[t].links.includes(link));
}

const linkTarget = {
  company: { table: 'crm_companies', key: 'domain' },
  contact: { table: 'crm_contacts', key: 'email' },
} as const;

function linkUpdate(type: CrmEntityType, link: 'company' | 'contact', where: SQL): SQL {
  const target = linkTarget[link];
  const column = `${link}_id`;
  const keyColumn = linkKeyFields[link];
  return sql`update ${ident(crmEntities[type].table)} t set ${ident(column)} = x.id, updated_at = now()
      from ${ident(target.table)} x
      where ${where} and not (t.edited_fields ? ${column})
        and x.workspace_id = t.workspace_id and coalesce(x.product, '') = coalesce(t.product, '')
        and x.${ident(target.key)} = t.${ident(keyColumn)} and x.deleted_at is null
        and t.${ident(column)} is distinct from x.id`;
}

/** Points the given entities at the company / contact their link keys name, when that entity exists. */
export async function resolveLinks(tx: Db, type: CrmEntityType, ids: string[]): Promise<void> {
  if (ids.length === 0) return;
  for (const link of crmEntities[type].links) {
    await tx.execute(linkUpdate(type, link, sql`t.id = any(${sql.param(ids)}::text[])`));
  }
}

/** Entities waiting for a company (domain) or contact (email) that now exists get linked to it. */
export async function backfillLinks(tx: Db, workspaceId: string, link: 'company' | 'contact', keys: string[]): Promise<number> {
  if (keys.length === 0) return 0;
  let linked = 0;
  for (const type of linking(link)) {
    linked += await execute(
      tx,
      linkUpdate(type, link, sql`t.workspace_id = ${workspaceId} and t.${ident(linkKeyFields[link])} = any(${sql.param(keys)}::text[]) and t.${ident(`${link}_id`)} is null`),
    );
  }
  return linked;
}
