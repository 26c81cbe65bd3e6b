import { crmEntities, type CrmEntityType } from '../../contracts/crm.js';
import type { EntityRow } from '../../db/queries/crm-entities.js';
import type { EntitySource } from '../../db/queries/crm-sources.js';

const iso = (value: unknown): string | null => (value === null || value === undefined ? null : new Date(value as string | Date).toISOString());

/** A CRM entity as the API shows it: canonical fields typed, link keys and edit bookkeeping left out. */
export function entityView(type: CrmEntityType, row: EntityRow): Record<string, unknown> {
  const def = crmEntities[type];
  const out: Record<string, unknown> = { id: row.id, product: row.product };
  if (def.links.includes('company')) out['company_id'] = row['company_id'] ?? null;
  if (def.links.includes('contact')) out['contact_id'] = row['contact_id'] ?? null;
  for (const [name, fieldType] of Object.entries(def.fields)) {
    const value = row[name];
    if (value === null || value === undefined) out[name] = null;
    else if (fieldType === 'number' || fieldType === 'integer') out[name] = Number(value);
    else if (fieldType === 'timestamp') out[name] = iso(value);
    // Both drivers hand jsonb back parsed: a string here is a JSON string value, not JSON text to parse again.
    else if (fieldType === 'json') out[name] = value;
    else out[name] = String(value);
  }
  const custom = row['custom'];
  out['custom'] = typeof custom === 'string' ? JSON.parse(custom) : (custom ?? {});
  out['created_via'] = row['created_via'];
  out['created_at'] = iso(row['created_at']);
  out['updated_at'] = iso(row['updated_at']);
  return out;
}

export function sourceView(source: EntitySource): Record<string, unknown> {
  return {
    connection_id: source.connection_id,
    connector: source.connector_id,
    connection_name: source.connection_name,
    stream: source.stream,
    record_id: source.record_id,
    mapping: source.source_key,
    fields: typeof source.fields === 'string' ? JSON.parse(source.fields) : source.fields,
    first_seen_at: iso(source.first_seen_at),
    last_seen_at: iso(source.last_seen_at),
  };
}
