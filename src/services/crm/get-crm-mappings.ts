import type { CrmMapping } from '../../contracts/crm.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import type { ServiceDeps } from '../service-deps.js';
import { loadConnection } from '../connections/load-connection.js';
import { effectiveMappings } from './crm-projection.js';
import type { ProductScope } from '../keys/product-scope.js';

/** A connection's CRM field mappings in force (its own when edited, else its connector's) beside the connector's defaults. */
export interface ConnectionMappings {
  connection: ConnectionRow;
  mappings: CrmMapping[];
  customized: boolean;
  defaults: CrmMapping[];
}

/** The mappings of a connection already loaded (the callers that edit mappings have it). */
export async function mappingsOfConnection(deps: Pick<ServiceDeps, 'db' | 'catalog'>, connection: ConnectionRow): Promise<ConnectionMappings> {
  const { mappings, customized } = await effectiveMappings(deps.db, deps.catalog, connection);
  return { connection, mappings, customized, defaults: deps.catalog.get(connection.connectorId).crm };
}

/** The field mappings from a connection's streams to CRM entities: its own when edited, else its connector's defaults. */
export async function getCrmMappings(deps: Pick<ServiceDeps, 'db' | 'catalog'>, input: { workspaceId: string; products: ProductScope; connectionId: string }): Promise<ConnectionMappings> {
  return mappingsOfConnection(deps, await loadConnection(deps.db, input.workspaceId, input.connectionId, input.products));
}
