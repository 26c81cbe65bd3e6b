import { isDeepStrictEqual } from 'node:util';
import { configList } from './config-list.js';
import { valueAt } from './json-path.js';
import type { Condition } from './stream-spec.js';

/**
 * Whether a record or a body meets a described condition. Every test given must hold; `in_config` holds for any
 * value when the config list is empty (nothing configured means everything).
 *
 * @example
 * ```ts
 * holds({ path: 'ok', equals: false }, { ok: false, error: 'invalid_auth' }); // true
 * holds({ path: 'id', in_config: 'calendars' }, { id: 'team' }, { calendars: 'primary,team' }); // true
 * ```
 */
export function holds(condition: Condition, value: unknown, config: Record<string, unknown> = {}): boolean {
  const found = valueAt(value, condition.path);
  if (condition.exists !== undefined && (found !== undefined) !== condition.exists) return false;
  if ('equals' in condition && condition.equals !== undefined && !isDeepStrictEqual(found, condition.equals)) return false;
  if ('not_equals' in condition && condition.not_equals !== undefined && isDeepStrictEqual(found, condition.not_equals)) return false;
  if (condition.in !== undefined && !condition.in.some((item) => isDeepStrictEqual(item, found))) return false;
  if (condition.in_config !== undefined) {
    const allowed = configList(config, condition.in_config);
    if (allowed.length > 0 && !allowed.includes(String(found))) return false;
  }
  return true;
}
