import { AppError, lenientState, type StreamReader } from '../kit/index.js';
import { flattenReport } from './report-rows.js';
import { getCompany } from './stream-support.js';

/**
 * A report stream (full refresh): `GET /reports/<Report>?start_date&end_date&summarize_column_by=Month`,
 * one calendar year per request so that no answer nears the report size limits and a run can resume by year.
 * The range is `reports_start_date` (default: January 1st two years back) to `reports_end_date` (default:
 * today). Records: see `report-rows.ts`. State while a run is unfinished: `{ next_start: "YYYY-MM-DD" }`.
 */
const datePattern = /^\d{4}-\d{2}-\d{2}$/;

function dateConfig(config: Record<string, unknown>, key: string, fallback: string): string {
  const raw = config[key];
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (typeof raw !== 'string' || !datePattern.test(raw.trim()) || Number.isNaN(Date.parse(`${raw.trim()}T00:00:00Z`))) {
    throw new AppError('validation_failed', `${key}: "${String(raw)}" is not a date (YYYY-MM-DD)`, { field: key });
  }
  return raw.trim();
}

export function reportRange(config: Record<string, unknown>, today = new Date()): { start: string; end: string } {
  const todayText = today.toISOString().slice(0, 10);
  const start = dateConfig(config, 'reports_start_date', `${today.getUTCFullYear() - 2}-01-01`);
  const end = dateConfig(config, 'reports_end_date', todayText);
  if (start > end) throw new AppError('validation_failed', `reports_start_date ${start} is after reports_end_date ${end}`, { field: 'reports_start_date' });
  return { start, end };
}

export function reportReader(report: 'ProfitAndLoss' | 'BalanceSheet'): StreamReader {
  return async function* (ctx) {
    const { start, end } = reportRange(ctx.config);
    const resume = lenientState(ctx.state).text('next_start');
    let from = resume !== null && resume > start && resume <= end ? resume : start;
    const method = ctx.config['reports_accounting_method'];
    while (from <= end) {
      const yearEnd = `${from.slice(0, 4)}-12-31`;
      const to = yearEnd < end ? yearEnd : end;
      const response = await getCompany(ctx, `/reports/${report}`, {
        start_date: from,
        end_date: to,
        summarize_column_by: 'Month',
        ...(method === 'Cash' || method === 'Accrual' ? { accounting_method: method } : {}),
      });
      const records = flattenReport(response.body);
      if (records.length > 0) yield { type: 'records', records };
      from = `${Number(from.slice(0, 4)) + 1}-01-01`;
      yield { type: 'state', state: from <= end ? { next_start: from } : {} };
    }
  };
}
