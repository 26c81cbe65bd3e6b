/** Aligned columns for terminal lists; the last column is left unpadded so long messages do not pad every row. */
export function printTable(header: string[], rows: string[][], out: NodeJS.WritableStream = process.stdout): void {
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  for (const row of all) {
    out.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd()}\n`);
  }
}
