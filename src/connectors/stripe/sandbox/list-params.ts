import type { SandboxResponse } from '../../kit/sandbox/index.js';
import { stripeError } from './responses.js';

/**
 * The parameters every Stripe list takes: `limit` (1–100, default 10), one of `starting_after`/`ending_before`,
 * and the `created` range (`created=<t>` or `created[gt|gte|lt|lte]=<t>`). Parameters a list does not know are
 * refused, as Stripe refuses them ("Received unknown parameter").
 */
export interface ListParams {
  limit: number;
  startingAfter: string | null;
  endingBefore: string | null;
  /** Inclusive bounds in Unix seconds. */
  createdFrom: number;
  createdTo: number;
}

const common = new Set(['limit', 'starting_after', 'ending_before', 'created', 'expand']);

/** `types[0]` and `types[]` are `types`; `created[gte]` is `created`. */
export function baseName(key: string): string {
  const bracket = key.indexOf('[');
  return bracket === -1 ? key : key.slice(0, bracket);
}

export function readListParams(params: URLSearchParams, extra: string[]): ListParams | SandboxResponse {
  const known = new Set([...common, ...extra]);
  for (const key of params.keys()) {
    if (!known.has(baseName(key))) return stripeError({ status: 400, code: 'parameter_unknown', message: `Received unknown parameter: ${key}`, param: key });
  }
  const limitText = params.get('limit');
  let limit = 10;
  if (limitText !== null) {
    if (!/^-?\d+$/.test(limitText)) return stripeError({ status: 400, code: 'parameter_invalid_integer', message: 'Invalid integer: ' + limitText, param: 'limit' });
    limit = Number(limitText);
    if (limit < 1 || limit > 100) {
      return stripeError({ status: 400, code: 'parameter_invalid_integer', message: `This value must be between 1 and 100 (it currently is '${limit}').`, param: 'limit' });
    }
  }
  const startingAfter = params.get('starting_after');
  const endingBefore = params.get('ending_before');
  if (startingAfter !== null && endingBefore !== null) {
    return stripeError({ status: 400, message: 'You may only specify one of these parameters: ending_before, starting_after.', param: 'ending_before' });
  }
  let createdFrom = Number.NEGATIVE_INFINITY;
  let createdTo = Number.POSITIVE_INFINITY;
  for (const [key, value] of params) {
    if (baseName(key) !== 'created') continue;
    if (!/^\d+$/.test(value)) return stripeError({ status: 400, code: 'parameter_invalid_integer', message: `Invalid integer: ${value}`, param: key });
    const t = Number(value);
    switch (key) {
      case 'created':
        createdFrom = Math.max(createdFrom, t);
        createdTo = Math.min(createdTo, t);
        break;
      case 'created[gt]':
        createdFrom = Math.max(createdFrom, t + 1);
        break;
      case 'created[gte]':
        createdFrom = Math.max(createdFrom, t);
        break;
      case 'created[lt]':
        createdTo = Math.min(createdTo, t - 1);
        break;
      case 'created[lte]':
        createdTo = Math.min(createdTo, t);
        break;
      default:
        return stripeError({ status: 400, code: 'parameter_unknown', message: `Received unknown parameter: ${key}`, param: key });
    }
  }
  return { limit, startingAfter: startingAfter || null, endingBefore: endingBefore || null, createdFrom, createdTo };
}

export function isResponse(value: unknown): value is SandboxResponse {
  return typeof value === 'object' && value !== null && 'status' in value && typeof (value as { status: unknown }).status === 'number';
}

/**
 * One page of a newest-first list over positions `[bottom, top]`, walking down (`starting_after`, or from the
 * top) or up (`ending_before`, the page just above the anchor), with `has_more` in the walking direction.
 */
export function pageOf(bottom: number, top: number, limit: number, direction: 'down' | 'up', matches: (i: number) => boolean): { items: number[]; hasMore: boolean } {
  const items: number[] = [];
  let hasMore = false;
  if (direction === 'down') {
    for (let i = top; i >= bottom; i--) {
      if (!matches(i)) continue;
      if (items.length === limit) {
        hasMore = true;
        break;
      }
      items.push(i);
    }
    return { items, hasMore };
  }
  for (let i = bottom; i <= top; i++) {
    if (!matches(i)) continue;
    if (items.length === limit) {
      hasMore = true;
      break;
    }
    items.push(i);
  }
  return { items: items.reverse(), hasMore };
}
