import { sql, type SQL } from 'drizzle-orm';
import { crmEntities, type CrmEntityType, type CrmFieldType } from '../../contracts/crm.js';
import { type Db, execute, queryRows } from '../db.js';
import { ident } from '../identifiers.js';

/**
 * Named queries over the six CRM entity tables, generic over the entity definitions of contracts/crm.ts (the
 * column names are the canonical field names, so one module serves every table). Table and column names come
 * from those definitions, never from input.
 */
export type EntityRow = Record<string, unknown> & { id: string; workspace_id: string; product: string | null; deleted_at: Date | string | null };

export function sqlType(type: CrmFieldType): string {
  switch (type) {
    case 'text':
      return 'text';
    case 'number':
      return 'numeric';
    case 'integer':
      return 'integer';
    case 'timestamp':
      return 'timestamptz';
    case 'json':
      return 'jsonb';
  }
}

/** A value as a typed parameter: JSON goes as text and is cast, so objects and arrays survive either driver. */
function typedParam(type: CrmFieldType, value: unknown): SQL {
  if (value === null || value === undefined) return sql`null::${sql.raw(sqlType(type))}`;
  if (type === 'json') return sql`${JSON.stringify(value)}::jsonb`;
  return sql`${value}::${sql.raw(sqlType(type))}`;
}

function table(type: CrmEntityType): SQL {
  return sql`${ident(crmEntities[type].table)}`;
}

/**
 * A caller's product scope as a condition: `and product = any(…)` for a scoped caller (untagged rows, product null,
 * never match), nothing for null (every product). Every query that reads or writes a row by id takes it, so a scoped
 * key is filtered in the query itself, not after.
 */
function inScope(products: readonly string[] | null | undefined): SQL {
  return products ? sql` and product = any(${sql.param([...products])}::text[])` : sql``;
}

/** `%`, `_` and `\` taken literally in an ILIKE pattern. */
const likeEscaped = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export interface EntityFilters {
  product?: string | undefined;
  /** The caller's products (null or absent: every product). */
  products?: readonly string[] | null | undefined;
  /** Case-insensitive substring of any of the type's text fields (a search). */
  text?: string | undefined;
  companyId?: string | undefined;
  contactId?: string | undefined;
  /** Exact matches on canonical columns (email, domain, activity_type, source…): names checked by the caller. */
  equals?: Record<string, string | undefined>;
}

function listConditions(type: CrmEntityType, workspaceId: string, filters: EntityFilters): SQL {
  const def = crmEntities[type];
  const conditions: SQL[] = [sql`workspace_id = ${workspaceId}`, sql`deleted_at is null`];
  if (filters.product !== undefined) conditions.push(sql`product = ${filters.product}`);
  if (filters.products) conditions.push(sql`product = any(${sql.param([...filters.products])}::text[])`);
  if (filters.text !== undefined && filters.text !== '') {
    const pattern = `%${likeEscaped(filters.text)}%`;
    const textFields = Object.entries(def.fields).filter(([, t]) => t === 'text').map(([name]) => sql`${ident(name)} ilike ${pattern}`);
    conditions.push(sql`(${sql.join(textFields, sql` or `)})`);
  }
  if (filters.companyId !== undefined && def.links.includes('company')) conditions.push(sql`company_id = ${filters.companyId}`);
  if (filters.contactId !== undefined && def.links.includes('contact')) conditions.push(sql`contact_id = ${filters.contactId}`);
  for (const [column, value] of Object.entries(filters.equals ?? {})) {
    if (value === undefined || !(column in def.fields)) continue;
    conditions.push(sql`${ident(column)} = ${value}`);
  }
  return sql.join(conditions, sql` and `);
}

export async function listEntities(
  db: Db,
  type: CrmEntityType,
  workspaceId: string,
  filters: EntityFilters,
  page: { limit: number; offset: number },
): Promise<{ rows: EntityRow[]; total: number }> {
  const where = listConditions(type, workspaceId, filters);
  const rows = await queryRows<EntityRow>(
    db,
    sql`select * from ${table(type)} where ${where} order by created_at desc, id desc limit ${page.limit} offset ${page.offset}`,
  );
  const [count] = await queryRows<{ n: number | string }>(db, sql`select count(*) as n from ${table(type)} where ${where}`);
  return { rows, total: Number(count?.n ?? 0) };
}

/** A live entity of the workspace (and of one of `products`, when given). */
export async function getEntity(db: Db, type: CrmEntityType, workspaceId: string, id: string, products?: readonly string[] | null): Promise<EntityRow | undefined> {
  const [row] = await queryRows<EntityRow>(db, sql`select * from ${table(type)} where workspace_id = ${workspaceId} and id = ${id} and deleted_at is null${inScope(products)}`);
  return row;
}

/** The entity holding a merge key (domain or email) in a product, deleted or not. */
export async function findByMergeKey(db: Db, type: CrmEntityType, workspaceId: string, product: string | null, key: string): Promise<EntityRow | undefined> {
  const column = crmEntities[type].mergeKey;
  if (!column) return undefined;
  const [row] = await queryRows<EntityRow>(
    db,
    sql`select * from ${table(type)} where workspace_id = ${workspaceId} and coalesce(product, '') = ${product ?? ''} and ${ident(column)} = ${key}`,
  );
  return row;
}

