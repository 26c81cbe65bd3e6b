import type { CrmBody } from '../../contracts/api/crm.js';
import { crmEntities, type CrmEntityType } from '../../contracts/crm.js';
import { AppError } from '../../contracts/errors.js';
import { emailCompanyDomain, normalizeDomain, normalizeEmail } from '../../core/crm-normalize.js';
import type { Db } from '../../db/db.js';
import { getEntity, type EntityRow, type EntityWrite } from '../../db/queries/crm-entities.js';
import { backfillLinks, resolveLinks } from '../../db/queries/crm-projection.js';
import type { ProductScope } from '../keys/product-scope.js';

/**
 * What the CRM entity operations (create, update, get, delete) share: the noun messages name an entity by, the
 * body → write translation, and the link resolution after a write.
 */
export const crmEntityNoun: Record<CrmEntityType, string> = {
  companies: 'company',
  contacts: 'contact',
  deals: 'deal',
  engagements: 'engagement',
  invoices: 'invoice',
  activities: 'activity',
};

export const entityNotFound = (type: CrmEntityType, id: string): AppError => new AppError('not_found', `No ${crmEntityNoun[type]} "${id}".`);

export const capitalised = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/** The value of the entity's merge key (a company's domain, a contact's email) that a write sets, if any. */
export function mergeKeyOf(type: CrmEntityType, write: EntityWrite): string | null {
  const mergeKey = crmEntities[type].mergeKey;
  if (!mergeKey) return null;
  const value = write.fields[mergeKey];
  return typeof value === 'string' ? value : null;
}

/**
 * Body → write: merge keys normalized, links checked against the workspace (and the caller's products: a company of
 * another product does not exist for a scoped key), every given field marked edited.
 */
export async function prepareEntityWrite(tx: Db, type: CrmEntityType, workspaceId: string, body: CrmBody, products: ProductScope): Promise<EntityWrite> {
  const def = crmEntities[type];
  const write: EntityWrite = { fields: {}, edited: [] };
  for (const name of Object.keys(def.fields)) {
    if (!(name in body) || body[name] === undefined) continue;
    let value = body[name];
    if (name === 'domain' && typeof value === 'string') {
      value = normalizeDomain(value);
      if (!value) throw new AppError('validation_failed', `domain: "${String(body[name])}" is not a domain name.`, { field: 'domain' });
    }
    if (name === 'email' && typeof value === 'string') {
      value = normalizeEmail(value);
      if (!value) throw new AppError('validation_failed', `email: "${String(body[name])}" is not an email address.`, { field: 'email' });
    }
    write.fields[name] = value;
    write.edited!.push(name);
  }
  if (body.product !== undefined) write.product = body.product;
  if (body.custom !== undefined) write.custom = body.custom;
  for (const link of def.links) {
    const field = `${link}_id` as const;
    const value = body[field];
    if (value === undefined) continue;
    if (value !== null && !(await getEntity(tx, link === 'company' ? 'companies' : 'contacts', workspaceId, value as string, products))) {
      throw new AppError('validation_failed', `${field}: no ${link} "${String(value)}" in this workspace.`, { field });
    }
    if (link === 'company') write.companyId = value as string | null;
    else write.contactId = value as string | null;
    write.edited!.push(field);
  }
  // A contact's email names its company's domain: the contact joins that company when it exists (now or later).
  if (type === 'contacts' && typeof write.fields['email'] === 'string') write.linkKeys = { company_domain: emailCompanyDomain(write.fields['email']) };
  return write;
}

/** Links resolved both ways: this entity to what it names, and whatever was waiting for this company or contact. */
export async function afterEntityWrite(tx: Db, type: CrmEntityType, workspaceId: string, row: EntityRow): Promise<EntityRow> {
  await resolveLinks(tx, type, [row.id]);
  const key = row['domain'] ?? row['email'];
  if (type === 'companies' && typeof key === 'string') await backfillLinks(tx, workspaceId, 'company', [key]);
  if (type === 'contacts' && typeof key === 'string') await backfillLinks(tx, workspaceId, 'contact', [key]);
  return (await getEntity(tx, type, workspaceId, row.id)) ?? row;
}
