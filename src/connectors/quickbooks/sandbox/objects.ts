import { hash32, Prng } from '../../kit/sandbox/index.js';
import type { QuickBooksStore } from './store.js';
import { qboDate, qboTime } from './time.js';

/**
 * Entity JSON as the Accounting API returns it at minor version 75: PascalCase fields, references as
 * `{ value, name }`, amounts as JSON numbers, dates as `YYYY-MM-DD`, and `MetaData` timestamps in the company's
 * time zone. Everything is computed from `(seed, index, version)`, so an entity reads the same until it changes.
 */
type Json = Record<string, unknown>;

const givenNames = ['Amy', 'Bill', 'Cathy', 'Dylan', 'Grace', 'Jeff', 'Kate', 'Mark', 'Nora', 'Paulsen', 'Rondonuwu', 'Sushi', 'Travis', 'Wei'] as const;
const familyNames = ['Lauterbach', 'Lucchini', 'Cool', 'Sollmann', 'Pariveda', 'Chin', 'Whelan', 'Cho', 'Medina', 'Bakker', 'Ortiz', 'Keller'] as const;
const businesses = ['Bird Sanctuary', 'Windsurf Shop', 'Cars', 'Fruit Company', 'Wine Bar', 'Photography', 'Diving Club', 'Builders', 'Lawn Care', 'Bike Repair'] as const;
const cities = [
  ['Bayshore', 'CA', '94326'],
  ['Half Moon Bay', 'CA', '94213'],
  ['Middlefield', 'CA', '94303'],
  ['Palo Alto', 'CA', '94304'],
  ['Sunnyvale', 'CA', '94086'],
  ['San Pablo', 'CA', '87999'],
] as const;
const streets = ['Finch St.', 'Main St.', 'Miller Ave.', 'Rose Ln.', 'Ocean Blvd.', 'Elm St.'] as const;
const items = [
  ['1', 'Services', 'Landscaping services'],
  ['3', 'Concrete', 'Concrete for fountain installation'],
  ['5', 'Design', 'Custom design'],
  ['11', 'Pump', 'Fountain pump'],
  ['16', 'Sprinkler Heads', 'Sprinkler heads'],
  ['19', 'Installation', 'Installation of landscape design'],
  ['24', 'Rock Fountain', 'Rock fountain'],
] as const;
const usd = { value: 'USD', name: 'United States Dollar' };

function money(cents: number): number {
  return Math.round(cents) / 100;
}

function address(store: QuickBooksStore, k: number, salt: number, id: string): Json {
  const rng = new Prng(hash32(store.seed, k, salt));
  const [city, region, postal] = rng.pick(cities);
  return { Id: id, Line1: `${rng.range(10, 9999)} ${rng.pick(streets)}`, City: city, CountrySubDivisionCode: region, PostalCode: postal };
}

export function customer(store: QuickBooksStore, k: number): Json {
  const table = store.customers;
  const version = table.version(k);
  const rng = new Prng(hash32(store.seed, k, 0xc0, version));
  const naming = new Prng(hash32(store.seed, k, 0xc057));
  const person = store.worldPerson(k);
  const given = person?.firstName ?? naming.pick(givenNames);
  const family = person?.lastName ?? naming.pick(familyNames);
  const company = person?.company?.name ?? `${given}'s ${naming.pick(businesses)}`;
  const displayName = `${company} ${k + 1}`;
  const balance = rng.chance(0.4) ? 0 : money(rng.range(1_000, 500_000));
  return {
    Taxable: rng.chance(0.3),
    BillAddr: address(store, k, 0xadd, String(2 * k + 2)),
    Job: false,
    BillWithParent: false,
    Balance: balance,
    BalanceWithJobs: balance,
    CurrencyRef: usd,
    PreferredDeliveryMethod: rng.pick(['Print', 'Email', 'None']),
    IsProject: false,
    domain: 'QBO',
    sparse: false,
    Id: String(k + 1),
    SyncToken: String(version),
    MetaData: { CreateTime: qboTime(table.createdAt(k)), LastUpdatedTime: qboTime(table.updatedAt(k)) },
    GivenName: given,
    FamilyName: family,
    FullyQualifiedName: displayName,
    CompanyName: company,
    DisplayName: displayName,
    PrintOnCheckName: company,
    Active: table.active(k),
    PrimaryPhone: { FreeFormNumber: `(650) 555-${String(1000 + (hash32(store.seed, k, 0xf0) % 9000))}` },
    PrimaryEmailAddr: { Address: person?.email ?? `${given.toLowerCase()}@${company.toLowerCase().replace(/[^a-z]+/g, '')}.example` },
    ...(version > 0 ? { Notes: `Account reviewed (revision ${version}).` } : {}),
  };
}

