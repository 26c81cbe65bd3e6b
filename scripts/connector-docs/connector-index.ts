import type { Manifest } from '../../src/contracts/manifest.js';
import { authSummary } from './connector-reference.js';
import { code, markdownTable } from './markdown-table.js';

/** The table of docs/connectors/README.md: one row per connector, linking to its page. */
export function connectorIndex(manifests: Manifest[]): string {
  return markdownTable(
    ['id', 'name', 'category', 'auth', 'streams'],
    [...manifests].sort((a, b) => a.id.localeCompare(b.id)).map((m) => [`[${code(m.id)}](${m.id}.md)`, m.name, m.category, authSummary(m), m.streams.map((s) => s.name).join(', ')]),
  );
}
