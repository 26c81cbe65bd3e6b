import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { classifyConnectorFile, lineKinds, type LineKind } from './classify-connector-file.js';

/** Non-blank lines of one connector, by kind. */
export type ConnectorLines = { connector: string; total: number } & Record<LineKind, number>;

const nonBlankLines = (text: string) => text.split('\n').filter((line) => line.trim() !== '').length;
const emptyRow = (connector: string): ConnectorLines => ({ connector, data: 0, code: 0, sandbox: 0, tests: 0, total: 0 });

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
}

async function add(row: ConnectorLines, kind: LineKind, file: string): Promise<void> {
  const lines = nonBlankLines(await readFile(file, 'utf8'));
  row[kind] += lines;
  row.total += lines;
}

/**
 * Lines per connector of the repository at `root`: every folder of `src/connectors/` but the kit, plus its
 * acceptance suite `test/acceptance/<id>.acceptance.test.ts` as tests. Sorted by connector id.
 */
export async function connectorStats(root: string): Promise<ConnectorLines[]> {
  const connectorsDir = path.join(root, 'src', 'connectors');
  const folders = (await readdir(connectorsDir, { withFileTypes: true })).filter((e) => e.isDirectory() && e.name !== 'kit').map((e) => e.name).sort();
  const rows: ConnectorLines[] = [];
  for (const id of folders) {
    const row = emptyRow(id);
    const dir = path.join(connectorsDir, id);
    for (const file of (await filesUnder(dir)).sort()) {
      const kind = classifyConnectorFile(file);
      if (kind) await add(row, kind, path.join(dir, file));
    }
    const acceptance = path.join(root, 'test', 'acceptance', `${id}.acceptance.test.ts`);
    await add(row, 'tests', acceptance).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'ENOENT') throw error;
    });
    rows.push(row);
  }
  return rows;
}

/** The sum of every row. */
export function totalRow(rows: ConnectorLines[]): ConnectorLines {
  const total = emptyRow('total');
  for (const row of rows) for (const kind of [...lineKinds, 'total'] as const) total[kind] += row[kind];
  return total;
}

/** A plain-text table, numbers right-aligned, with the total row last. */
export function statsTable(rows: ConnectorLines[]): string {
  const header = ['connector', 'data', 'code', 'sandbox', 'tests', 'total'];
  const body = [...rows, totalRow(rows)].map((r) => [r.connector, ...[...lineKinds, 'total' as const].map((k) => String(r[k]))]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((cells) => cells[i]!.length)));
  const format = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [format(header), ...body.map(format)].join('\n');
}
