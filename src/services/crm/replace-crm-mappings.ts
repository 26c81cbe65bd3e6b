import type { CrmMapping } from '../../contracts/crm.js';
import { AppError } from '../../contracts/errors.js';
import { putConnectionMappings } from '../../db/queries/crm-sources.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from '../connections/load-connection.js';
import { reprojectConnection, type ProjectionStats } from './crm-projection.js';
import { mappingsOfConnection, type ConnectionMappings } from './get-crm-mappings.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * Replaces a connection's field mappings (null: back to its connector's defaults) and re-projects its synced
 * records from scratch; entities keep their ids. Each mapping must read a stream the connector has.
 */
export async function replaceCrmMappings(
  deps: Pick<ServiceDeps, 'db' | 'catalog'>,
  input: { workspaceId: string; products: ProductScope; dataSchema: string; connectionId: string; mappings: CrmMapping[] | null },
): Promise<ConnectionMappings & { projection: ProjectionStats }> {
  const { db, catalog } = deps;
  const connection = await loadConnection(db, input.workspaceId, input.connectionId, input.products);
  const { manifest } = catalog.get(connection.connectorId);
  const { mappings } = input;
  mappings?.forEach((m, i) => {
    if (!manifest.streams.some((s) => s.name === m.stream)) {
      throw new AppError('validation_failed', `mappings.${i}.stream: ${manifest.name} has no stream "${m.stream}" (streams: ${manifest.streams.map((s) => s.name).join(', ')}).`, {
        field: `mappings.${i}.stream`,
      });
    }
  });
  await putConnectionMappings(db, input.workspaceId, connection.id, mappings);
  const projection = await reprojectConnection(db, catalog, { connection, dataSchema: input.dataSchema });
  return { ...(await mappingsOfConnection(deps, connection)), projection };
}
