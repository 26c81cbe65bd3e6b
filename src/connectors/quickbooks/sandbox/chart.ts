/**
 * The sandbox company's chart of accounts as the two reports lay it out. Each report is a tree: sections with
 * a `group` (QuickBooks' machine name for the section, e.g. `Income`), a header title and a summary title;
 * accounts (data rows with the account's Id); and summary-only sections computed from other sections
 * (`GrossProfit = Income - COGS`). Nested sections without a group are sub-accounts (a parent account whose
 * children are listed under it), as QuickBooks prints them.
 */
export type ReportNode =
  | { kind: 'account'; id: string; name: string; scale: number; balancing?: boolean }
  | { kind: 'section'; group?: string; accountId?: string; title: string; total: string; children: ReportNode[] }
  | { kind: 'computed'; group: string; title: string; plus: string[]; minus: string[] };

const account = (id: string, name: string, scale: number): ReportNode => ({ kind: 'account', id, name, scale });

export const profitAndLossTree: ReportNode[] = [
  {
    kind: 'section',
    group: 'Income',
    title: 'Income',
    total: 'Total Income',
    children: [account('1', 'Services', 9_000), account('79', 'Sales of Product Income', 14_000), account('82', 'Design income', 4_000)],
  },
  { kind: 'section', group: 'COGS', title: 'Cost of Goods Sold', total: 'Total Cost of Goods Sold', children: [account('80', 'Cost of Goods Sold', 6_000)] },
  { kind: 'computed', group: 'GrossProfit', title: 'Gross Profit', plus: ['Income'], minus: ['COGS'] },
  {
    kind: 'section',
    group: 'Expenses',
    title: 'Expenses',
    total: 'Total Expenses',
    children: [
      account('7', 'Advertising', 800),
      account('11', 'Insurance', 650),
      {
        kind: 'section',
        accountId: '12',
        title: 'Legal & Professional Fees',
        total: 'Total Legal & Professional Fees',
        children: [account('69', 'Accounting', 900), account('71', 'Lawyer', 1_200)],
      },
      account('17', 'Rent or Lease', 3_500),
      account('24', 'Utilities', 450),
    ],
  },
  { kind: 'computed', group: 'NetOperatingIncome', title: 'Net Operating Income', plus: ['GrossProfit'], minus: ['Expenses'] },
  { kind: 'section', group: 'OtherIncome', title: 'Other Income', total: 'Total Other Income', children: [account('25', 'Interest Earned', 120)] },
  { kind: 'section', group: 'OtherExpenses', title: 'Other Expenses', total: 'Total Other Expenses', children: [account('14', 'Miscellaneous', 300)] },
  { kind: 'computed', group: 'NetOtherIncome', title: 'Net Other Income', plus: ['OtherIncome'], minus: ['OtherExpenses'] },
  { kind: 'computed', group: 'NetIncome', title: 'Net Income', plus: ['NetOperatingIncome', 'NetOtherIncome'], minus: [] },
];

export const balanceSheetTree: ReportNode[] = [
  {
    kind: 'section',
    group: 'TotalAssets',
    title: 'ASSETS',
    total: 'TOTAL ASSETS',
    children: [
      {
        kind: 'section',
        group: 'CurrentAssets',
        title: 'Current Assets',
        total: 'Total Current Assets',
        children: [
          { kind: 'section', group: 'BankAccounts', title: 'Bank Accounts', total: 'Total Bank Accounts', children: [account('35', 'Checking', 40_000), account('36', 'Savings', 25_000)] },
          { kind: 'section', group: 'AR', title: 'Accounts Receivable', total: 'Total Accounts Receivable', children: [account('84', 'Accounts Receivable (A/R)', 18_000)] },
          {
            kind: 'section',
            group: 'OtherCurrentAssets',
            title: 'Other Current Assets',
            total: 'Total Other Current Assets',
            children: [account('81', 'Inventory Asset', 9_000), account('4', 'Undeposited Funds', 3_000)],
          },
        ],
      },
      { kind: 'section', group: 'FixedAssets', title: 'Fixed Assets', total: 'Total Fixed Assets', children: [account('37', 'Truck', 30_000)] },
    ],
  },
  {
    kind: 'section',
    group: 'TotalLiabilitiesAndEquity',
    title: 'LIABILITIES AND EQUITY',
    total: 'TOTAL LIABILITIES AND EQUITY',
    children: [
      {
        kind: 'section',
        group: 'Liabilities',
        title: 'Liabilities',
        total: 'Total Liabilities',
        children: [
          {
            kind: 'section',
            group: 'CurrentLiabilities',
            title: 'Current Liabilities',
            total: 'Total Current Liabilities',
            children: [
              { kind: 'section', group: 'AP', title: 'Accounts Payable', total: 'Total Accounts Payable', children: [account('33', 'Accounts Payable (A/P)', 7_000)] },
              { kind: 'section', group: 'CreditCards', title: 'Credit Cards', total: 'Total Credit Cards', children: [account('41', 'Mastercard', 2_500)] },
            ],
          },
          { kind: 'section', group: 'LongTermLiabilities', title: 'Long-Term Liabilities', total: 'Total Long-Term Liabilities', children: [account('43', 'Notes Payable', 25_000)] },
        ],
      },
      {
        kind: 'section',
        group: 'Equity',
        title: 'Equity',
        total: 'Total Equity',
        children: [
          account('34', 'Opening Balance Equity', 20_000),
          account('2', 'Retained Earnings', 30_000),
          // The balancing line: whatever makes liabilities and equity equal the assets.
          { kind: 'account', id: '', name: 'Net Income', scale: 0, balancing: true },
        ],
      },
    ],
  },
];

/** Rows a report prints per column: every account, every section summary and every computed line. */
export function rowsPerColumn(tree: ReportNode[]): number {
  let rows = 0;
  for (const node of tree) rows += node.kind === 'section' ? 1 + rowsPerColumn(node.children) : 1;
  return rows;
}
