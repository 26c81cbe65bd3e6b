import { CrmMappingListSchema, crmEntities, crmEntityTypes, type CrmEntityType, type CrmMapping } from '../../contracts/crm.js';
import type { Catalog } from '../../core/catalog.js';
import { draftsOf, type EntityDraft } from '../../core/crm-drafts.js';
import { newId } from '../../core/ids.js';
import type { Db } from '../../db/db.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import {
  backfillLinks,
  getWatermark,
  lockProjection,
  removeSourcesOutside,
  removeStaleSources,
  resetWatermarks,
  resolveLinks,
  setWatermark,
  softDeleteOrphans,
  sourcesOf,
  upsertSources,
  upsertSyncedEntities,
  type SourceRow,
  type SyncedEntity,
} from '../../db/queries/crm-projection.js';
import { getConnectionMappings } from '../../db/queries/crm-sources.js';
import { changeKinds, listRecords, type StoredRecord } from '../../db/queries/records/change-feed.js';
import { connectionTableName, tableExists } from '../../db/queries/records/record-tables.js';

/**
 * The CRM projection: reads what changed in a connection's mapped streams since the last pass (the change feed's
 * `change_seq`, with a watermark per stream) and applies it to the canonical entities. Each page of records is one
 * transaction, with the watermark that covers it, under a per-connection lock, so a pass is incremental,
 * idempotent, safe to interrupt, and two passes (a sync's, a mapping edit's) never interleave on one connection.
 *
 * Identity: a record's entity is found by its merge key when the entity has one (companies by domain, contacts by
 * email, within the workspace and product, whatever the connector), else through its provenance row, else it is
 * new. Every record that contributed keeps a provenance row (`crm_sources`); an entity left without any, and not
 * created through the API, is soft-deleted.
 */
export interface ProjectionStats {
  records: number;
  entities: Record<CrmEntityType, number>;
  removedSources: number;
  deletedEntities: number;
}

export interface ProjectionOptions {
  pageSize?: number;
  /** Called between pages (outside any transaction): the engine's heartbeat. */
  onPage?: () => Promise<void>;
}

/** The mappings in force for a connection: its own when edited, else its connector's defaults. */
export async function effectiveMappings(db: Db, catalog: Catalog, connection: ConnectionRow): Promise<{ mappings: CrmMapping[]; customized: boolean }> {
  const stored = await getConnectionMappings(db, connection.id);
  if (stored) {
    const parsed = CrmMappingListSchema.safeParse(stored.mappings);
    // Stored mappings were validated when written; a later schema change that rejects them disables them loudly.
    if (!parsed.success) throw new Error(`The connection's CRM mappings are no longer valid: ${parsed.error.message}`);
    return { mappings: parsed.data, customized: true };
  }
  return { mappings: catalog.has(connection.connectorId) ? catalog.get(connection.connectorId).crm : [], customized: false };
}

/** The connection projected, and the schema its workspace's record tables are in (callers have both at hand). */
export interface ProjectionTarget {
  connection: ConnectionRow;
  dataSchema: string;
}

export async function projectConnection(db: Db, catalog: Catalog, target: ProjectionTarget, options: ProjectionOptions = {}): Promise<ProjectionStats> {
  const stats: ProjectionStats = { records: 0, entities: Object.fromEntries(crmEntityTypes.map((t) => [t, 0])) as Record<CrmEntityType, number>, removedSources: 0, deletedEntities: 0 };
  const { connection, dataSchema } = target;
  const { mappings } = await effectiveMappings(db, catalog, connection);
  const streams = [...new Set(mappings.map((m) => m.stream))];
  const pageSize = options.pageSize ?? 500;
  for (const stream of streams) {
    const table = { schema: dataSchema, table: connectionTableName(connection, stream) };
    if (!(await tableExists(db, table))) continue;
    const streamMappings = ordered(mappings.filter((m) => m.stream === stream));
    for (;;) {
      const read = await db.transaction(async (tx) => {
        await lockProjection(tx, connection.id);
        const after = await getWatermark(tx, connection.id, stream);
        const rows = await listRecords(tx, table, connection.id, { limit: pageSize, afterSeq: after, changes: changeKinds });
        if (rows.length === 0) return 0;
        await projectPage(tx, { connection, stream, mappings: streamMappings }, rows, stats);
        await setWatermark(tx, connection.id, stream, rows[rows.length - 1]!.change_seq);
        return rows.length;
      });
      stats.records += read;
      if (read < pageSize) break;
      await options.onPage?.();
    }
  }
  return stats;
}

/**
 * Starts over from the first record of every mapped stream (after a mapping edit). Entities keep their ids:
 * keyed ones are found again by key, the others through their provenance rows, which stay until a pass finds
 * that their record no longer produces them.
 */
export async function reprojectConnection(db: Db, catalog: Catalog, target: ProjectionTarget, options: ProjectionOptions = {}): Promise<ProjectionStats> {
  const { connection } = target;
  const connectionId = connection.id;
  const { mappings } = await effectiveMappings(db, catalog, connection);
  const deleted = await db.transaction(async (tx) => {
    await lockProjection(tx, connectionId);
    await resetWatermarks(tx, connectionId);
    const removed = await removeSourcesOutside(tx, connectionId, [...new Set(mappings.map((m) => m.stream))]);
    return deleteOrphans(tx, removed);
  });
  const stats = await projectConnection(db, catalog, target, options);
  stats.deletedEntities += deleted;
  return stats;
}

