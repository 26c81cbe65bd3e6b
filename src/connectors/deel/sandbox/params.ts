/**
 * Deel's query parameters, refused as Deel refuses them: a `ParamError` becomes a 400 naming the parameter.
 */
export class ParamError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

export function integerParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = q.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) throw new ParamError(`"${name}" must be an integer from ${min} to ${max}`, name);
  return value;
}

export function directionParam(q: URLSearchParams, name: string, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const value = q.get(name);
  if (value === null || value === '') return fallback;
  if (value !== 'asc' && value !== 'desc') throw new ParamError(`"${name}" must be one of [asc, desc]`, name);
  return value;
}

/** Deel's array parameters are repeated (`statuses=new&statuses=completed`); comma lists are read too. */
export function listParam(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(name), ...q.getAll(`${name}[]`)]
    .flatMap((v) => v.split(','))
    .map((v) => v.trim())
    .filter((v) => v !== '');
}

export function enumList(q: URLSearchParams, name: string, allowed: readonly string[]): string[] {
  const values = listParam(q, name);
  if (values.some((v) => !allowed.includes(v))) throw new ParamError(`"${name}[]" must be one of [${allowed.join(', ')}]`, name);
  return values;
}

/** One of `allowed`, or null when absent. */
export function choiceParam<T extends string>(q: URLSearchParams, name: string, allowed: readonly T[]): T | null {
  const value = q.get(name);
  if (value === null) return null;
  if (!(allowed as readonly string[]).includes(value)) throw new ParamError(`"${name}" must be one of [${allowed.join(', ')}]`, name);
  return value as T;
}
