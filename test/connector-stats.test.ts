import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyConnectorFile } from '../scripts/connector-stats/classify-connector-file.js';
import { connectorStats, statsTable, totalRow } from '../scripts/connector-stats/connector-stats.js';

/** `n` non-blank lines with blank ones between them, which must not count. */
const lines = (n: number) => Array.from({ length: n }, (_, i) => `line ${i}`).join('\n\n   \n') + '\n\n';

describe('connector:stats', () => {
  let root = '';
  const files: Record<string, number> = {
    'src/connectors/demo/manifest.ts': 10,
    'src/connectors/demo/schemas.ts': 20,
    'src/connectors/demo/index.ts': 3,
    'src/connectors/demo/streams.ts': 4,
    'src/connectors/demo/crm-mapping.ts': 5,
    'src/connectors/demo/data/streams.yaml': 6,
    'src/connectors/demo/extra.json': 2,
    'src/connectors/demo/issues-stream.ts': 30,
    'src/connectors/demo/support/paging.ts': 7,
    'src/connectors/demo/streams.test.ts': 40,
    'src/connectors/demo/sandbox/index.ts': 50,
    'src/connectors/demo/sandbox/seed.json': 8,
    'src/connectors/demo/sandbox/api.test.ts': 9,
    'src/connectors/demo/README.md': 100,
    'src/connectors/other/manifest.ts': 1,
    'src/connectors/kit/index.ts': 1000,
    'test/acceptance/demo.acceptance.test.ts': 11,
    'test/acceptance/acceptance-kit.ts': 500,
  };

  beforeAll(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'trb-connector-stats-'));
    for (const [file, n] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(root, file)), { recursive: true });
      await writeFile(path.join(root, file), lines(n));
    }
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('counts non-blank lines per kind, the acceptance suite as tests, and leaves the kit out', async () => {
    const rows = await connectorStats(root);
    expect(rows).toEqual([
      { connector: 'demo', data: 10 + 20 + 3 + 4 + 5 + 6 + 2, code: 30 + 7, sandbox: 50 + 8, tests: 40 + 9 + 11, total: 50 + 37 + 58 + 60 },
      { connector: 'other', data: 1, code: 0, sandbox: 0, tests: 0, total: 1 },
    ]);
    expect(totalRow(rows)).toEqual({ connector: 'total', data: 51, code: 37, sandbox: 58, tests: 60, total: 206 });
    expect(statsTable(rows).split('\n')).toEqual([
      'connector  data  code  sandbox  tests  total',
      'demo         50    37       58     60    205',
      'other         1     0        0      0      1',
      'total        51    37       58     60    206',
    ]);
  });

  it('classifies by path: tests first, then the sandbox, then data, then code', () => {
    expect(classifyConnectorFile('sandbox/data/seed.json')).toBe('sandbox');
    expect(classifyConnectorFile('sandbox/server.test.ts')).toBe('tests');
    expect(classifyConnectorFile('index.ts')).toBe('data');
    expect(classifyConnectorFile('nested/index.ts')).toBe('code');
    expect(classifyConnectorFile('data/anything.ts')).toBe('data');
    expect(classifyConnectorFile('notes.md')).toBeNull();
  });
});
