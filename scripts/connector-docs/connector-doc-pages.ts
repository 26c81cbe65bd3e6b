import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { allConnectors } from '../../src/connectors/index.js';
import { ManifestSchema, type Manifest } from '../../src/contracts/manifest.js';
import { connectorIndex } from './connector-index.js';
import { connectorReference } from './connector-reference.js';
import { readGeneratedBlock, replaceGeneratedBlock } from './generated-block.js';

/** One generated block: the page (relative to the repository root), the block's name, what it must hold. */
export interface GeneratedPart {
  page: string;
  block: string;
  content: string;
}

/** Every generated part of the connector docs: each connector's reference, and the index table. */
export function connectorDocParts(manifests: Manifest[] = allConnectors.map((c) => ManifestSchema.parse(c.manifest))): GeneratedPart[] {
  return [
    ...manifests.map((m) => ({ page: path.join('docs', 'connectors', `${m.id}.md`), block: 'reference', content: connectorReference(m) })),
    { page: path.join('docs', 'connectors', 'README.md'), block: 'index', content: connectorIndex(manifests) },
  ];
}

/** What is wrong with a part as the page holds it now, or null when the page is up to date. */
export async function partProblem(root: string, part: GeneratedPart): Promise<string | null> {
  const text = await readFile(path.join(root, part.page), 'utf8').catch(() => null);
  if (text === null) return `${part.page} is missing`;
  const current = readGeneratedBlock(text, part.block);
  if (current === null) return `${part.page} lacks the markers <!-- generated: ${part.block} --> … <!-- /generated -->`;
  return current === part.content ? null : `${part.page}: the generated ${part.block} differs from the manifest`;
}

/**
 * Rewrites every generated part in place and returns the pages changed. A missing page or missing markers is an
 * error: where the hand-written text goes around the reference is a person's choice, not the generator's.
 */
export async function writeConnectorDocs(root: string, parts: GeneratedPart[] = connectorDocParts()): Promise<string[]> {
  const changed: string[] = [];
  for (const part of parts) {
    const file = path.join(root, part.page);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) throw new Error(`${part.page} is missing: write its hand-written sections, with the markers <!-- generated: ${part.block} --> and <!-- /generated -->`);
    const next = replaceGeneratedBlock(text, part.block, part.content);
    if (next === null) throw new Error(`${part.page} lacks the markers <!-- generated: ${part.block} --> and <!-- /generated -->`);
    if (next !== text) {
      await writeFile(file, next);
      changed.push(part.page);
    }
  }
  return changed;
}