export interface EntityWrite {
  product?: string | null;
  companyId?: string | null;
  contactId?: string | null;
  /** Canonical columns to set (only those present). */
  fields: Record<string, unknown>;
  /** Replaces the custom object when given. */
  custom?: Record<string, unknown>;
  /** Field names to add to `edited_fields`: syncs leave them alone from now on. */
  edited?: string[];
  /** Link keys (`company_domain`, `contact_email`) from which links are resolved, for entities that have them. */
  linkKeys?: Partial<Record<'company_domain' | 'contact_email', string | null>>;
}

function linkKeyEntries(type: CrmEntityType, write: EntityWrite): [string, string | null][] {
  const def = crmEntities[type];
  return Object.entries(write.linkKeys ?? {}).filter(
    ([name, value]) => value !== undefined && ((name === 'company_domain' && def.links.includes('company')) || (name === 'contact_email' && def.links.includes('contact'))),
  ) as [string, string | null][];
}

function assignments(type: CrmEntityType, write: EntityWrite): SQL[] {
  const def = crmEntities[type];
  const sets: SQL[] = [];
  for (const [name, value] of Object.entries(write.fields)) {
    const fieldType = def.fields[name];
    if (fieldType) sets.push(sql`${ident(name)} = ${typedParam(fieldType, value)}`);
  }
  if (write.product !== undefined) sets.push(sql`product = ${write.product}`);
  if (write.companyId !== undefined && def.links.includes('company')) sets.push(sql`company_id = ${write.companyId}`);
  if (write.contactId !== undefined && def.links.includes('contact')) sets.push(sql`contact_id = ${write.contactId}`);
  if (write.custom !== undefined) sets.push(sql`custom = ${JSON.stringify(write.custom)}::jsonb`);
  for (const [name, value] of linkKeyEntries(type, write)) sets.push(sql`${ident(name)} = ${value}`);
  return sets;
}

/** Creates an entity through the API (or Tributary's own activity log: `created_via` `tributary`). */
export async function insertEntity(
  db: Db,
  type: CrmEntityType,
  row: { id: string; workspaceId: string; createdVia?: 'api' | 'tributary' } & EntityWrite,
): Promise<EntityRow> {
  const def = crmEntities[type];
  const columns: SQL[] = [sql`id`, sql`workspace_id`, sql`created_via`, sql`product`, sql`custom`, sql`edited_fields`];
  const values: SQL[] = [sql`${row.id}`, sql`${row.workspaceId}`, sql`${row.createdVia ?? 'api'}`, sql`${row.product ?? null}`, sql`${JSON.stringify(row.custom ?? {})}::jsonb`, sql`${JSON.stringify(row.edited ?? [])}::jsonb`];
  for (const [name, value] of Object.entries(row.fields)) {
    const fieldType = def.fields[name];
    if (!fieldType) continue;
    columns.push(sql`${ident(name)}`);
    values.push(typedParam(fieldType, value));
  }
  if (def.links.includes('company')) {
    columns.push(sql`company_id`);
    values.push(sql`${row.companyId ?? null}`);
  }
  if (def.links.includes('contact')) {
    columns.push(sql`contact_id`);
    values.push(sql`${row.contactId ?? null}`);
  }
  for (const [name, value] of linkKeyEntries(type, row)) {
    columns.push(sql`${ident(name)}`);
    values.push(sql`${value}`);
  }
  const [created] = await queryRows<EntityRow>(
    db,
    sql`insert into ${table(type)} (${sql.join(columns, sql`, `)}) values (${sql.join(values, sql`, `)}) returning *`,
  );
  return created!;
}

/** Updates a live entity (or, with `revive`, a deleted one: an API create that lands on a deleted entity's key). */
export async function updateEntity(
  db: Db,
  type: CrmEntityType,
  workspaceId: string,
  id: string,
  write: EntityWrite,
  options: { revive?: boolean; products?: readonly string[] | null } = {},
): Promise<EntityRow | undefined> {
  const sets = assignments(type, write);
  sets.push(sql`updated_at = now()`);
  if (write.edited && write.edited.length > 0) {
    sets.push(sql`edited_fields = (select coalesce(jsonb_agg(distinct e), '[]'::jsonb) from jsonb_array_elements_text(edited_fields || ${JSON.stringify(write.edited)}::jsonb) e)`);
  }
  if (options.revive) sets.push(sql`deleted_at = null`, sql`created_via = 'api'`);
  const [row] = await queryRows<EntityRow>(
    db,
    sql`update ${table(type)} set ${sql.join(sets, sql`, `)}
        where workspace_id = ${workspaceId} and id = ${id} ${options.revive ? sql`` : sql`and deleted_at is null`}${inScope(options.products)} returning *`,
  );
  return row;
}

/** Soft-deletes a live entity (of one of `products`, when given); links pointing at it are cleared so nothing refers to a deleted entity. */
export async function softDeleteEntity(db: Db, type: CrmEntityType, workspaceId: string, id: string, products?: readonly string[] | null): Promise<boolean> {
  const n = await execute(db, sql`update ${table(type)} set deleted_at = now(), updated_at = now() where workspace_id = ${workspaceId} and id = ${id} and deleted_at is null${inScope(products)}`);
  if (n === 0) return false;
  const link = type === 'companies' ? 'company_id' : type === 'contacts' ? 'contact_id' : null;
  if (link) {
    for (const other of Object.keys(crmEntities) as CrmEntityType[]) {
      if (!crmEntities[other].links.includes(type === 'companies' ? 'company' : 'contact')) continue;
      await db.execute(sql`update ${table(other)} set ${ident(link)} = null where workspace_id = ${workspaceId} and ${ident(link)} = ${id}`);
    }
  }
  return true;
}
