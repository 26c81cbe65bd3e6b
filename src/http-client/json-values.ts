/**
 * Reading values out of a provider's JSON or a stored stream state, where nothing is trusted to have its type:
 * what every connector's readers check before they use a field.
 */

/**
 * A JSON object (not null, not an array): what a provider's body or a stored state is checked with first.
 *
 * @example
 * ```ts
 * const pass = isObject(state?.['pass']) ? state['pass'] : null;
 * ```
 */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The strings of a JSON array (anything else dropped); an empty list when it is not an array.
 *
 * @example
 * ```ts
 * stringList(['INBOX', 7, 'UNREAD']); // ['INBOX', 'UNREAD']
 * stringList(undefined); // []
 * ```
 */
export function stringList(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

/**
 * A timestamp string as epoch milliseconds; NaN when it is not a string or not a date (so comparisons with it
 * are false).
 *
 * @example
 * ```ts
 * if (timeOf(record['updated_at']) > timeOf(cursor)) changed.push(record);
 * ```
 */
export function timeOf(value: unknown): number {
  return typeof value === 'string' ? Date.parse(value) : Number.NaN;
}
