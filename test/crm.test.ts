import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGmailSandbox } from '../src/connectors/gmail/sandbox/index.js';
import { createQuickBooksSandbox } from '../src/connectors/quickbooks/sandbox/index.js';
import { createStripeSandbox } from '../src/connectors/stripe/sandbox/index.js';
import type { SandboxHandle } from '../src/contracts/connector-kit.js';
import { isFreeMailDomain } from '../src/core/crm-normalize.js';
import { databaseKinds } from './support/databases.js';
import { allRows, rowCounts } from './support/record-rows.js';
import { install, syncAndWait } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const STRIPE_KEY = 'sk_test_crm0123456789abcdefghijklmnopqrstuvwxyz';
const QB_TOKEN = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..crm-token-0123456789';
const GMAIL_TOKEN = 'ya29.crm_gmail_token_0123456789abcdef';
const reports = { reports_start_date: '2024-01-01', reports_end_date: '2024-03-31' };

type Json = Record<string, any>;

/**
 * The canonical CRM model end to end: Stripe, QuickBooks and two Gmail mailboxes sync into one workspace; their
 * default mappings fill companies, contacts, invoices and activities; the same company (domain) or contact
 * (email) seen in several records, streams or connections is one entity that keeps every source; entities
 * created through the API are what synced records merge into; the CRUD API filters and paginates; mapping edits
 * re-project without changing ids; entity counts; and Tributary logs its own activities. The three sandboxes share
 * one business world (the sandbox kit's `businessWorld`), so some clients are in all of them and merge.
 */
