import type { ManifestInput } from '../kit/index.js';
import { balanceSheetSchema, customerSchema, invoiceSchema, profitAndLossSchema } from './schemas.js';

/**
 * QuickBooks Online through the Accounting API v3 (minor version 75).
 *
 * OAuth 2.0 as Intuit documents it: authorize at appcenter.intuit.com, token and refresh at
 * oauth.platform.intuit.com with the client in HTTP Basic, revocation at developer.api.intuit.com; scope
 * `com.intuit.quickbooks.accounting`. Intuit documents no PKCE for its confidential-client flow, so PKCE is
 * off. The redirect back carries the company id (`realmId`), which `afterAuthorization` keeps as the
 * `realm_id` config. Access tokens live an hour; refresh tokens rotate (each refresh returns a new one, valid
 * 100 days). A token can also be pasted (`token`) with the company id set by hand; it stops working
 * after the hour.
 *
 * Limits: 500 requests a minute per company and 10 concurrent ones; the client paces itself at 6 a second.
 */
export const manifest: ManifestInput = {
  id: 'quickbooks',
  name: 'QuickBooks Online',
  description: 'Invoices, customers, profit and loss, and balance sheet from a QuickBooks Online company.',
  category: 'accounting',
  brand_logo: 'https://cdn.simpleicons.org/quickbooks/2CA01C',
  brand_color: '#2CA01C',
  // Connected by OAuth; a token the user already has may be pasted instead (probed like an API key).
  auth_mode: 'oauth2',
  fields: [
    {
      key: 'token',
      label: 'Access token',
      type: 'password',
      secret: true,
      required: false,
      placeholder: 'eyJlbmMiOiJBMTI4Q0JDLUhTMjU2IiwiYWxnIjoiZGlyIn0..…',
      help: 'Filled by "Connect to QuickBooks", which also keeps it fresh. You may paste one (e.g. from the Intuit OAuth Playground), but it expires after an hour.',
    },
  ],
  config_fields: [
    {
      key: 'realm_id',
      label: 'Company ID (realm ID)',
      type: 'string',
      required: false,
      placeholder: '9130349730654316',
      help: 'Set by the OAuth redirect. With a pasted token: QuickBooks > Settings > Account and settings > Billing & subscription > Company ID.',
      pattern: '^\\d{1,32}$',
    },
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://quickbooks.api.intuit.com',
      help: 'Leave empty for production companies. Intuit sandbox companies: https://sandbox-quickbooks.api.intuit.com',
    },
    {
      key: 'reports_start_date',
      label: 'Reports from',
      type: 'string',
      required: false,
      placeholder: 'YYYY-MM-DD',
      help: 'First day of the profit and loss and balance sheet periods (default: January 1st two years back).',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    },
    {
      key: 'reports_end_date',
      label: 'Reports until',
      type: 'string',
      required: false,
      placeholder: 'YYYY-MM-DD',
      help: 'Last day of the report periods (default: today).',
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
    },
    {
      key: 'reports_accounting_method',
      label: 'Reports accounting method',
      type: 'string',
      required: false,
      placeholder: 'Accrual',
      help: 'Accrual or Cash (default: the company preference).',
      pattern: '^(Accrual|Cash)$',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.token}}' },
    query: {},
  },
  verify: {
    method: 'GET',
    path: '/v3/company/{{config.realm_id}}/companyinfo/{{config.realm_id}}?minorversion=75',
    headers: {},
    success_status: [200],
  },
  oauth: {
    authorization_url: 'https://appcenter.intuit.com/connect/oauth2',
    token_url: 'https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer',
    revocation_url: 'https://developer.api.intuit.com/v2/oauth2/tokens/revoke',
    scopes: ['com.intuit.quickbooks.accounting'],
    scope_separator: ' ',
    pkce: false,
    authorize_params: {},
    token_auth: 'client_secret_basic',
    token_field: 'token',
  },
  base_url: 'https://quickbooks.api.intuit.com',
  allowed_hosts: ['quickbooks.api.intuit.com', 'sandbox-quickbooks.api.intuit.com'],
  default_headers: {
    Accept: 'application/json',
  },
  rate_limit: { requests_per_second: 6, burst: 10 },
  streams: [
    {
      name: 'invoices',
      description: 'Invoices (query endpoint); deletions reported by change data capture.',
      json_schema: invoiceSchema,
      primary_key: ['Id'],
      cursor_field: 'MetaData.LastUpdatedTime',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'customers',
      description: 'Customers, active and inactive (QuickBooks "deletes" a customer by making it inactive).',
      json_schema: customerSchema,
      primary_key: ['Id'],
      cursor_field: 'MetaData.LastUpdatedTime',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'profit_and_loss',
      description: 'Profit and loss by month: one record per report row and month.',
      json_schema: profitAndLossSchema,
      primary_key: ['period_start', 'row_path'],
      sync_modes: ['full_refresh'],
    },
    {
      name: 'balance_sheet',
      description: 'Balance sheet at each month end: one record per report row and month.',
      json_schema: balanceSheetSchema,
      primary_key: ['period_start', 'row_path'],
      sync_modes: ['full_refresh'],
    },
  ],
};
