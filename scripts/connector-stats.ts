/**
 * `npm run connector:stats [-- --json]`: lines per connector (non-blank), as data, hook code, sandbox and tests.
 * The classification is in docs/contributing/connector-stats.md.
 */
import { fileURLToPath } from 'node:url';
import { connectorStats, statsTable, totalRow } from './connector-stats/connector-stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const rows = await connectorStats(root);
console.log(process.argv.includes('--json') ? JSON.stringify({ connectors: rows, total: totalRow(rows) }, null, 2) : statsTable(rows));
