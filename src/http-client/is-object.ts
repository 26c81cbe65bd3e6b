/** A JSON object (not null, not an array): what a provider's body or a stored state is checked with first. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
