import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient, isHttpError, type StreamContext, type StreamState, type SyncMode } from '../kit/index.js';
import { readAll, readerContext } from '../kit/sandbox/index.js';
import { afterAuthorization } from './after-authorization.js';
import { manifest } from './manifest.js';
import { createQuickBooksSandbox, type QuickBooksSandboxHandle } from './sandbox/index.js';
import { readBalanceSheet, readCustomers, readInvoices, readProfitAndLoss } from './streams.js';

type Json = Record<string, unknown>;

/** Every QuickBooks call is scoped to the company: the sandbox's realm id is in the config unless a test overrides it. */
function context(sandbox: QuickBooksSandboxHandle, stream: string, mode: SyncMode, state: StreamState | null, logs: string[] = [], config: Json = {}): StreamContext {
  return readerContext({
    manifest,
    stream,
    mode,
    state,
    baseUrl: sandbox.url,
    token: sandbox.token,
    config: { realm_id: sandbox.realmId, ...config },
    log: (_level, message) => logs.push(message),
  });
}

async function change(sandbox: QuickBooksSandboxHandle, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.ok).toBe(true);
  return (await res.json()) as Json;
}

const ids = (records: Json[]) => records.map((r) => String(r['Id']));
const unique = (values: string[]) => [...new Set(values)].sort();

