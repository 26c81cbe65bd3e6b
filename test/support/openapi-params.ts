/**
 * Turning a raw query string or form body back into the values an OpenAPI parameter describes, per its `style`
 * and `explode` (OpenAPI 3 §4.8.12.4): `form` (the query default) with explode repeats the name for each array
 * item (`a=1&a=2`), without explode joins them with commas; `deepObject` spreads an object over bracketed keys
 * (`created[gt]=5`), and Stripe spreads arrays the same way (`expand[]=x`, `expand[0]=x`).
 */

/** One `name=value` pair of a query string or form body, decoded (`+` is a space, as forms encode it). */
export interface RawPair {
  key: string;
  value: string;
}

/** The pairs of `a=1&b=x+y`, in order, decoded; a pair that cannot be decoded keeps its raw text. */
export function pairsOf(raw: string): RawPair[] {
  if (raw === '') return [];
  return raw
    .split('&')
    .filter((part) => part !== '')
    .map((part) => {
      const eq = part.indexOf('=');
      const key = eq === -1 ? part : part.slice(0, eq);
      const value = eq === -1 ? '' : part.slice(eq + 1);
      return { key: decode(key), value: decode(value) };
    });
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `created[gt]` → `['created', 'gt']`; `expand[]` → `['expand', '']`; `plain` → `['plain']`. */
export function keyPath(key: string): string[] {
  const open = key.indexOf('[');
  if (open <= 0 || !key.endsWith(']')) return [key];
  const head = key.slice(0, open);
  const rest = key.slice(open);
  const parts = [...rest.matchAll(/\[([^\]]*)\]/g)].map((m) => m[1] ?? '');
  // Anything between the brackets that is not a bracket group means the key is not bracket notation after all.
  if (parts.map((p) => `[${p}]`).join('') !== rest) return [key];
  return [head, ...parts];
}

/**
 * Builds the nested value the bracketed keys of one parameter spell: `[['gt'],'5'], [['lt'],'9']` →
 * `{ gt: '5', lt: '9' }`; `[[''],'a'], [[''],'b']` or `[['0'],'a'], [['1'],'b']` → `['a', 'b']`.
 */
export function nestedValue(entries: { path: string[]; value: string }[]): unknown {
  if (entries.length === 1 && entries[0]!.path.length === 0) return entries[0]!.value;
  const isArray = entries.every((e) => e.path.length > 0 && /^\d*$/.test(e.path[0]!));
  if (isArray) {
    const byIndex = new Map<string, { path: string[]; value: string }[]>();
    let next = 0;
    for (const entry of entries) {
      const [index, ...rest] = entry.path;
      // `a[]=x` appends; `a[0][k]=x` groups by index.
      const slot = index === '' ? String(next++) : index!;
      if (index !== '') next = Math.max(next, Number(index) + 1);
      byIndex.set(slot, [...(byIndex.get(slot) ?? []), { path: rest, value: entry.value }]);
    }
    return [...byIndex.entries()].sort((a, b) => Number(a[0]) - Number(b[0])).map(([, group]) => nestedValue(group));
  }
  const out: Record<string, unknown> = {};
  const byKey = new Map<string, { path: string[]; value: string }[]>();
  for (const entry of entries) {
    const [head = '', ...rest] = entry.path;
    byKey.set(head, [...(byKey.get(head) ?? []), { path: rest, value: entry.value }]);
  }
  for (const [key, group] of byKey) out[key] = nestedValue(group);
  return out;
}

/** A form body as the object its bracketed keys spell (Stripe's `metadata[k]=v`, `items[0][price]=p`). */
export function formObjectOf(raw: string): Record<string, unknown> {
  const byName = new Map<string, { path: string[]; value: string }[]>();
  for (const { key, value } of pairsOf(raw)) {
    const [name, ...path] = keyPath(key);
    byName.set(name!, [...(byName.get(name!) ?? []), { path, value }]);
  }
  const out: Record<string, unknown> = {};
  for (const [name, entries] of byName) {
    out[name] = entries.length > 1 && entries.every((e) => e.path.length === 0) ? entries.map((e) => e.value) : nestedValue(entries);
  }
  return out;
}
