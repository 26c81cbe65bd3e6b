import { newId } from '../../core/ids.js';
import type { Db } from '../../db/db.js';
import type { ConnectionRow } from '../../db/queries/connections.js';
import { getEntity, insertEntity } from '../../db/queries/crm-entities.js';

/**
 * Tributary logs its own significant events as CRM activities (source `tributary`, type `tributary.<event>`),
 * as the CRM reference asks of every product: they appear beside the synced ones, tagged with the connection's
 * product and linked to its client company when that company is in the CRM.
 */
export type TributaryEvent = 'connection_created' | 'connection_authorized' | 'connection_deleted' | 'sync_failed' | 'sync_recovered';

export async function logTributaryActivity(
  db: Db,
  connection: ConnectionRow,
  event: TributaryEvent,
  details: { title: string; description?: string; metadata?: Record<string, unknown> },
): Promise<void> {
  const company = connection.companyId ? await getEntity(db, 'companies', connection.workspaceId, connection.companyId) : undefined;
  await insertEntity(db, 'activities', {
    id: newId('act'),
    workspaceId: connection.workspaceId,
    createdVia: 'tributary',
    product: connection.product,
    companyId: company ? company.id : null,
    fields: {
      activity_type: `tributary.${event}`,
      title: details.title,
      description: details.description ?? null,
      source: 'tributary',
      occurred_at: new Date().toISOString(),
      metadata: { connection_id: connection.id, connector: connection.connectorId, connection_name: connection.name, ...details.metadata },
    },
  });
}