/** Companies first, then contacts: the entities that link to them find them within the same page. */
function ordered(mappings: CrmMapping[]): CrmMapping[] {
  return [...mappings].sort((a, b) => crmEntityTypes.indexOf(a.entity) - crmEntityTypes.indexOf(b.entity));
}

interface PageContext {
  connection: ConnectionRow;
  stream: string;
  mappings: CrmMapping[];
}

async function projectPage(tx: Db, ctx: PageContext, rows: StoredRecord[], stats: ProjectionStats): Promise<void> {
  const { connection, stream } = ctx;
  const scope = { workspaceId: connection.workspaceId, product: connection.product };
  const token = newId('pass', 12);
  const live = rows.filter((r) => r.deleted_at === null);
  const moved: { entity_type: CrmEntityType; entity_id: string }[] = [];
  const touchedKeys = { company: new Set<string>(), contact: new Set<string>() };

  for (const mapping of ctx.mappings) {
    const drafts: (EntityDraft & { recordId: string })[] = [];
    for (const row of live) {
      for (const draft of draftsOf(mapping, row.data)) {
        // An activity says where it came from: the connector, unless the mapping names a source.
        if (mapping.entity === 'activities' && draft.fields['source'] == null) draft.fields['source'] = connection.connectorId;
        drafts.push({ ...draft, recordId: row.id });
      }
    }
    if (drafts.length === 0) continue;
    const def = crmEntities[mapping.entity];
    const existing = new Map(
      (await sourcesOf(tx, connection.id, stream, mapping.entity, [...new Set(drafts.map((d) => d.recordId))])).map((s) => [`${s.record_id}\u0000${s.source_key}`, s.entity_id]),
    );

    // Drafts naming the same entity are merged before the upsert, the later record's non-null values winning.
    const byKey = new Map<string, SyncedEntity>();
    const byId = new Map<string, SyncedEntity>();
    const targetOf: (string | { key: string })[] = [];
    for (const draft of drafts) {
      const previous = existing.get(`${draft.recordId}\u0000${draft.sourceKey}`);
      if (draft.mergeKey) {
        merge(byKey, draft.mergeKey, () => newId(def.prefix), draft);
        targetOf.push({ key: draft.mergeKey });
      } else {
        const id = previous ?? newId(def.prefix);
        merge(byId, id, () => id, draft);
        targetOf.push(id);
      }
    }
    const keyed = await upsertSyncedEntities(tx, mapping.entity, scope, [...byKey.values()], 'key');
    const idOfKey = new Map(keyed.map((r) => [r.key!, r.id]));
    await upsertSyncedEntities(tx, mapping.entity, scope, [...byId.values()], 'id');

    const sources: SourceRow[] = drafts.map((draft, i) => {
      const target = targetOf[i]!;
      const entityId = typeof target === 'string' ? target : idOfKey.get(target.key)!;
      const previous = existing.get(`${draft.recordId}\u0000${draft.sourceKey}`);
      if (previous && previous !== entityId) moved.push({ entity_type: mapping.entity, entity_id: previous });
      return { entity_type: mapping.entity, entity_id: entityId, record_id: draft.recordId, source_key: draft.sourceKey, fields: { ...draft.fields, ...prefixed(draft.custom) } };
    });
    await upsertSources(tx, { workspaceId: connection.workspaceId, connectionId: connection.id, stream, token }, sources);
    const touched = [...new Set(sources.map((s) => s.entity_id))];
    await resolveLinks(tx, mapping.entity, touched);
    stats.entities[mapping.entity] += touched.length;
    if (mapping.entity === 'companies') for (const key of idOfKey.keys()) touchedKeys.company.add(key);
    if (mapping.entity === 'contacts') for (const key of idOfKey.keys()) touchedKeys.contact.add(key);
  }

  const removed = await removeStaleSources(tx, connection.id, stream, rows.map((r) => r.id), token);
  stats.removedSources += removed.length;
  stats.deletedEntities += await deleteOrphans(tx, [...removed, ...moved]);
  await backfillLinks(tx, connection.workspaceId, 'company', [...touchedKeys.company]);
  await backfillLinks(tx, connection.workspaceId, 'contact', [...touchedKeys.contact]);
}

function merge(into: Map<string, SyncedEntity>, key: string, id: () => string, draft: EntityDraft): void {
  const current = into.get(key);
  if (!current) {
    into.set(key, { id: id(), fields: { ...draft.fields }, custom: { ...draft.custom } });
    return;
  }
  for (const [name, value] of Object.entries(draft.fields)) if (value !== null) current.fields[name] = value;
  Object.assign(current.custom, draft.custom);
}

function prefixed(custom: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(custom).map(([k, v]) => [`custom.${k}`, v]));
}

async function deleteOrphans(tx: Db, candidates: { entity_type: CrmEntityType; entity_id: string }[]): Promise<number> {
  let deleted = 0;
  for (const type of crmEntityTypes) {
    const ids = [...new Set(candidates.filter((c) => c.entity_type === type).map((c) => c.entity_id))];
    deleted += (await softDeleteOrphans(tx, type, ids)).length;
  }
  return deleted;
}