/** The customer an invoice bills: a seeded one, so it always exists (customers are never removed). */
export function invoiceCustomer(store: QuickBooksStore, k: number): number {
  return hash32(store.seed, k, 0x1c) % store.layout.customers;
}

export function invoice(store: QuickBooksStore, k: number): Json {
  const table = store.invoices;
  const version = table.version(k);
  const created = table.createdAt(k);
  const rng = new Prng(hash32(store.seed, k, 0x1a, version));
  const lineCount = 1 + (hash32(store.seed, k, 0x11) % 3);
  const lines: Json[] = [];
  let total = 0;
  for (let n = 1; n <= lineCount; n++) {
    const [itemId, itemName, description] = rng.pick(items);
    const qty = rng.range(1, 12);
    const unitCents = rng.range(500, 45_000);
    const amount = qty * unitCents;
    total += amount;
    lines.push({
      Id: String(n),
      LineNum: n,
      Description: description,
      Amount: money(amount),
      DetailType: 'SalesItemLineDetail',
      SalesItemLineDetail: { ItemRef: { value: itemId, name: itemName }, UnitPrice: money(unitCents), Qty: qty, ItemAccountRef: { value: '79', name: 'Sales of Product Income' }, TaxCodeRef: { value: 'NON' } },
    });
  }
  lines.push({ Amount: money(total), DetailType: 'SubTotalLineDetail', SubTotalLineDetail: {} });
  const customerIndex = invoiceCustomer(store, k);
  const paid = !table.isCreated(k) && hash32(store.seed, k, 0x9a1d, version) % 100 < 60;
  const partly = !paid && rng.chance(0.15);
  const balance = paid ? 0 : partly ? money(Math.floor(total / 2)) : money(total);
  const txnDate = qboDate(created);
  const dueDate = qboDate(created + 30 * 86_400);
  const customerJson = customer(store, customerIndex);
  return {
    AllowIPNPayment: false,
    AllowOnlinePayment: false,
    AllowOnlineCreditCardPayment: false,
    AllowOnlineACHPayment: false,
    domain: 'QBO',
    sparse: false,
    Id: String(k + 1),
    SyncToken: String(version),
    MetaData: { CreateTime: qboTime(created), LastUpdatedTime: qboTime(table.updatedAt(k)) },
    CustomField: [],
    DocNumber: String(1001 + k),
    TxnDate: txnDate,
    CurrencyRef: usd,
    LinkedTxn: paid ? [{ TxnId: String(900_000 + k), TxnType: 'Payment' }] : [],
    Line: lines,
    TxnTaxDetail: { TotalTax: 0 },
    CustomerRef: { value: String(customerIndex + 1), name: customerJson['DisplayName'] },
    CustomerMemo: { value: 'Thank you for your business and have a great day!' },
    BillAddr: customerJson['BillAddr'],
    SalesTermRef: { value: '3', name: 'Net 30' },
    DueDate: dueDate,
    TotalAmt: money(total),
    ApplyTaxAfterDiscount: false,
    PrintStatus: 'NotSet',
    EmailStatus: version > 0 ? 'EmailSent' : 'NotSet',
    BillEmail: customerJson['PrimaryEmailAddr'],
    Balance: balance,
    ...(version > 0 ? { PrivateNote: `Revised (${version}).` } : {}),
  };
}

/** What change data capture reports for a deleted entity: its Id and the time of deletion, nothing else. */
export function deletedEntity(id: string, at: number): Json {
  return { domain: 'QBO', status: 'Deleted', Id: id, MetaData: { LastUpdatedTime: qboTime(at) } };
}

export function companyInfo(store: QuickBooksStore, realmId: string): Json {
  const name = `Sandbox Company US ${realmId.slice(-4)}`;
  return {
    CompanyName: name,
    LegalName: name,
    CompanyAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999' },
    CustomerCommunicationAddr: { Id: '1', Line1: '123 Sierra Way', City: 'San Pablo', CountrySubDivisionCode: 'CA', PostalCode: '87999' },
    PrimaryPhone: { FreeFormNumber: '4081234567' },
    CompanyStartDate: qboDate(store.layout.end - 3 * 365 * 86_400),
    FiscalYearStartMonth: 'January',
    Country: 'US',
    Email: { Address: 'noreply@quickbooks.example' },
    SupportedLanguages: 'en',
    NameValue: [{ Name: 'NeoEnabled', Value: 'true' }, { Name: 'IndustryType', Value: 'Landscaping Services' }],
    domain: 'QBO',
    sparse: false,
    Id: '1',
    SyncToken: '0',
    MetaData: { CreateTime: qboTime(store.layout.end - 3 * 365 * 86_400), LastUpdatedTime: qboTime(store.layout.end) },
  };
}