describe('quickbooks streams against the sandbox', () => {
  let sandbox: QuickBooksSandboxHandle;
  beforeAll(async () => {
    sandbox = await createQuickBooksSandbox({ port: 0, records: 2300, seed: 31, rateLimit: 100_000 });
  });
  afterAll(() => sandbox.close());

  it('invoices: a full read pages by keyset through every invoice, checkpointing after each page', async () => {
    const full = await readAll(readInvoices, context(sandbox, 'invoices', 'full_refresh', null));
    expect(unique(ids(full.records))).toHaveLength(2300);
    expect(full.records).toHaveLength(2300);
    expect(full.states.length).toBe(3);
    expect(full.state).toMatchObject({ cursor: expect.stringMatching(/-08:00$/) });
    expect(full.state?.['pass']).toBeUndefined();
  });

  it('invoices: resuming from a mid-pass checkpoint reads the rest and nothing twice', async () => {
    const first = await readAll(readInvoices, context(sandbox, 'invoices', 'full_refresh', null), { stopAfterStates: 1 });
    expect(first.records).toHaveLength(1000);
    expect(first.state?.['pass']).toMatchObject({ full: true });
    const rest = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', first.state));
    expect(rest.records).toHaveLength(1300);
    expect(unique([...ids(first.records), ...ids(rest.records)])).toHaveLength(2300);
  });

  it('invoices: incremental reads exactly the changes and reports CDC deletions', async () => {
    const full = await readAll(readInvoices, context(sandbox, 'invoices', 'full_refresh', null));
    const quiet = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', full.state));
    expect(quiet.deletes).toEqual([]);
    // Only the entity at the cursor instant can come back (re-read, unchanged), never anything older.
    expect(quiet.records.length).toBeLessThanOrEqual(1);

    const result = await change(sandbox, { stream: 'invoices', create: 3, update: 5, delete: 2 });
    const changed = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', quiet.state));
    expect(unique(ids(changed.records))).toEqual(unique([...(result['created'] as string[]), ...(result['updated'] as string[])]));
    expect(unique(changed.deletes)).toEqual(unique(result['deleted'] as string[]));
    expect(changed.records.every((r) => r['status'] === undefined)).toBe(true);

    // The cursor moved past the change: the next read brings nothing new.
    const after = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', changed.state));
    expect(Date.parse(String(after.state?.['cursor']))).toBeGreaterThanOrEqual(Date.parse(String(changed.state?.['cursor'])));
    const updatedAt = Date.parse(String(result['updated_at']));
    expect(after.records.every((r) => Date.parse(String((r['MetaData'] as Json)['LastUpdatedTime'])) >= updatedAt)).toBe(true);
  });

  it('invoices: a cursor older than the 30 days of change data capture skips deletions with a warning', async () => {
    const logs: string[] = [];
    const old = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', { cursor: '2001-01-01T00:00:00-08:00' }, logs));
    expect(old.records.length).toBeGreaterThan(2000);
    expect(old.deletes).toEqual([]);
    expect(logs.some((l) => l.includes('older than change data capture'))).toBe(true);
  });

  it('invoices: a cursor in the future reads nothing and does not move back', async () => {
    const future = await readAll(readInvoices, context(sandbox, 'invoices', 'incremental', { cursor: '2999-01-01T00:00:00Z' }));
    expect(future.records).toEqual([]);
    expect(future.state?.['cursor']).toBe('2999-01-01T00:00:00Z');
  });

  it('customers: inactive customers are read (an update), not lost', async () => {
    const full = await readAll(readCustomers, context(sandbox, 'customers', 'full_refresh', null));
    expect(full.records).toHaveLength(sandbox.info().counts.customers);
    const result = await change(sandbox, { stream: 'customers', delete: 2 });
    const next = await readAll(readCustomers, context(sandbox, 'customers', 'incremental', full.state));
    const deactivated = next.records.filter((r) => r['Active'] === false).map((r) => String(r['Id']));
    expect(unique(deactivated)).toEqual(unique(result['deactivated'] as string[]));
    expect(next.deletes).toEqual([]);
  });

  it('profit and loss: one record per row and month, keyed by period and row path, a year per request', async () => {
    const config = { reports_start_date: '2023-11-01', reports_end_date: '2024-02-29' };
    const read = await readAll(readProfitAndLoss, context(sandbox, 'profit_and_loss', 'full_refresh', null, [], config));
    expect(read.records).toHaveLength(sandbox.reportRecords('profit_and_loss', '2023-11-01', '2024-02-29'));
    expect(read.states).toEqual([{ next_start: '2024-01-01' }, {}]);
    const keys = read.records.map((r) => `${r['period_start']}:${r['row_path']}`);
    expect(new Set(keys).size).toBe(keys.length);
    const jan = (path: string) => read.records.find((r) => r['period_start'] === '2024-01-01' && r['row_path'] === path)!;
    expect(jan('Income/#79')).toMatchObject({ report: 'ProfitAndLoss', period_end: '2024-01-31', row_type: 'Data', label: 'Sales of Product Income', account_id: '79', group: 'Income' });
    expect(jan('Expenses/#12/#69')).toMatchObject({ label: 'Accounting', group: 'Expenses', depth: 2 });
    const income = ['Income/#1', 'Income/#79', 'Income/#82'].reduce((s, p) => s + (jan(p)['amount'] as number), 0);
    expect(jan('Income/Total')['amount']).toBeCloseTo(income, 2);
    expect(jan('GrossProfit')['amount']).toBeCloseTo((jan('Income/Total')['amount'] as number) - (jan('COGS/Total')['amount'] as number), 2);
    expect(jan('NetIncome')).toMatchObject({ row_type: 'Summary', group: 'NetIncome' });
  });

  it('balance sheet: balances per month end', async () => {
    const config = { reports_start_date: '2024-01-01', reports_end_date: '2024-03-31' };
    const read = await readAll(readBalanceSheet, context(sandbox, 'balance_sheet', 'full_refresh', null, [], config));
    expect(read.records).toHaveLength(sandbox.reportRecords('balance_sheet', '2024-01-01', '2024-03-31'));
    const at = (period: string, path: string) => read.records.find((r) => r['period_start'] === period && r['row_path'] === path)!['amount'];
    expect(at('2024-03-01', 'TotalAssets/Total')).toBe(at('2024-03-01', 'TotalLiabilitiesAndEquity/Total'));
    expect(at('2024-02-01', 'TotalAssets/CurrentAssets/BankAccounts/#35')).toEqual(expect.any(Number));
  });

  it('refuses a bad token with the provider words, as a config error, without the token', async () => {
    const ctx = context(sandbox, 'invoices', 'full_refresh', null);
    ctx.http = createHttpClient({ baseUrl: sandbox.url, headers: { Authorization: 'Bearer wrong-token-123' }, retry: false, secrets: ['wrong-token-123'] });
    const error = await readAll(readInvoices, ctx).catch((e: unknown) => e);
    expect(isHttpError(error)).toBe(true);
    expect((error as Error).message).toContain('AuthenticationFailed');
    expect((error as Error).message).not.toContain('wrong-token-123');
    expect((error as { kind: string }).kind).toBe('config');
  });

  it('requires the company id', async () => {
    const ctx = context(sandbox, 'invoices', 'full_refresh', null);
    ctx.config = {};
    await expect(readAll(readInvoices, ctx)).rejects.toThrow(/realm_id/);
  });

  it('afterAuthorization keeps the realmId of the redirect', async () => {
    const http = createHttpClient({ baseUrl: sandbox.url });
    expect(await afterAuthorization({ http, callback: new URLSearchParams({ realmId: '4620816365037572' }), config: {} })).toEqual({ realm_id: '4620816365037572' });
    await expect(afterAuthorization({ http, callback: new URLSearchParams(), config: {} })).rejects.toThrow(/realmId/);
  });
});
