import { hashUnit } from '../../kit/sandbox/index.js';
import { balanceSheetTree, profitAndLossTree, type ReportNode } from './chart.js';
import { qboTime } from './time.js';

/**
 * `GET /v3/company/{realmId}/reports/ProfitAndLoss` and `/reports/BalanceSheet`, in QuickBooks' report
 * shape: `Header` (period, basis, columns summarised by), `Columns.Column` (an `Account` column, then one
 * `Money` column per period with `StartDate`/`EndDate`/`ColKey` metadata, and a `Total` column on the profit
 * and loss), and `Rows.Row`, a tree of `Section` rows (`Header`, nested `Rows`, `Summary`, `group`) and `Data`
 * rows whose `ColData` are strings. Amounts come from the seed (per account and month), not from the invoices:
 * reports stay the same while the invoice stream changes, which keeps their sync counts meaningful.
 */
export type ReportName = 'ProfitAndLoss' | 'BalanceSheet';
export type SummarizeBy = 'Total' | 'Month' | 'Quarter' | 'Year';

export interface ReportRequest {
  report: ReportName;
  start: string;
  end: string;
  summarizeBy: SummarizeBy;
  basis: 'Accrual' | 'Cash';
}

interface Column {
  title: string;
  start: string;
  end: string;
}

type Json = Record<string, unknown>;
const monthNames = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

