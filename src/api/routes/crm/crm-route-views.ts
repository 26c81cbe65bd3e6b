import type { z } from 'zod';
import type { EntityCountsSchema, MappingsResponseSchema, PutMappingsResponseSchema } from '../../../contracts/api/crm.js';
import type { CrmEntityType } from '../../../contracts/crm.js';
import { pagination } from '../../../contracts/pagination.js';
import type { EntityRow } from '../../../db/queries/crm-entities.js';
import type { EntitySource } from '../../../db/queries/crm-sources.js';
import { entityView, sourceView } from '../../../services/crm/crm-views.js';
import type { ConnectionMappings } from '../../../services/crm/get-crm-mappings.js';
import type { ProjectionStats } from '../../../services/crm/crm-projection.js';
import type { EntityCounts } from '../../../services/records/get-entity-counts.js';

/** Renderers of the CRM routes' bodies; one entity and one source render with the services' entityView / sourceView. */

export function entityListView(type: CrmEntityType, page: { rows: EntityRow[]; total: number }, limit: number, offset: number): { data: Record<string, unknown>[]; pagination: ReturnType<typeof pagination> } {
  return { data: page.rows.map((r) => entityView(type, r)), pagination: pagination(limit, offset, page.total) };
}

export function entityDetailView(type: CrmEntityType, entity: EntityRow, sources: { rows: EntitySource[]; total: number }): Record<string, unknown> {
  return { ...entityView(type, entity), sources: sources.rows.map(sourceView), sources_total: sources.total };
}

export function mappingsView(m: ConnectionMappings): z.infer<typeof MappingsResponseSchema> {
  return { connection_id: m.connection.id, connector: m.connection.connectorId, customized: m.customized, mappings: m.mappings, defaults: m.defaults };
}

export function replacedMappingsView(m: ConnectionMappings & { projection: ProjectionStats }): z.infer<typeof PutMappingsResponseSchema> {
  const stats = m.projection;
  return {
    ...mappingsView(m),
    projection: { records: stats.records, entities: stats.entities, removed_sources: stats.removedSources, deleted_entities: stats.deletedEntities },
  };
}

export function entityCountsView(counts: EntityCounts): z.infer<typeof EntityCountsSchema> {
  return {
    connection_id: counts.connection.id,
    connector: counts.connection.connectorId,
    streams: counts.streams,
    entities: counts.entities,
    total_records: counts.totalRecords,
  };
}
