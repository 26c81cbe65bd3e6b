import { getTableColumns, getTableName } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { describe, expect, it } from 'vitest';
import { crmEntities, crmEntityTypes, linkKeyFields } from '../contracts/crm.js';
import { crmActivities, crmCompanies, crmContacts, crmDeals, crmEngagements, crmInvoices } from './schema.js';

const tables: PgTable[] = [crmCompanies, crmContacts, crmDeals, crmEngagements, crmInvoices, crmActivities];

/** The CRM queries are generic over contracts/crm.ts: every canonical field must be a column of its table. */
describe('CRM tables match the entity definitions', () => {
  it.each(crmEntityTypes)('%s', (type) => {
    const def = crmEntities[type];
    const table = tables.find((t) => getTableName(t) === def.table)!;
    expect(table, def.table).toBeDefined();
    const columns = new Set(Object.values(getTableColumns(table)).map((c) => c.name));
    for (const field of Object.keys(def.fields)) expect(columns, `${def.table}.${field}`).toContain(field);
    for (const link of def.links) {
      expect(columns).toContain(`${link}_id`);
      expect(columns).toContain(linkKeyFields[link]);
    }
  });
});
