/** What a line of a connector costs: described data, hand-written hook code, its simulator, or its tests. */
export const lineKinds = ['data', 'code', 'sandbox', 'tests'] as const;
export type LineKind = (typeof lineKinds)[number];

/** The files at the top of a connector folder that describe it rather than run it. */
const DATA_FILES = new Set(['manifest.ts', 'schemas.ts', 'crm-mapping.ts', 'index.ts', 'streams.ts']);
const DATA_EXTENSIONS = ['.json', '.yaml', '.yml'];

/**
 * The kind of a file, by its path inside the connector folder (`/`-separated), or null for a file that is none
 * (a README, an image). The first rule that matches wins: tests, then the sandbox (its seed data included), then
 * data, then code. The acceptance suite outside the folder is counted as tests by the caller.
 */
export function classifyConnectorFile(relativePath: string): LineKind | null {
  const parts = relativePath.split('/');
  const name = parts.at(-1) ?? '';
  if (name.endsWith('.test.ts')) return 'tests';
  if (parts[0] === 'sandbox' && parts.length > 1) return 'sandbox';
  if (parts.length === 1 && DATA_FILES.has(name)) return 'data';
  if (parts.slice(0, -1).includes('data')) return 'data';
  if (DATA_EXTENSIONS.some((ext) => name.endsWith(ext))) return 'data';
  if (name.endsWith('.ts')) return 'code';
  return null;
}
