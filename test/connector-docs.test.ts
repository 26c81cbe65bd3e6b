import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { connectorDocParts, partProblem, writeConnectorDocs, type GeneratedPart } from '../scripts/connector-docs/connector-doc-pages.js';
import { readGeneratedBlock } from '../scripts/connector-docs/generated-block.js';
import { schemaFields } from '../scripts/connector-docs/schema-fields.js';
import { allConnectors } from '../src/connectors/index.js';
import { repoRoot } from './support/child-process.js';

/** The hand-written sections every connector page must have, besides the generated reference. */
const handWrittenSections = [/^## What it syncs$/m, /^## Auth\b/m, /^## How it stays up to date$/m, /^## Limits$/m, /^## Try it against the\b.*sandbox$/m];

describe('connector docs', () => {
  it('every page holds the reference its manifest produces now (else: run npm run docs:connectors)', async () => {
    const parts = connectorDocParts();
    expect(parts.map((p) => p.page)).toEqual(expect.arrayContaining(allConnectors.map((c) => path.join('docs', 'connectors', `${c.manifest.id}.md`))));
    const problems = (await Promise.all(parts.map((part) => partProblem(repoRoot, part)))).filter((p) => p !== null);
    expect(problems, 'run npm run docs:connectors').toEqual([]);
  });

  it('every connector page says what it syncs, auth, how it stays up to date, its limits, and how to try it', async () => {
    for (const connector of allConnectors) {
      const page = await readFile(path.join(repoRoot, 'docs', 'connectors', `${connector.manifest.id}.md`), 'utf8');
      const missing = handWrittenSections.filter((section) => !section.test(page)).map(String);
      expect(missing, `docs/connectors/${connector.manifest.id}.md`).toEqual([]);
    }
  });
});

describe('the connector docs generator', () => {
  let dir = '';
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const part: GeneratedPart = { page: path.join('docs', 'connectors', 'demo.md'), block: 'reference', content: '## Reference\n\nnew' };
  async function pageWith(text: string): Promise<string> {
    dir = await mkdtemp(path.join(tmpdir(), 'trb-connector-docs-'));
    await mkdir(path.join(dir, 'docs', 'connectors'), { recursive: true });
    if (text) await writeFile(path.join(dir, part.page), text);
    return path.join(dir, part.page);
  }

  it('rewrites only between the markers, and then finds the page up to date', async () => {
    const file = await pageWith('# Demo\n\nhand-written\n\n<!-- generated: reference -->\nold\n<!-- /generated -->\n\nafter\n');
    expect(await partProblem(dir, part)).toMatch(/differs from the manifest/);
    expect(await writeConnectorDocs(dir, [part])).toEqual([part.page]);
    expect(await readFile(file, 'utf8')).toBe('# Demo\n\nhand-written\n\n<!-- generated: reference -->\n## Reference\n\nnew\n<!-- /generated -->\n\nafter\n');
    expect(await partProblem(dir, part)).toBeNull();
    expect(await writeConnectorDocs(dir, [part])).toEqual([]);
  });

  it('refuses a missing page and a page without markers', async () => {
    await pageWith('');
    expect(await partProblem(dir, part)).toMatch(/is missing/);
    await expect(writeConnectorDocs(dir, [part])).rejects.toThrow(/is missing/);
    await writeFile(path.join(dir, part.page), '# Demo\n');
    expect(await partProblem(dir, part)).toMatch(/lacks the markers/);
    await expect(writeConnectorDocs(dir, [part])).rejects.toThrow(/lacks the markers/);
    expect(readGeneratedBlock('<!-- generated: reference -->\nno end', 'reference')).toBeNull();
  });

  it('lists top-level fields with type, format, required and description; nested objects are named', () => {
    const fields = schemaFields({
      type: 'object',
      required: ['id'],
      properties: {
        id: { type: 'integer' },
        closed_at: { type: ['string', 'null'], format: 'date-time', description: 'when it closed' },
        state: { type: 'string', enum: ['open', 'closed'] },
        user: { type: ['object', 'null'], properties: { login: { type: 'string' }, id: { type: 'integer' } } },
        labels: { type: 'array', items: { type: 'object', properties: { name: { type: 'string' } } } },
      },
    });
    expect(fields).toEqual([
      { name: 'id', type: 'integer', required: true, description: '' },
      { name: 'closed_at', type: 'string (date-time) or null', required: false, description: 'when it closed' },
      { name: 'state', type: 'string', required: false, description: 'one of `open`, `closed`' },
      { name: 'user', type: 'object or null', required: false, description: 'nested object: `login`, `id`' },
      { name: 'labels', type: 'array of object', required: false, description: 'nested object: `name`' },
    ]);
  });
});
