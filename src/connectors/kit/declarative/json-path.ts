import { isObject } from '../../../http-client/index.js';
import type { JsonPath } from './stream-spec.js';

/**
 * Reading and changing values of untrusted JSON at a path (`page.cursor`, `['@odata.nextLink']`). A dotted string
 * is split on dots, unless the whole string is a key of the object at hand (`@odata.nextLink` is one key).
 */

function segments(path: JsonPath): string[] {
  return Array.isArray(path) ? path : path.split('.');
}

/**
 * The value at `path`, or undefined when any step is missing. Array items are reached by index (`emails.0.value`).
 *
 * @example
 * ```ts
 * valueAt({ page: { cursor: 'abc' } }, 'page.cursor'); // 'abc'
 * valueAt({ '@odata.nextLink': 'https://…' }, '@odata.nextLink'); // 'https://…'
 * ```
 */
export function valueAt(value: unknown, path: JsonPath): unknown {
  if (typeof path === 'string' && isObject(value) && Object.hasOwn(value, path)) return value[path];
  let current: unknown = value;
  for (const part of segments(path)) {
    if (Array.isArray(current) && /^\d+$/.test(part)) current = current[Number(part)];
    else if (isObject(current) && Object.hasOwn(current, part)) current = current[part];
    else return undefined;
  }
  return current;
}

/** Sets the value at `path` in a record, creating objects on the way. */
export function setAt(record: Record<string, unknown>, path: JsonPath, value: unknown): void {
  const parts = segments(path);
  let current: Record<string, unknown> = record;
  for (const part of parts.slice(0, -1)) {
    const next = current[part];
    if (!isObject(next)) current[part] = {};
    current = current[part] as Record<string, unknown>;
  }
  current[parts.at(-1)!] = value;
}

/** Removes the value at `path` (nothing when it is not there). */
export function removeAt(record: Record<string, unknown>, path: JsonPath): void {
  const parts = segments(path);
  let current: unknown = record;
  for (const part of parts.slice(0, -1)) {
    if (!isObject(current)) return;
    current = current[part];
  }
  if (isObject(current)) delete current[parts.at(-1)!];
}

/** A path as text, for messages. */
export function pathText(path: JsonPath): string {
  return Array.isArray(path) ? path.join('.') : path;
}
