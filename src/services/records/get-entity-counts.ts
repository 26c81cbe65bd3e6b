import type { CrmEntityType } from '../../contracts/crm.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import { entityCountsOfConnection } from '../../db/queries/crm-sources.js';
import { countRecords } from '../../db/queries/records/record-counts.js';
import { connectionTableName } from '../../db/queries/records/record-tables.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from '../connections/load-connection.js';
import type { ProductScope } from '../keys/product-scope.js';

export interface EntityCounts {
  connection: ConnectionRow;
  /** Every stream of the connector, in manifest order; zeros for one that never synced. */
  streams: { stream: string; live: number; deleted: number }[];
  /** Live CRM entities per type that records of this connection support. */
  entities: Record<CrmEntityType, number>;
  /** Live rows over all streams. */
  totalRecords: number;
}

/** What a connection contributes: rows per stream (live and deleted) and the CRM entities its records support. */
export async function getEntityCounts(
  deps: Pick<ServiceDeps, 'db' | 'catalog'>,
  input: { workspaceId: string; products: ProductScope; dataSchema: string; connectionId: string },
): Promise<EntityCounts> {
  const { db, catalog } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  const { manifest } = catalog.get(connection.connectorId);
  const streams = [];
  for (const stream of manifest.streams) {
    const counts = await countRecords(db, { schema: input.dataSchema, table: connectionTableName(connection, stream.name) }, connection.id);
    streams.push({ stream: stream.name, ...counts });
  }
  return {
    connection,
    streams,
    entities: await entityCountsOfConnection(db, connection.id),
    totalRecords: streams.reduce((n, s) => n + s.live, 0),
  };
}
