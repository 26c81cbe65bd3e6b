import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQuickBooksSandbox, DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID, DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET, realmIdFor, type QuickBooksSandboxHandle } from './index.js';

type Json = Record<string, unknown>;

async function call(sandbox: QuickBooksSandboxHandle, path: string, init: { token?: string | null; method?: string; body?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  const token = init.token === undefined ? sandbox.token : init.token;
  if (token !== null) headers['authorization'] = `Bearer ${token}`;
  const response = await fetch(`${sandbox.url}${path}`, { method: init.method ?? 'GET', headers, ...(init.body === undefined ? {} : { body: init.body }) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: (text === '' ? null : JSON.parse(text)) as Json };
}

const company = (sandbox: QuickBooksSandboxHandle) => `/v3/company/${sandbox.realmId}`;
const query = (sandbox: QuickBooksSandboxHandle, text: string, init?: Parameters<typeof call>[2]) =>
  call(sandbox, `${company(sandbox)}/query?minorversion=75&query=${encodeURIComponent(text)}`, init);
const items = (body: Json, entity: string) => ((body['QueryResponse'] as Json)[entity] ?? []) as Json[];
const lut = (entity: Json) => (entity['MetaData'] as Json)['LastUpdatedTime'] as string;

async function change(sandbox: QuickBooksSandboxHandle, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return (await res.json()) as Json;
}

describe('quickbooks sandbox', () => {
  let sandbox: QuickBooksSandboxHandle;
  beforeAll(async () => {
    sandbox = await createQuickBooksSandbox({ port: 0, records: 2500, seed: 5 });
  });
  afterAll(() => sandbox.close());

  describe('authentication', () => {
    it("answers a wrong token with Intuit's 401 AUTHENTICATION fault", async () => {
      const res = await query(sandbox, 'SELECT * FROM Invoice', { token: 'not-a-token' });
      expect(res.status).toBe(401);
      const fault = res.body['Fault'] as Json;
      expect(fault['type']).toBe('AUTHENTICATION');
      expect(fault['Error']).toEqual([{ Message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401', Detail: 'Token invalid', code: '3200' }]);
      expect(typeof res.body['time']).toBe('string');
      expect(res.headers.get('intuit_tid')).toMatch(/^1-[0-9a-f]{8}-/);
    });

    it('answers a missing token with 401 and a token of another company with 403', async () => {
      expect((await query(sandbox, 'SELECT * FROM Invoice', { token: null })).status).toBe(401);
      const other = await call(sandbox, '/v3/company/123145678901234/query?query=SELECT%20*%20FROM%20Invoice');
      expect(other.status).toBe(403);
      expect(JSON.stringify(other.body)).toContain('ApplicationAuthorizationFailed');
    });

    it('serves the company info of its realm', async () => {
      const res = await call(sandbox, `${company(sandbox)}/companyinfo/${sandbox.realmId}?minorversion=75`);
      expect(res.status).toBe(200);
      expect((res.body['CompanyInfo'] as Json)['CompanyName']).toMatch(/^Sandbox Company/);
      expect(realmIdFor(5)).toBe(sandbox.realmId);
      expect(realmIdFor(7919)).not.toBe(sandbox.realmId);
    });
  });

  describe('OAuth (Intuit)', () => {
    it('runs authorize → redirect with realmId → token (Basic) → rotating refresh → API call', async () => {
      const redirect = 'http://127.0.0.1:9/callback';
      const authorize = await fetch(
        `${sandbox.oauth!.authorization_url}?client_id=${DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID}&response_type=code&scope=com.intuit.quickbooks.accounting&redirect_uri=${encodeURIComponent(redirect)}&state=s1`,
        { redirect: 'manual' },
      );
      expect(authorize.status).toBe(302);
      const back = new URL(authorize.headers.get('location')!);
      expect(back.searchParams.get('realmId')).toBe(sandbox.realmId);
      expect(back.searchParams.get('state')).toBe('s1');
      const basic = `Basic ${Buffer.from(`${DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID}:${DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET}`).toString('base64')}`;
      const tokenRequest = (body: Record<string, string>) =>
        fetch(sandbox.oauth!.token_url, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' }, body: new URLSearchParams(body) });
      const exchanged = (await (await tokenRequest({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: redirect })).json()) as Json;
      expect(exchanged).toMatchObject({ token_type: 'bearer', expires_in: 3600, x_refresh_token_expires_in: 8726400 });
      expect(exchanged['scope']).toBeUndefined();
      expect((await query(sandbox, 'SELECT COUNT(*) FROM Invoice', { token: exchanged['access_token'] as string })).status).toBe(200);

      const refreshed = (await (await tokenRequest({ grant_type: 'refresh_token', refresh_token: exchanged['refresh_token'] as string })).json()) as Json;
      expect(refreshed['refresh_token']).not.toBe(exchanged['refresh_token']);
      // Rotation: the old refresh token is spent.
      expect((await tokenRequest({ grant_type: 'refresh_token', refresh_token: exchanged['refresh_token'] as string })).status).toBe(400);

      // Revocation takes Intuit's JSON body and ends the grant.
      const revoke = await fetch(sandbox.oauth!.revocation_url!, { method: 'POST', headers: { authorization: basic, 'content-type': 'application/json', accept: 'application/json' }, body: JSON.stringify({ token: refreshed['refresh_token'] }) });
      expect(revoke.status).toBe(200);
      expect((await query(sandbox, 'SELECT COUNT(*) FROM Invoice', { token: refreshed['access_token'] as string })).status).toBe(401);
    });
  });

  describe('query endpoint', () => {
    it('pages with STARTPOSITION and MAXRESULTS in LastUpdatedTime order and counts with COUNT(*)', async () => {
      const count = await query(sandbox, 'SELECT COUNT(*) FROM Invoice');
      expect(count.body['QueryResponse']).toEqual({ totalCount: 2500 });
      const first = await query(sandbox, 'select * from Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION 1 MAXRESULTS 1000');
      const second = await query(sandbox, 'SELECT * FROM Invoice ORDER BY MetaData.LastUpdatedTime STARTPOSITION 1001 MAXRESULTS 1000');
      const third = await query(sandbox, 'SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime STARTPOSITION 2001 MAXRESULTS 1000');
      expect((first.body['QueryResponse'] as Json)['startPosition']).toBe(1);
      expect((third.body['QueryResponse'] as Json)['maxResults']).toBe(500);
      const all = [...items(first.body, 'Invoice'), ...items(second.body, 'Invoice'), ...items(third.body, 'Invoice')];
      expect(new Set(all.map((i) => i['Id'])).size).toBe(2500);
      const times = all.map((i) => Date.parse(lut(i)));
      expect(times).toEqual([...times].sort((a, b) => a - b));
      expect(lut(all[0]!)).toMatch(/-08:00$/);
      // Default page size 100, capped at 1000.
      expect(items((await query(sandbox, 'SELECT * FROM Invoice')).body, 'Invoice')).toHaveLength(100);
      expect(items((await query(sandbox, 'SELECT * FROM Invoice MAXRESULTS 5000')).body, 'Invoice')).toHaveLength(1000);
    });

    it('filters on Metadata.LastUpdatedTime with offsets and answers an empty QueryResponse past the end', async () => {
      const page = items((await query(sandbox, 'SELECT * FROM Invoice ORDERBY Metadata.LastUpdatedTime MAXRESULTS 1000')).body, 'Invoice');
      const pivot = page[500]!;
      const from = await query(sandbox, `SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime >= '${lut(pivot)}' ORDERBY Metadata.LastUpdatedTime MAXRESULTS 10`);
      expect(items(from.body, 'Invoice')[0]!['Id']).toBe(pivot['Id']);
      const utc = new Date(Date.parse(lut(pivot))).toISOString().replace('.000Z', 'Z');
      const after = await query(sandbox, `SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime > '${utc}' ORDERBY Metadata.LastUpdatedTime MAXRESULTS 10`);
      expect(items(after.body, 'Invoice')[0]!['Id']).toBe(page[501]!['Id']);
      const none = await query(sandbox, "SELECT * FROM Invoice WHERE Metadata.LastUpdatedTime >= '2999-01-01T00:00:00Z'");
      expect(none.body['QueryResponse']).toEqual({});
    });

    it('refuses what it cannot parse or run with a 400 ValidationFault', async () => {
      const garbage = await query(sandbox, 'SELEKT everything');
      expect(garbage.status).toBe(400);
      expect(((garbage.body['Fault'] as Json)['Error'] as Json[])[0]).toMatchObject({ Message: 'Error parsing query', code: '4000' });
      const unknown = await query(sandbox, "SELECT * FROM Invoice WHERE DocNumber = '1001'");
      expect(unknown.status).toBe(400);
      expect(((unknown.body['Fault'] as Json)['Error'] as Json[])[0]).toMatchObject({ code: '4001' });
    });

    it('lists active customers unless asked for inactive ones too', async () => {
      const result = await change(sandbox, { stream: 'customers', delete: 2 });
      expect(result['deactivated']).toHaveLength(2);
      const active = await query(sandbox, 'SELECT COUNT(*) FROM Customer');
      const every = await query(sandbox, 'SELECT COUNT(*) FROM Customer WHERE Active IN (true, false)');
      expect((every.body['QueryResponse'] as Json)['totalCount']).toBe(sandbox.info().counts.customers);
      expect((active.body['QueryResponse'] as Json)['totalCount']).toBe(sandbox.info().counts.customers - 2);
    });
  });

  describe('change data capture', () => {
    it('reports changed entities in full and deleted ones with status "Deleted"', async () => {
      const before = sandbox.info().clock;
      const result = await change(sandbox, { stream: 'invoices', create: 2, update: 3, delete: 2 });
      const res = await call(sandbox, `${company(sandbox)}/cdc?entities=Invoice,Customer&changedSince=${encodeURIComponent(before)}&minorversion=75`);
      expect(res.status).toBe(200);
      const blocks = ((res.body['CDCResponse'] as Json[])[0]!['QueryResponse'] as Json[]);
      const invoices = blocks[0]!['Invoice'] as Json[];
      const deleted = invoices.filter((i) => i['status'] === 'Deleted');
      expect(deleted.map((i) => i['Id']).sort()).toEqual([...(result['deleted'] as string[])].sort());
      expect(deleted[0]).toEqual({ domain: 'QBO', status: 'Deleted', Id: deleted[0]!['Id'], MetaData: { LastUpdatedTime: result['updated_at'] } });
      const live = invoices.filter((i) => i['status'] === undefined).map((i) => i['Id']);
      expect(live.sort()).toEqual([...(result['created'] as string[]), ...(result['updated'] as string[])].sort());
      // The deleted invoices are gone from queries.
      const gone = await query(sandbox, `SELECT COUNT(*) FROM Invoice`);
      expect((gone.body['QueryResponse'] as Json)['totalCount']).toBe(2500);
      expect(sandbox.info().counts.invoices).toBe(2500);
    });

    it('refuses a changedSince older than 30 days', async () => {
      const res = await call(sandbox, `${company(sandbox)}/cdc?entities=Invoice&changedSince=2001-01-01`);
      expect(res.status).toBe(400);
      expect(JSON.stringify(res.body)).toContain('older than fixed days');
    });
  });

  describe('reports', () => {
    it('serves a profit and loss by month with Intuit’s header, columns and row tree', async () => {
      const res = await call(sandbox, `${company(sandbox)}/reports/ProfitAndLoss?start_date=2024-01-01&end_date=2024-03-31&summarize_column_by=Month&minorversion=75`);
      expect(res.status).toBe(200);
      expect(res.body['Header']).toMatchObject({ ReportName: 'ProfitAndLoss', StartPeriod: '2024-01-01', EndPeriod: '2024-03-31', SummarizeColumnsBy: 'Month', Currency: 'USD' });
      const columns = (res.body['Columns'] as Json)['Column'] as Json[];
      expect(columns.map((c) => c['ColTitle'])).toEqual(['', 'Jan 2024', 'Feb 2024', 'Mar 2024', 'Total']);
      const rows = (res.body['Rows'] as Json)['Row'] as Json[];
      const income = rows.find((r) => r['group'] === 'Income')!;
      const incomeTotal = ((income['Summary'] as Json)['ColData'] as Json[]).map((c) => c['value']);
      const incomeRows = ((income['Rows'] as Json)['Row'] as Json[]).map((r) => (r['ColData'] as Json[]).map((c) => Number(c['value'])));
      expect(Number(incomeTotal[1])).toBeCloseTo(incomeRows.reduce((s, r) => s + r[1]!, 0), 2);
      const net = rows.find((r) => r['group'] === 'NetIncome')!;
      expect(net['Rows']).toBeUndefined();
      expect(sandbox.reportRecords('profit_and_loss', '2024-01-01', '2024-03-31')).toBe(3 * sandbox.info().report_rows_per_period.profit_and_loss);
    });

    it('balances the balance sheet: total assets equal total liabilities and equity', async () => {
      const res = await call(sandbox, `${company(sandbox)}/reports/BalanceSheet?start_date=2024-01-01&end_date=2024-02-29&summarize_column_by=Month`);
      const rows = (res.body['Rows'] as Json)['Row'] as Json[];
      const total = (group: string) => ((rows.find((r) => r['group'] === group)!['Summary'] as Json)['ColData'] as Json[]).slice(1).map((c) => c['value']);
      expect(total('TotalAssets')).toEqual(total('TotalLiabilitiesAndEquity'));
      expect(((res.body['Columns'] as Json)['Column'] as Json[]).map((c) => c['ColTitle'])).toEqual(['', 'Jan 2024', 'Feb 2024']);
    });
  });

  describe('throttling and faults', () => {
    it('answers 429 ThrottleExceeded past 500 requests a minute, with no rate-limit headers', async () => {
      const small = await createQuickBooksSandbox({ port: 0, records: 10, seed: 1, rateLimit: 3 });
      try {
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) statuses.push((await query(small, 'SELECT COUNT(*) FROM Invoice')).status);
        expect(statuses).toEqual([200, 200, 200, 429]);
        const throttled = await query(small, 'SELECT COUNT(*) FROM Invoice');
        expect(JSON.stringify(throttled.body)).toContain('message=ThrottleExceeded; errorCode=003001; statusCode=429');
        expect(throttled.headers.get('retry-after')).toBeNull();
        expect(throttled.headers.get('x-ratelimit-remaining')).toBeNull();
      } finally {
        await small.close();
      }
    });

    it('renders injected server errors as a SystemFault', async () => {
      await fetch(`${sandbox.url}/_sandbox/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'server_error', count: 1 }) });
      const res = await query(sandbox, 'SELECT COUNT(*) FROM Invoice');
      expect(res.status).toBe(500);
      expect((res.body['Fault'] as Json)['type']).toBe('SystemFault');
    });
  });

  it('is deterministic for a seed and differs between seeds', async () => {
    const a = await createQuickBooksSandbox({ port: 0, records: 20, seed: 99 });
    const b = await createQuickBooksSandbox({ port: 0, records: 20, seed: 99 });
    const c = await createQuickBooksSandbox({ port: 0, records: 20, seed: 7919 });
    try {
      const read = async (s: QuickBooksSandboxHandle) => JSON.stringify(items((await query(s, 'SELECT * FROM Invoice MAXRESULTS 20')).body, 'Invoice'));
      expect(await read(a)).toBe(await read(b));
      expect(await read(c)).not.toBe(await read(a));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