function ymd(y: number, m: number, d: number): string {
  return `${String(y).padStart(4, '0')}-${String(m + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
}

function parts(date: string): [number, number, number] {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return [y, m - 1, d];
}

/** The period columns between two dates (inclusive), split as `summarize_column_by` asks. */
export function periodColumns(start: string, end: string, by: SummarizeBy): Column[] {
  if (by === 'Total') return [{ title: 'Total', start, end }];
  const months = by === 'Month' ? 1 : by === 'Quarter' ? 3 : 12;
  const columns: Column[] = [];
  let [y, m] = parts(start);
  // Periods align on calendar months, quarters and years; the first and last are clipped to the range.
  m -= m % months;
  while (ymd(y, m, 1) <= end) {
    const lastMonth = m + months - 1;
    const periodEnd = ymd(y + Math.floor(lastMonth / 12), lastMonth % 12, daysInMonth(y + Math.floor(lastMonth / 12), lastMonth % 12));
    const from = ymd(y, m, 1) < start ? start : ymd(y, m, 1);
    const to = periodEnd > end ? end : periodEnd;
    const title = by === 'Month' ? `${monthNames[m]} ${y}` : by === 'Quarter' ? `Q${m / 3 + 1} ${y}` : String(y);
    columns.push({ title, start: from, end: to });
    m += months;
    y += Math.floor(m / 12);
    m %= 12;
  }
  return columns;
}

const monthIndex = (y: number, m: number) => y * 12 + m;

/** Profit and loss: each month's amount per account, prorated for the days of the month in the column. */
function flowCents(seed: number, node: Extract<ReportNode, { kind: 'account' }>, column: Column): number {
  let [y, m] = parts(column.start);
  let total = 0;
  for (;;) {
    const first = ymd(y, m, 1);
    if (first > column.end) break;
    const last = ymd(y, m, daysInMonth(y, m));
    const from = first < column.start ? column.start : first;
    const to = last > column.end ? column.end : last;
    const days = parts(to)[2] - parts(from)[2] + 1;
    const monthly = node.scale * 100 * (0.6 + 0.8 * hashUnit(seed, Number(node.id), monthIndex(y, m)));
    total += Math.round((monthly * days) / daysInMonth(y, m));
    m += 1;
    y += Math.floor(m / 12);
    m %= 12;
  }
  return total;
}

/** Balance sheet: each account's balance at the end of the column. */
function balanceCents(seed: number, node: Extract<ReportNode, { kind: 'account' }>, column: Column): number {
  const [y, m] = parts(column.end);
  return Math.round(node.scale * 100 * (0.8 + 0.4 * hashUnit(seed, Number(node.id), monthIndex(y, m), 7)));
}

/** Amounts in cents per node and column; section totals and computed lines included. */
function evaluate(seed: number, report: ReportName, tree: ReportNode[], columns: Column[]): Map<ReportNode, number[]> {
  const values = new Map<ReportNode, number[]>();
  const groups = new Map<string, number[]>();
  const leaf = report === 'ProfitAndLoss' ? flowCents : balanceCents;
  let balancing: ReportNode | null = null;
  const walk = (nodes: ReportNode[]): number[] => {
    const sum = columns.map(() => 0);
    for (const node of nodes) {
      let own: number[];
      if (node.kind === 'account') {
        if (node.balancing) balancing = node;
        own = node.balancing ? (values.get(node) ?? columns.map(() => 0)) : columns.map((c) => leaf(seed, node, c));
      } else if (node.kind === 'section') {
        own = walk(node.children);
      } else {
        own = columns.map((_, i) => node.plus.reduce((s, g) => s + (groups.get(g)?.[i] ?? 0), 0) - node.minus.reduce((s, g) => s + (groups.get(g)?.[i] ?? 0), 0));
      }
      values.set(node, own);
      if (node.kind !== 'account' && node.group) groups.set(node.group, own);
      // Computed lines stand beside sections; they are not part of any section's total.
      if (node.kind !== 'computed') own.forEach((v, i) => (sum[i]! += v));
    }
    return sum;
  };
  walk(tree);
  if (balancing) {
    // Second pass with the balancing line set so that both sides of the balance sheet agree.
    const assets = groups.get('TotalAssets') ?? columns.map(() => 0);
    const other = groups.get('TotalLiabilitiesAndEquity') ?? columns.map(() => 0);
    values.set(balancing, assets.map((a, i) => a - other[i]!));
    groups.clear();
    walk(tree);
  }
  return values;
}

const money = (cents: number) => (cents / 100).toFixed(2);

function renderRows(nodes: ReportNode[], values: Map<ReportNode, number[]>, withTotal: boolean): Json[] {
  const cells = (label: Json, node: ReportNode): Json[] => {
    const own = values.get(node)!;
    const total = own.reduce((s, v) => s + v, 0);
    return [label, ...own.map((v) => ({ value: money(v) })), ...(withTotal ? [{ value: money(total) }] : [])];
  };
  const blanks = (node: ReportNode) => values.get(node)!.map(() => ({ value: '' })).concat(withTotal ? [{ value: '' }] : []);
  return nodes.map((node): Json => {
    if (node.kind === 'account') {
      return { ColData: cells(node.id === '' ? { value: node.name } : { value: node.name, id: node.id }, node), type: 'Data' };
    }
    if (node.kind === 'computed') return { Summary: { ColData: cells({ value: node.title }, node) }, type: 'Section', group: node.group };
    return {
      Header: { ColData: [node.accountId ? { value: node.title, id: node.accountId } : { value: node.title }, ...blanks(node)] },
      Rows: { Row: renderRows(node.children, values, withTotal) },
      Summary: { ColData: cells({ value: node.total }, node) },
      type: 'Section',
      ...(node.group ? { group: node.group } : {}),
    };
  });
}

export function buildReport(seed: number, request: ReportRequest, nowSeconds: number): Json {
  const tree = request.report === 'ProfitAndLoss' ? profitAndLossTree : balanceSheetTree;
  const columns = periodColumns(request.start, request.end, request.summarizeBy);
  // The profit and loss adds a Total column when it is split into periods; the balance sheet does not.
  const withTotal = request.report === 'ProfitAndLoss' && request.summarizeBy !== 'Total';
  const values = evaluate(seed, request.report, tree, columns);
  return {
    Header: {
      Time: qboTime(nowSeconds),
      ReportName: request.report,
      ReportBasis: request.basis,
      StartPeriod: request.start,
      EndPeriod: request.end,
      SummarizeColumnsBy: request.summarizeBy,
      Currency: 'USD',
      Option: [
        { Name: 'AccountingStandard', Value: 'GAAP' },
        { Name: 'NoReportData', Value: 'false' },
      ],
    },
    Columns: {
      Column: [
        { ColTitle: '', ColType: 'Account', MetaData: [{ Name: 'ColKey', Value: 'account' }] },
        ...columns.map((c) => ({
          ColTitle: c.title,
          ColType: 'Money',
          MetaData:
            request.summarizeBy === 'Total'
              ? [{ Name: 'ColKey', Value: 'total' }]
              : [
                  { Name: 'StartDate', Value: c.start },
                  { Name: 'EndDate', Value: c.end },
                  { Name: 'ColKey', Value: c.title },
                ],
        })),
        ...(withTotal ? [{ ColTitle: 'Total', ColType: 'Money', MetaData: [{ Name: 'ColKey', Value: 'total' }] }] : []),
      ],
    },
    Rows: { Row: renderRows(tree, values, withTotal) },
  };
}
