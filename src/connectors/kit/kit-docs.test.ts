import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The kit is the surface a connector author reads: every export of its two entry points must carry a doc comment
 * with an `@example` (issue #13, item 6). The comment sits on the declaration the export resolves to (in contracts/,
 * http-client/ or the kit itself), where an editor's hover finds it.
 */

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../../..');
const entryPoints = [path.join(here, 'index.ts'), path.join(here, 'sandbox', 'index.ts')];

interface Missing {
  entry: string;
  name: string;
  lacks: string;
}

function undocumentedExports(): { checked: number; missing: Missing[] } {
  const configPath = path.join(root, 'tsconfig.json');
  const config = ts.readConfigFile(configPath, (file) => ts.sys.readFile(file));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, root);
  const program = ts.createProgram(entryPoints, options);
  const checker = program.getTypeChecker();
  const missing: Missing[] = [];
  let checked = 0;
  for (const entry of entryPoints) {
    const source = program.getSourceFile(entry);
    const moduleSymbol = source && checker.getSymbolAtLocation(source);
    if (!moduleSymbol) throw new Error(`cannot read the exports of ${entry}`);
    for (const exported of checker.getExportsOfModule(moduleSymbol)) {
      checked++;
      const symbol = exported.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(exported) : exported;
      const name = exported.getName();
      const where = path.relative(root, entry);
      const doc = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
      if (doc === '') missing.push({ entry: where, name, lacks: 'a doc comment' });
      else if (!symbol.getJsDocTags(checker).some((tag) => tag.name === 'example')) missing.push({ entry: where, name, lacks: 'an @example' });
    }
  }
  return { checked, missing };
}

describe('connector kit documentation', () => {
  it('documents every export of the kit and the sandbox kit, each with an @example', () => {
    const { checked, missing } = undocumentedExports();
    expect(checked).toBeGreaterThan(50);
    expect(missing.map((m) => `${m.entry}: ${m.name} lacks ${m.lacks}`)).toEqual([]);
  }, 60_000);
});
