import type { StreamReader } from '../kit/index.js';
import { entityReader } from './entity-stream.js';
import { reportReader } from './report-stream.js';

/** One reader per stream of the manifest. */
export const readInvoices = entityReader({ entity: 'Invoice', filters: [] });
// Without the Active filter QuickBooks lists active customers only, and a deactivated one would just vanish.
export const readCustomers = entityReader({ entity: 'Customer', filters: ['Active IN (true, false)'] });
export const readProfitAndLoss = reportReader('ProfitAndLoss');
export const readBalanceSheet = reportReader('BalanceSheet');

export const streams: Record<'invoices' | 'customers' | 'profit_and_loss' | 'balance_sheet', StreamReader> = {
  invoices: readInvoices,
  customers: readCustomers,
  profit_and_loss: readProfitAndLoss,
  balance_sheet: readBalanceSheet,
};
