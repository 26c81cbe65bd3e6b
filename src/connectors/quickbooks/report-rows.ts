import { isObject, type QboObject } from './stream-support.js';

/**
 * Flattens a QuickBooks report (`Header`, `Columns.Column`, `Rows.Row` tree) into one record per printed
 * amount: per row and per period column. The `Total` column is left out (it is the sum of the periods).
 *
 * A row's `row_path` names its place in the tree, stable across runs: section `group`s (`Income`,
 * `CurrentAssets`), sub-account sections and accounts by Id (`#12`), rows without an Id by label, and a
 * section's summary line as `<section>/Total`; a summary-only section (`GrossProfit`, `NetIncome`) is its
 * group. With `period_start` it is the record's key: `Expenses/#12/#69` is Accounting under Legal &
 * Professional Fees, `Expenses/Total` the total expenses, `NetIncome` the net income.
 */
export interface ReportRecord {
  [key: string]: unknown;
  report: string;
  period_start: string;
  period_end: string;
  row_path: string;
  row_type: 'Data' | 'Summary';
  label: string;
  account_id: string | null;
  group: string | null;
  depth: number;
  amount: number | null;
  currency: string | null;
  accounting_method: string | null;
}

interface Period {
  index: number;
  start: string;
  end: string;
}

function metaValue(column: QboObject, name: string): string | null {
  const meta = Array.isArray(column['MetaData']) ? column['MetaData'] : [];
  for (const entry of meta) if (isObject(entry) && entry['Name'] === name && typeof entry['Value'] === 'string') return entry['Value'];
  return null;
}

/** The money columns that are periods: their index in `ColData`, and their dates. */
function periods(report: QboObject, header: QboObject): Period[] {
  const columns = isObject(report['Columns']) && Array.isArray(report['Columns']['Column']) ? report['Columns']['Column'].filter(isObject) : [];
  const out: Period[] = [];
  columns.forEach((column, index) => {
    if (column['ColType'] !== 'Money' || (metaValue(column, 'ColKey') === 'total' && columns.length > 2)) return;
    // A report summarised by Total has one money column and no dates: the report's own period.
    const start = metaValue(column, 'StartDate') ?? (typeof header['StartPeriod'] === 'string' ? header['StartPeriod'] : null);
    const end = metaValue(column, 'EndDate') ?? (typeof header['EndPeriod'] === 'string' ? header['EndPeriod'] : null);
    if (start && end) out.push({ index, start, end });
  });
  return out;
}

function cells(row: QboObject, part: 'ColData' | 'Header' | 'Summary'): QboObject[] {
  const holder = part === 'ColData' ? row : row[part];
  const data = isObject(holder) ? holder['ColData'] : undefined;
  return Array.isArray(data) ? data.filter(isObject) : [];
}

function amountOf(cell: QboObject | undefined): number | null {
  const value = cell?.['value'];
  if (typeof value !== 'string' || value.trim() === '') return null;
  const number = Number(value.replace(/,/g, ''));
  return Number.isFinite(number) ? number : null;
}

function segment(cell: QboObject | undefined, fallback: string): string {
  const id = cell?.['id'];
  if (typeof id === 'string' && id !== '') return `#${id}`;
  const label = typeof cell?.['value'] === 'string' ? cell['value'].trim() : '';
  return (label || fallback).replace(/\//g, '∕');
}

export function flattenReport(report: QboObject): ReportRecord[] {
  const header = isObject(report['Header']) ? report['Header'] : {};
  const name = typeof header['ReportName'] === 'string' ? header['ReportName'] : 'Report';
  const currency = typeof header['Currency'] === 'string' ? header['Currency'] : null;
  const basis = typeof header['ReportBasis'] === 'string' ? header['ReportBasis'] : null;
  const columns = periods(report, header);
  const records: ReportRecord[] = [];
  const used = new Set<string>();

  const emit = (path: string, type: 'Data' | 'Summary', data: QboObject[], group: string | null, depth: number) => {
    // Two rows without an Id and with one label under one section would collide: number the later ones.
    let unique = path;
    for (let n = 2; used.has(unique); n++) unique = `${path}~${n}`;
    used.add(unique);
    const first = data[0];
    const accountId = typeof first?.['id'] === 'string' && first['id'] !== '' ? first['id'] : null;
    for (const period of columns) {
      records.push({
        report: name,
        period_start: period.start,
        period_end: period.end,
        row_path: unique,
        row_type: type,
        label: typeof first?.['value'] === 'string' ? first['value'] : '',
        account_id: type === 'Data' ? accountId : null,
        group,
        depth,
        amount: amountOf(data[period.index]),
        currency,
        accounting_method: basis,
      });
    }
  };

  const walk = (rows: unknown, path: string[], group: string | null, depth: number) => {
    const list = isObject(rows) && Array.isArray(rows['Row']) ? rows['Row'].filter(isObject) : [];
    for (const row of list) {
      if (row['type'] === 'Section' || row['Rows'] !== undefined || row['Summary'] !== undefined) {
        const own = typeof row['group'] === 'string' && row['group'] !== '' ? row['group'] : null;
        const headerCells = cells(row, 'Header');
        const name = own ?? segment(headerCells[0], `Section ${list.indexOf(row) + 1}`);
        const sectionPath = [...path, name];
        walk(row['Rows'], sectionPath, own ?? group, depth + 1);
        const summary = cells(row, 'Summary');
        if (summary.length > 0) {
          // A section with nothing but a summary (Gross Profit, Net Income) is that line itself.
          const alone = row['Rows'] === undefined && row['Header'] === undefined;
          emit(alone ? sectionPath.join('/') : [...sectionPath, 'Total'].join('/'), 'Summary', summary, own ?? group, depth);
        }
      } else {
        const data = cells(row, 'ColData');
        if (data.length > 0) emit([...path, segment(data[0], `Row ${list.indexOf(row) + 1}`)].join('/'), 'Data', data, group, depth);
      }
    }
  };
  walk(report['Rows'], [], null, 0);
  return records;
}
