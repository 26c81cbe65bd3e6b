/**
 * Writes the subset of a vendor's OpenAPI document that the vendor-fidelity suite needs: the chosen operations
 * and every component they reference, transitively, copied unchanged (see test/vendor-specs/README.md for the
 * command line used for each provider).
 *
 *   npx tsx test/vendor-specs/extract.ts --from <full document .json|.yaml> --to test/vendor-specs/<id>.json \
 *     [--source "<npm package@version path>"] "GET /user" "GET /repos/{owner}/{repo}/issues" …
 *
 * `--source` is recorded in the subset as `x-subset-of`, with the operations kept. The top-level `openapi`, `info`,
 * `servers`, `security`, `externalDocs` and `tags` are kept as they are; path-level parameters of a kept path
 * item are kept with it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The subset of `document` holding `operations` ("METHOD /path/template") and what they reference.
 *
 * @example
 * ```ts
 * const subset = subsetOf(full, ['GET /user', 'GET /user/repos']);
 * ```
 */
export function subsetOf(document: Json, operations: string[], source?: string): Json {
  const paths = isObject(document.paths) ? document.paths : {};
  const keptPaths: Json = {};
  for (const entry of operations) {
    const match = /^([A-Za-z]+)\s+(\/\S*)$/.exec(entry.trim());
    if (!match) throw new Error(`"${entry}" is not "METHOD /path"`);
    const method = match[1]!.toLowerCase();
    const template = match[2]!;
    const item = paths[template];
    if (!isObject(item) || !isObject(item[method])) throw new Error(`the document has no operation ${method.toUpperCase()} ${template}`);
    const kept = (keptPaths[template] as Json | undefined) ?? {};
    for (const [key, value] of Object.entries(item)) {
      if (key === method || !['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(key)) kept[key] = value;
    }
    keptPaths[template] = kept;
  }

  const components = isObject(document.components) ? document.components : {};
  const keptComponents: Record<string, Json> = {};
  const pending: unknown[] = [keptPaths];
  const seen = new Set<string>();
  while (pending.length > 0) {
    for (const ref of refsIn(pending.pop())) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const parts = /^#\/components\/([^/]+)\/(.+)$/.exec(ref);
      if (!parts) throw new Error(`unsupported $ref ${ref} (only #/components/<section>/<name>)`);
      const section = parts[1]!;
      const name = parts[2]!.replace(/~1/g, '/').replace(/~0/g, '~');
      const value = (components[section] as Json | undefined)?.[name];
      if (value === undefined) throw new Error(`unresolvable $ref ${ref}`);
      (keptComponents[section] ??= {})[name] = value;
      pending.push(value);
    }
  }
  // Security schemes are referenced by name, not $ref: keep them whole (they are small).
  if (isObject(components.securitySchemes)) keptComponents.securitySchemes = components.securitySchemes;

  const out: Json = {};
  for (const key of ['openapi', 'info', 'servers', 'security', 'externalDocs', 'tags']) if (document[key] !== undefined) out[key] = document[key];
  if (source !== undefined) out['x-subset-of'] = { source, operations };
  out.paths = keptPaths;
  out.components = Object.fromEntries(
    Object.entries(keptComponents)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([section, entries]) => [section, Object.fromEntries(Object.entries(entries).sort(([a], [b]) => a.localeCompare(b)))]),
  );
  return out;
}

function refsIn(node: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value)) {
      for (const [key, child] of Object.entries(value)) {
        if (key === '$ref' && typeof child === 'string') found.push(child);
        else walk(child);
      }
    }
  };
  walk(node);
  return found;
}

async function readDocument(path: string): Promise<Json> {
  const text = readFileSync(path, 'utf8');
  if (/\.ya?ml$/i.test(path)) {
    // `yaml` is in node_modules through the toolchain; only this script, run by hand, reads YAML.
    const { parse } = (await import('yaml')) as { parse: (text: string, options?: object) => unknown };
    return parse(text, { maxAliasCount: -1 }) as Json;
  }
  return JSON.parse(text) as Json;
}

async function main(argv: string[]): Promise<void> {
  const operations: string[] = [];
  let from: string | undefined;
  let to: string | undefined;
  let source: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--from') from = argv[++i];
    else if (arg === '--to') to = argv[++i];
    else if (arg === '--source') source = argv[++i];
    else operations.push(arg);
  }
  if (!from || !to || operations.length === 0) throw new Error('usage: extract.ts --from <document> --to <subset.json> [--source <text>] "METHOD /path" …');
  const document = await readDocument(from);
  writeFileSync(to, `${JSON.stringify(subsetOf(document, operations, source), null, 2)}\n`);
  console.log(`wrote ${to}: ${operations.length} operations`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main(process.argv.slice(2));
}
