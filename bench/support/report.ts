/** Tables for people; the JSON for machines is the scenario results themselves. */

export type Cell = string | number | null | undefined;

export function table(title: string, headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) => row.map((cell) => (cell === null || cell === undefined ? '—' : typeof cell === 'number' ? formatNumber(cell) : cell)));
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => row[i]?.length ?? 0)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ')} |`;
  return [`\n${title}`, line(headers), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...text.map(line)].join('\n');
}

export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  if (Math.abs(n) >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

export const ratio = (a: number, b: number) => (b === 0 ? NaN : Math.round((a / b) * 100) / 100);
export const perSecond = (count: number, ms: number) => (ms <= 0 ? NaN : Math.round((count / ms) * 1000));
export const mb = (bytes: number) => Math.round((bytes / (1024 * 1024)) * 10) / 10;
export const seconds = (ms: number) => Math.round(ms / 10) / 100;

export interface Target {
  scenario: string;
  name: string;
  value: number;
  target: string;
  met: boolean;
}

export function targetsTable(targets: Target[]): string {
  return table(
    'Targets',
    ['scenario', 'figure', 'measured', 'target', 'met'],
    targets.map((t) => [t.scenario, t.name, t.value, t.target, t.met ? 'yes' : 'NO']),
  );
}
