import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { allConnectors } from '../../src/connectors/index.js';

/** Every connector the build ships runs the acceptance suite: a new one without its spec file fails here. */
describe('connector acceptance coverage', () => {
  it.each(allConnectors.map((c) => c.manifest.id))('%s has test/acceptance/<id>.acceptance.test.ts and a sandbox', (id) => {
    const file = fileURLToPath(new URL(`./${id}.acceptance.test.ts`, import.meta.url));
    expect(existsSync(file), `${file} is missing: call defineAcceptanceSuite({ connector: '${id}', … }) there`).toBe(true);
    expect(allConnectors.find((c) => c.manifest.id === id)!.sandbox).toBeTypeOf('function');
  });
});
