import {
  createQuickBooksSandbox,
  DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID,
  DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET,
} from '../../src/connectors/quickbooks/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..acceptance-token-0123456789';
/** Half a year of monthly report columns: small and fixed, whatever today's date. */
const reports = { reports_start_date: '2024-01-01', reports_end_date: '2024-06-30' };
/** Each sandbox is one company; credentials name it by its realm id. */
const realms = new Map<string, string>();

defineAcceptanceSuite({
  connector: 'quickbooks',
  async startSandbox(options) {
    const sandbox = await createQuickBooksSandbox({ port: 0, records: 250, seed: options?.seed ?? 23, token: TOKEN });
    realms.set(sandbox.url, sandbox.realmId);
    return {
      url: sandbox.url,
      token: sandbox.token,
      counts: () => ({
        ...sandbox.info().counts,
        profit_and_loss: sandbox.reportRecords('profit_and_loss', reports.reports_start_date, reports.reports_end_date),
        balance_sheet: sandbox.reportRecords('balance_sheet', reports.reports_start_date, reports.reports_end_date),
      }),
      close: () => sandbox.close(),
    };
  },
  oauth: {
    clientId: DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_ID,
    clientSecret: DEFAULT_QUICKBOOKS_SANDBOX_CLIENT_SECRET,
    // No realm_id here: the OAuth redirect's realmId must provide it.
    config: (sandbox) => ({
      base_url: sandbox.url,
      authorization_url: `${sandbox.url}/connect/oauth2`,
      token_url: `${sandbox.url}/oauth2/v1/tokens/bearer`,
      revocation_url: `${sandbox.url}/v2/oauth2/tokens/revoke`,
      ...reports,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: sandbox.url, realm_id: realms.get(sandbox.url)!, ...reports } }),
    bad: (sandbox) => ({
      fields: { token: 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..not-the-right-token' },
      config: { base_url: sandbox.url, realm_id: realms.get(sandbox.url)!, ...reports },
    }),
    badMessage: /AuthenticationFailed/,
  },
  mainStream: 'invoices',
  change: { create: 4, update: 6, delete: 3 },
  // Change data capture reports deleted invoices with status "Deleted" on the incremental read.
  deletions: 'reported',
});
