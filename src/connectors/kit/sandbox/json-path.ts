import type { JsonPath } from '../declarative/stream-spec.js';

/**
 * Reading and writing a value at a described JSON path (`page.cursor` or `['page', 'cursor']`): the simulator puts
 * records, next-page tokens and flags where a stream's description says the reader will look for them.
 */

/**
 * The segments of a path: a string is split at dots, an array is taken as is.
 *
 * @example
 * ```ts
 * pathSegments('response_metadata.next_cursor'); // ['response_metadata', 'next_cursor']
 * ```
 */
export function pathSegments(path: JsonPath): string[] {
  return typeof path === 'string' ? path.split('.') : [...path];
}

/**
 * The value at `path`, or undefined when any step is missing.
 *
 * @example
 * ```ts
 * valueAt({ page: { cursor: 'abc' } }, 'page.cursor'); // 'abc'
 * ```
 */
export function valueAt(source: unknown, path: JsonPath): unknown {
  let current = source;
  for (const segment of pathSegments(path)) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

/**
 * Sets `value` at `path`, creating the objects on the way.
 *
 * @example
 * ```ts
 * const body = {};
 * setValueAt(body, 'page.cursor', 'abc'); // body is { page: { cursor: 'abc' } }
 * ```
 */
export function setValueAt(target: Record<string, unknown>, path: JsonPath, value: unknown): void {
  const segments = pathSegments(path);
  let current = target;
  for (const segment of segments.slice(0, -1)) {
    const next = current[segment];
    if (next === null || typeof next !== 'object' || Array.isArray(next)) current[segment] = {};
    current = current[segment] as Record<string, unknown>;
  }
  current[segments.at(-1)!] = value;
}

/**
 * Removes the value at `path` and returns it (undefined when there was none).
 *
 * @example
 * ```ts
 * const id = removeValueAt(record, 'meta.id');
 * ```
 */
export function removeValueAt(target: Record<string, unknown>, path: JsonPath): unknown {
  const segments = pathSegments(path);
  const holder = segments.length === 1 ? target : valueAt(target, segments.slice(0, -1));
  if (holder === null || typeof holder !== 'object') return undefined;
  const key = segments.at(-1)!;
  const value = (holder as Record<string, unknown>)[key];
  delete (holder as Record<string, unknown>)[key];
  return value;
}