describe.each(databaseKinds)('CRM on %s', (kind) => {
  let rt: TestRuntime;
  let key: string;
  let viewerKey: string;
  let stripe: SandboxHandle;
  let quickbooks: SandboxHandle & { realmId: string };
  let mailboxA: SandboxHandle;
  let mailboxB: SandboxHandle;
  const ids: Record<string, string> = {};

  const get = async (url: string, as = key) => {
    const res = await rt.inject({ method: 'GET', url: `/api/v1${url}`, key: as });
    expect(res.status, `${url}: ${res.raw}`).toBe(200);
    return res.body as Json;
  };
  const send = (method: string, url: string, body?: unknown, as = key) => rt.inject({ method, url: `/api/v1${url}`, key: as, body });
  /** Every live entity of a list, through the pagination. */
  const all = async (path: string, query = ''): Promise<Json[]> => {
    const out: Json[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await get(`/${path}?limit=100&offset=${offset}${query ? `&${query}` : ''}`);
      out.push(...page['data']);
      if (!page['pagination'].hasMore) return out;
    }
  };

  beforeAll(async () => {
    stripe = await createStripeSandbox({ port: 0, records: 24, seed: 11, token: STRIPE_KEY });
    quickbooks = await createQuickBooksSandbox({ port: 0, records: 24, seed: 23, token: QB_TOKEN });
    // Mailbox seeds where Priya writes to both mailboxes and Tomás to the first (the tests below rely on it).
    mailboxA = await createGmailSandbox({ port: 0, records: 24, seed: 6, token: GMAIL_TOKEN });
    mailboxB = await createGmailSandbox({ port: 0, records: 24, seed: 12, token: GMAIL_TOKEN });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [stripe, quickbooks, mailboxA, mailboxB].map((s) => new URL(s.url).host) });
    key = rt.bootstrap!.apiKey;
    const viewer = await send('POST', '/api-keys', { name: 'reader', role: 'viewer' });
    expect(viewer.status, viewer.raw).toBe(201);
    viewerKey = viewer.body.key;
  }, 60_000);
  afterAll(async () => {
    await rt?.stop();
    await Promise.all([stripe, quickbooks, mailboxA, mailboxB].map((s) => s?.close()));
  });

  it('entities created through the API come first: keys normalized, contacts join their company by domain', async () => {
    const company = await send('POST', '/companies', { name: 'Northwind Traders', domain: 'https://www.Northwind.example/about', company_type: 'client' });
    expect(company.status, company.raw).toBe(201);
    expect(company.body).toMatchObject({ name: 'Northwind Traders', domain: 'northwind.example', company_type: 'client', product: null, created_via: 'api' });
    expect(company.body.id).toMatch(/^co_/);
    ids['northwind'] = company.body.id;

    const contact = await send('POST', '/contacts', { email: 'Priya.Raman@NORTHWIND.example', pipeline_stage: 'onboarding', portal_access: 1, portal_role: 'client_admin' });
    expect(contact.status, contact.raw).toBe(201);
    expect(contact.body).toMatchObject({ email: 'priya.raman@northwind.example', company_id: ids['northwind'], pipeline_stage: 'onboarding', portal_access: 1 });
    ids['priya'] = contact.body.id;

    // The same key again is a conflict that names the existing entity; in another product it is another entity.
    const again = await send('POST', '/contacts', { email: 'priya.raman@northwind.example' });
    expect(again.status).toBe(409);
    expect(again.body.error.code).toBe('conflict');
    expect(again.body.error.message).toContain(ids['priya']);
    const scoped = await send('POST', '/companies', { name: 'Northwind (Mode)', domain: 'northwind.example', product: 'mode' });
    expect(scoped.status, scoped.raw).toBe(201);
    expect(scoped.body.id).not.toBe(ids['northwind']);
    ids['northwindMode'] = scoped.body.id;
  });

  it('refuses bad input with stable codes and lets a viewer read but not write', async () => {
    const badEmail = await send('POST', '/contacts', { email: 'not an email' });
    expect(badEmail.status).toBe(400);
    expect(badEmail.body.error).toMatchObject({ code: 'validation_failed', field: 'email' });
    const unknownField = await send('POST', '/companies', { name: 'X', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.code).toBe('validation_failed');
    const nothing = await send('POST', '/activities', { title: 'no type' });
    expect(nothing.status).toBe(400);
    expect(nothing.body.error.message).toMatch(/activity_type/);
    const dangling = await send('POST', '/activities', { activity_type: 'note', company_id: 'co_nope' });
    expect(dangling.status).toBe(400);
    expect(dangling.body.error).toMatchObject({ code: 'validation_failed', field: 'company_id' });
    expect((await send('POST', '/companies', { name: 'Read only' }, viewerKey)).status).toBe(403);
    expect((await send('PATCH', `/companies/${ids['northwind']}`, { name: 'x' }, viewerKey)).status).toBe(403);
    expect((await get(`/companies/${ids['northwind']}`, viewerKey))['name']).toBe('Northwind Traders');
    expect((await send('GET', '/companies/co_missing')).status).toBe(404);
    // Another workspace's entity does not exist for this one.
    const other = await rt.workspace('owner');
    expect((await send('GET', `/companies/${ids['northwind']}`, undefined, other.apiKey)).status).toBe(404);
  });

  it('syncing Stripe, QuickBooks and two Gmail mailboxes fills companies, contacts, invoices and activities', async () => {
    ids['stripe'] = await install(rt, key, 'stripe', { fields: { api_key: STRIPE_KEY }, config: { base_url: stripe.url } });
    ids['quickbooks'] = await install(rt, key, 'quickbooks', {
      fields: { token: QB_TOKEN },
      config: { base_url: quickbooks.url, realm_id: quickbooks.realmId, ...reports },
    });
    ids['gmailA'] = await install(rt, key, 'gmail', { name: 'Mailbox A', fields: { token: GMAIL_TOKEN }, config: { base_url: mailboxA.url } });
    ids['gmailB'] = await install(rt, key, 'gmail', { name: 'Mailbox B', fields: { token: GMAIL_TOKEN }, config: { base_url: mailboxB.url } });
    for (const name of ['stripe', 'quickbooks', 'gmailA', 'gmailB']) {
      const run = await syncAndWait(rt, key, ids[name]!, {}, 120_000);
      expect(run.status, `${name}: ${JSON.stringify(run)}`).toBe('COMPLETED');
    }

    // Invoices: one per Stripe and QuickBooks invoice, linked to the contact billed and its company.
    const invoices = await all('invoices');
    const stripeInvoices = await rowCounts(rt, ids['stripe']!, 'invoices');
    const qbInvoices = await rowCounts(rt, ids['quickbooks']!, 'invoices');
    expect(invoices.length).toBe(stripeInvoices.live + qbInvoices.live);
    expect(invoices.length).toBeGreaterThan(20);
    expect(invoices.every((i) => typeof i['total'] === 'number' && i['currency'] === 'USD' && i['contact_id'])).toBe(true);

    // A Stripe invoice: amounts in currency units, its contact is the Stripe customer, one entity for both.
    const [stripeInvoice] = await allRowsOf(ids['stripe']!, 'invoices');
    const mapped = invoices.find((i) => i['number'] === (stripeInvoice!['number'] ?? stripeInvoice!['id']));
    expect(mapped, 'the Stripe invoice is in the CRM').toBeDefined();
    expect(mapped!['total']).toBe(stripeInvoice!['total'] / 100);
    const billed = await get(`/contacts/${mapped!['contact_id']}`);
    expect(billed['email']).toBe(String(stripeInvoice!['customer_email']).toLowerCase());
    expect(billed['sources'].some((s: Json) => s['connector'] === 'stripe' && s['stream'] === 'customers')).toBe(true);

    // Companies by domain: Stripe's customers share a few domains (free-mail ones make none), each one company
    // holding every customer's source (and the other connectors' records at that domain: the shared world's).
    const customers = await allRowsOf(ids['stripe']!, 'customers');
    const domains = new Set(customers.map((c) => String(c['email']).split('@')[1]!).filter((d) => !isFreeMailDomain(d)));
    expect(domains.size).toBeGreaterThan(3);
    for (const domain of domains) {
      const [company, ...more] = await all('companies', `domain=${domain}`);
      expect(more).toHaveLength(0);
      const detail = await get(`/companies/${company!['id']}`);
      expect(detail['sources_total']).toBeLessThanOrEqual(100);
      const atDomain = customers.filter((c) => String(c['email']).endsWith(`@${domain}`));
      expect(detail['sources'].filter((s: Json) => s['connector'] === 'stripe')).toHaveLength(atDomain.length);
      const contacts = (await all('contacts', `company_id=${company!['id']}`)).map((c) => c['email']);
      expect(contacts).toEqual(expect.arrayContaining(atDomain.map((c) => String(c['email']).toLowerCase())));
    }

    // QuickBooks customers are companies (by CompanyName and email domain) and contacts.
    const qbCustomers = await allRowsOf(ids['quickbooks']!, 'customers');
    const qbContact = (await all('contacts', `email=${qbCustomers[0]!['PrimaryEmailAddr']['Address']}`))[0]!;
    expect(qbContact).toMatchObject({ first_name: qbCustomers[0]!['GivenName'], last_name: qbCustomers[0]!['FamilyName'] });
    const qbCompany = await get(`/companies/${qbContact['company_id']}`);
    expect(qbCompany['name']).toBe(qbCustomers[0]!['CompanyName']);
    expect(qbCompany['company_type']).toBe('customer');

    // Every Gmail message is an email activity, linked to the other party.
    const emails = await all('activities', 'activity_type=email');
    const messages = (await rowCounts(rt, ids['gmailA']!, 'messages')).live + (await rowCounts(rt, ids['gmailB']!, 'messages')).live;
    expect(emails.length).toBe(messages);
    expect(emails.every((a) => a['source'] === 'gmail' && a['occurred_at'] && a['title'])).toBe(true);
    expect(emails.filter((a) => a['contact_id']).length).toBe(emails.length);
  }, 240_000);

  it('clients of the shared business world merge across Stripe, QuickBooks and Gmail: one contact, one company, their invoices and emails', async () => {
    const connectorsOf = (detail: Json) => new Set<string>(detail['sources'].map((s: Json) => s['connector']));
    // Contacts with sources from all three connectors: a customer paying through Stripe, invoiced in QuickBooks,
    // writing to (or written to from) a mailbox.
    const merged: Json[] = [];
    for (const contact of await all('contacts')) {
      const detail = await get(`/contacts/${contact['id']}`);
      const connectors = connectorsOf(detail);
      if (['stripe', 'quickbooks', 'gmail'].every((c) => connectors.has(c))) merged.push(detail);
    }
    expect(merged.length, 'contacts with Stripe, QuickBooks and Gmail sources').toBeGreaterThanOrEqual(1);
    let companiesFromSeveral = 0;
    for (const company of await all('companies')) if (connectorsOf(await get(`/companies/${company['id']}`)).size >= 2) companiesFromSeveral++;
    expect(companiesFromSeveral, 'companies with sources from two connectors or more').toBeGreaterThanOrEqual(merged.length);

    const stripeInvoices = await allRowsOf(ids['stripe']!, 'invoices');
    const qbInvoices = await allRowsOf(ids['quickbooks']!, 'invoices');
    const messages = [...(await allRowsOf(ids['gmailA']!, 'messages')), ...(await allRowsOf(ids['gmailB']!, 'messages'))];
    const addressOf = (header: unknown) => (/<([^<>]+)>/.exec(String(header))?.[1] ?? String(header)).toLowerCase();
    const otherParty = (m: Json) => addressOf((m['labelIds'] as string[]).includes('SENT') ? m['to'] : m['from']);
    let qbBilled = 0;
    for (const contact of merged) {
      const email = contact['email'] as string;
      // Its company, by the email's domain, gathered the same client from every connector.
      const company = await get(`/companies/${contact['company_id']}`);
      expect(company['domain']).toBe(email.split('@')[1]);
      expect(connectorsOf(company).size).toBeGreaterThanOrEqual(2);
      expect((await all('companies', `domain=${company['domain']}`)).map((c) => c['id'])).toEqual([company['id']]);
      // Stripe's and QuickBooks' invoices for that person are linked to the one contact and its company.
      const invoices = await all('invoices', `contact_id=${contact['id']}`);
      const fromStripe = stripeInvoices.filter((i) => String(i['customer_email']).toLowerCase() === email).length;
      const fromQuickBooks = qbInvoices.filter((i) => String(i['BillEmail']?.['Address']).toLowerCase() === email).length;
      expect(fromStripe, email).toBeGreaterThan(0);
      expect(invoices.length, email).toBe(fromStripe + fromQuickBooks);
      expect(invoices.every((i) => i['company_id'] === company['id'])).toBe(true);
      if (fromQuickBooks > 0) qbBilled++;
      // Every email with that person, from both mailboxes, is an activity linked to the merged contact.
      const activities = await all('activities', `contact_id=${contact['id']}`);
      expect(activities.length, email).toBe(messages.filter((m) => otherParty(m) === email).length);
      expect(activities.length).toBeGreaterThan(0);
      expect(activities.every((a) => a['activity_type'] === 'email' && a['source'] === 'gmail' && a['company_id'] === company['id'])).toBe(true);
    }
    expect(qbBilled, 'merged contacts billed in QuickBooks too').toBeGreaterThanOrEqual(1);
  });

  it('the same contact and company from several records and connections is one entity that keeps every source', async () => {
    // The API-created contact absorbed every Gmail message with Priya, from both mailboxes, keeping its own values.
    const priya = await get(`/contacts/${ids['priya']}`);
    expect(priya).toMatchObject({ id: ids['priya'], email: 'priya.raman@northwind.example', name: 'Priya Raman', pipeline_stage: 'onboarding', created_via: 'api', company_id: ids['northwind'] });
    const priyaConnections = new Set(priya['sources'].map((s: Json) => s['connection_id']));
    expect(priyaConnections).toEqual(new Set([ids['gmailA'], ids['gmailB']]));
    expect(priya['sources'].every((s: Json) => s['stream'] === 'messages' && s['fields']['email'] === 'priya.raman@northwind.example')).toBe(true);
    expect(await all('contacts', 'email=priya.raman@northwind.example')).toHaveLength(1);
    // Its activities are linked to it.
    const priyaActivities = await all('activities', `contact_id=${ids['priya']}`);
    expect(priyaActivities.length).toBe(priya['sources_total']);
    expect(priyaActivities.every((a) => a['company_id'] === ids['northwind'])).toBe(true);

    // The API-created company kept its name over the domain label the mapping derives ("Northwind").
    const northwind = await get(`/companies/${ids['northwind']}`);
    expect(northwind['name']).toBe('Northwind Traders');
    expect(northwind['sources_total']).toBeGreaterThan(0);
    expect(await all('companies', 'domain=northwind.example')).toHaveLength(2); // no product, and product "mode"
    expect(await all('companies', 'domain=northwind.example&product=mode')).toHaveLength(1);

    // A correspondent of both mailboxes that nobody created by hand: one contact, sources in both connections.
    const people = await all('contacts');
    const shared = people.filter((p) => p['email']?.endsWith('.example') && p['created_via'] === 'sync');
    let both = 0;
    for (const person of shared) {
      const detail = await get(`/contacts/${person['id']}`);
      const connections = new Set(detail['sources'].map((s: Json) => s['connection_id']));
      if (connections.has(ids['gmailA']) && connections.has(ids['gmailB'])) both++;
    }
    expect(both).toBeGreaterThan(0);
    // No two live contacts share an email.
    const emails = people.map((p) => p['email']).filter(Boolean);
    expect(new Set(emails).size).toBe(emails.length);
  });

  it('CRUD: activities with free-form type and metadata, filters, pagination, edits that syncs keep, deletes', async () => {
    const logged = await send('POST', '/activities', {
      activity_type: 'scan_completed',
      company_id: ids['northwind'],
      contact_id: ids['priya'],
      title: 'Mode scan completed',
      description: 'Full technology audit finished. 47 systems mapped.',
      source: 'mode',
      product: 'mode',
      metadata: { scan_id: 'scan_xyz', systems_found: 47 },
    });
    expect(logged.status, logged.raw).toBe(201);
    expect(logged.body).toMatchObject({ activity_type: 'scan_completed', source: 'mode', product: 'mode', metadata: { scan_id: 'scan_xyz', systems_found: 47 } });
    expect(logged.body.id).toMatch(/^act_/);
    expect((await all('activities', 'product=mode')).map((a) => a['id'])).toEqual([logged.body.id]);
    expect((await all('activities', `contact_id=${ids['priya']}&source=mode`)).map((a) => a['id'])).toEqual([logged.body.id]);

    // Pagination: limit/offset with total and hasMore, no row twice.
    const first = await get('/contacts?limit=5');
    const second = await get('/contacts?limit=5&offset=5');
    expect(first['pagination']).toMatchObject({ limit: 5, offset: 0, hasMore: true });
    expect(first['pagination'].total).toBeGreaterThan(10);
    expect(new Set([...first['data'], ...second['data']].map((c: Json) => c['id'])).size).toBe(10);

    // A deal and an engagement for the company.
    const deal = await send('POST', '/deals', { name: 'Mode expansion deal', company_id: ids['northwind'], amount: 12000.5, currency: 'USD', stage: 'proposal', close_date: '2026-09-30T00:00:00Z' });
    expect(deal.status, deal.raw).toBe(201);
    expect(deal.body).toMatchObject({ amount: 12000.5, stage: 'proposal', close_date: '2026-09-30T00:00:00.000Z', company_id: ids['northwind'] });
    const engagement = await send('POST', '/engagements', { name: 'Mode implementation retainer', company_id: ids['northwind'], engagement_type: 'retainer', status: 'active' });
    expect(engagement.status, engagement.raw).toBe(201);
    expect((await all('deals', `company_id=${ids['northwind']}`)).map((d) => d['id'])).toEqual([deal.body.id]);
    expect((await all('engagements', `company_id=${ids['northwind']}`)).map((d) => d['id'])).toEqual([engagement.body.id]);

    // An edited field survives the next sync that touches the entity; the others still follow the source.
    const someone = (await all('contacts', 'email=tomas@ortega-consulting.example'))[0]!;
    const patched = await send('PATCH', `/contacts/${someone['id']}`, { name: 'Tomás R.', title: 'CTO' });
    expect(patched.status, patched.raw).toBe(200);
    // Re-projecting the mailbox from scratch (PUT mappings) applies every record again: same ids, the edits kept.
    const contactsBefore = (await all('contacts')).map((c) => c['id']).sort();
    const again = await send('PUT', `/connections/${ids['gmailA']}/mappings`, { mappings: null });
    expect(again.status, again.raw).toBe(200);
    expect(again.body.projection.records).toBe((await rowCounts(rt, ids['gmailA']!, 'messages')).live);
    expect(again.body.projection.deleted_entities).toBe(0);
    expect(await get(`/contacts/${someone['id']}`)).toMatchObject({ name: 'Tomás R.', title: 'CTO', email: 'tomas@ortega-consulting.example' });
    expect((await all('contacts')).map((c) => c['id']).sort()).toEqual(contactsBefore);

    // Changing a contact's email onto another contact's is a conflict.
    const clash = await send('PATCH', `/contacts/${someone['id']}`, { email: 'priya.raman@northwind.example' });
    expect(clash.status).toBe(409);

    const removed = await send('DELETE', `/deals/${deal.body.id}`);
    expect(removed.status).toBe(200);
    expect((await send('GET', `/deals/${deal.body.id}`)).status).toBe(404);
    expect((await send('DELETE', `/deals/${deal.body.id}`)).status).toBe(404);
  }, 120_000);

  it('entity counts give rows per stream and the entities each connection supports', async () => {
    const counts = await get(`/connections/${ids['stripe']}/entity-counts`);
    const customers = await rowCounts(rt, ids['stripe']!, 'customers');
    const invoices = await rowCounts(rt, ids['stripe']!, 'invoices');
    expect(counts['streams']).toEqual(expect.arrayContaining([{ stream: 'customers', ...customers }, { stream: 'invoices', ...invoices }]));
    const domains = new Set((await allRowsOf(ids['stripe']!, 'customers')).map((c) => String(c['email']).split('@')[1]!).filter((d) => !isFreeMailDomain(d)));
    expect(counts['entities']).toMatchObject({ contacts: customers.live, invoices: invoices.live, companies: domains.size, activities: 0 });
    const gmail = await get(`/connections/${ids['gmailA']}/entity-counts`);
    expect(gmail['entities']['activities']).toBe((await rowCounts(rt, ids['gmailA']!, 'messages')).live);
    expect((await send('GET', '/connections/conn_missing/entity-counts')).status).toBe(404);
  });

  it('mapping edits are validated, re-project from scratch and keep entity ids', async () => {
    const defaults = await get(`/connections/${ids['stripe']}/mappings`);
    expect(defaults['customized']).toBe(false);
    expect(defaults['mappings'].map((m: Json) => m['name'])).toEqual(['customer_company', 'customer_contact', 'invoice']);

    const badStream = await send('PUT', `/connections/${ids['stripe']}/mappings`, { mappings: [{ name: 'x', stream: 'payouts', entity: 'deals', fields: { name: 'id' } }] });
    expect(badStream.status).toBe(400);
    expect(badStream.body.error).toMatchObject({ code: 'validation_failed', field: 'mappings.0.stream' });
    const badField = await send('PUT', `/connections/${ids['stripe']}/mappings`, { mappings: [{ name: 'x', stream: 'customers', entity: 'contacts', fields: { colour: 'id' } }] });
    expect(badField.status).toBe(400);
    expect(badField.body.error.message).toMatch(/colour/);
    expect((await send('PUT', `/connections/${ids['stripe']}/mappings`, { mappings: null }, viewerKey)).status).toBe(403);

    const companiesBefore = await all('companies', 'domain=example.com');
    const invoiceIdsBefore = (await all('invoices')).map((i) => i['id']).sort();
    // Drop the company mapping, and map charges to deals: Stripe's companies lose their only sources.
    const edited = defaults['mappings'].filter((m: Json) => m['name'] !== 'customer_company');
    edited.push({ name: 'charge_deal', stream: 'charges', entity: 'deals', fields: { name: 'description', amount: { path: 'amount', transform: 'cents_to_amount' }, status: 'status', contact_email: { path: 'billing_details.email', transform: 'email' } } });
    const put = await send('PUT', `/connections/${ids['stripe']}/mappings`, { mappings: edited });
    expect(put.status, put.raw).toBe(200);
    expect(put.body.customized).toBe(true);
    expect(put.body.projection.deleted_entities).toBeGreaterThanOrEqual(3);
    expect(await all('companies', 'domain=example.com')).toHaveLength(0);
    const charges = await rowCounts(rt, ids['stripe']!, 'charges');
    const deals = await all('deals', 'status=succeeded');
    expect(deals.length).toBeGreaterThan(0);
    expect((await get(`/connections/${ids['stripe']}/entity-counts`))['entities']).toMatchObject({ companies: 0, deals: charges.live });
    // Invoices were re-projected onto the same entities.
    expect((await all('invoices')).map((i) => i['id']).sort()).toEqual(invoiceIdsBefore);

    // Back to the defaults: the companies come back with the ids they had, and the deals go.
    const reset = await send('PUT', `/connections/${ids['stripe']}/mappings`, { mappings: null });
    expect(reset.status, reset.raw).toBe(200);
    expect(reset.body.customized).toBe(false);
    expect((await all('companies', 'domain=example.com')).map((c) => c['id'])).toEqual(companiesBefore.map((c) => c['id']));
    expect((await get(`/connections/${ids['stripe']}/entity-counts`))['entities']['deals']).toBe(0);
  }, 120_000);

  it('a deleted source record removes its provenance; the entity goes when nothing supports it', async () => {
    // Incremental Stripe sync after the provider deleted customers (customer.deleted events).
    const before = await rowCounts(rt, ids['stripe']!, 'customers');
    const res = await fetch(`${stripe.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'customers', delete: 2 }) });
    expect(res.ok).toBe(true);
    await syncAndWait(rt, key, ids['stripe']!, {}, 120_000);
    const after = await rowCounts(rt, ids['stripe']!, 'customers');
    expect(after.deleted).toBe(before.deleted + 2);
    const gone = (await allRowsOf(ids['stripe']!, 'customers', true)).filter((r) => r['__deleted']);
    for (const customer of gone) {
      const email = String(customer['email']).toLowerCase();
      const [contact] = await all('contacts', `email=${email}`);
      // The contact is soft-deleted (its invoices may still name it by email, but invoices are not its sources)
      // — unless another connector's records (a client of the shared world) still support it.
      if (contact === undefined) continue;
      const detail = await get(`/contacts/${contact['id']}`);
      expect(detail['sources'].some((s: Json) => s['record_id'] === customer['id'] && s['connection_id'] === ids['stripe'])).toBe(false);
      expect(detail['sources_total']).toBeGreaterThan(0);
    }
    expect((await get(`/connections/${ids['stripe']}/entity-counts`))['entities']['contacts']).toBe(after.live);
  }, 120_000);

  it('Tributary logs its own activities: connections created, a sync failing, then recovering, a connection deleted', async () => {
    const created = await all('activities', 'activity_type=tributary.connection_created');
    expect(created.map((a) => a['metadata']['connection_id']).sort()).toEqual([ids['stripe'], ids['quickbooks'], ids['gmailA'], ids['gmailB']].sort());
    expect(created.every((a) => a['source'] === 'tributary' && a['created_via'] === 'tributary')).toBe(true);

    // A wrong key makes the next sync fail; the right one again makes it recover.
    expect((await send('PATCH', `/connections/${ids['stripe']}`, { fields: { api_key: 'sk_test_wrong_key_000000000000000000000000' } })).status).toBe(200);
    expect((await syncAndWait(rt, key, ids['stripe']!, {}, 120_000)).status).toBe('FAILED');
    expect((await syncAndWait(rt, key, ids['stripe']!, {}, 120_000)).status).toBe('FAILED');
    const failed = await all('activities', 'activity_type=tributary.sync_failed');
    expect(failed, 'one activity for the failure, not one per failed run').toHaveLength(1);
    expect(failed[0]).toMatchObject({ metadata: { connection_id: ids['stripe'], connector: 'stripe' } });
    expect(failed[0]!['description']).not.toContain('sk_test_wrong');
    expect((await send('PATCH', `/connections/${ids['stripe']}`, { fields: { api_key: STRIPE_KEY } })).status).toBe(200);
    expect((await syncAndWait(rt, key, ids['stripe']!, {}, 120_000)).status).toBe('COMPLETED');
    expect(await all('activities', 'activity_type=tributary.sync_recovered')).toHaveLength(1);

    expect((await send('DELETE', `/connections/${ids['gmailB']}`)).status).toBe(200);
    const deleted = await all('activities', 'activity_type=tributary.connection_deleted');
    expect(deleted.map((a) => a['metadata']['connection_id'])).toEqual([ids['gmailB']]);
  }, 120_000);

  /** A stream's rows' payloads, straight from the record table (deleted ones flagged with `__deleted`). */
  async function allRowsOf(connectionId: string, stream: string, includeDeleted = false): Promise<Json[]> {
    const out: Json[] = [];
    for await (const row of allRows(rt, connectionId, stream, includeDeleted)) out.push({ ...row.data, ...(row.deleted_at ? { __deleted: true } : {}) });
    return out;
  }
});
