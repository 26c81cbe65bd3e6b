import { isObject } from '../../../http-client/index.js';
import type { StreamState } from '../../../contracts/connector-kit.js';

/**
 * Reading a stored stream state, which may be an older version's, hand-set (`{ cursor }` only) or damaged: each
 * accessor returns the value when it has the expected type and a fallback otherwise, so a reader treats what it
 * cannot read as no state instead of failing. The one state parser the connectors share.
 *
 * @example
 * ```ts
 * const state = lenientState(ctx.state);
 * const cursor = state.text('cursor');           // string | null
 * const seen = state.texts('seen');              // string[]
 * const pass = state.object('pass');             // a LenientState over `pass`, or null
 * const offset = pass?.count('offset') ?? 0;     // a non-negative safe integer, or null
 * ```
 */
export interface LenientState {
  /** The raw object (an empty one when the state was not an object). */
  readonly raw: Record<string, unknown>;
  /** A non-empty string, or null. */
  text(key: string): string | null;
  /** A non-negative safe integer, or null. */
  count(key: string): number | null;
  /** A boolean, or null. */
  flag(key: string): boolean | null;
  /** The strings of an array (anything else dropped). */
  texts(key: string): string[];
  /** A nested object as a LenientState, or null. */
  object(key: string): LenientState | null;
  /** The nested objects of a map (`{ "<id>": { … } }`), each as a LenientState. */
  entries(key: string): Map<string, LenientState>;
}

/**
 * A stored state read leniently (see `LenientState`): what cannot be read is no state.
 *
 * @example
 * ```ts
 * const cursor = lenientState(ctx.state).text('cursor');
 * ```
 */
export function lenientState(state: StreamState | Record<string, unknown> | null | undefined): LenientState {
  const raw: Record<string, unknown> = isObject(state) ? state : {};
  return {
    raw,
    text: (key) => (typeof raw[key] === 'string' && raw[key] !== '' ? (raw[key] as string) : null),
    count: (key) => {
      const value = raw[key];
      return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? value : null;
    },
    flag: (key) => (typeof raw[key] === 'boolean' ? (raw[key] as boolean) : null),
    texts: (key) => {
      const value = raw[key];
      return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
    },
    object: (key) => (isObject(raw[key]) ? lenientState(raw[key] as Record<string, unknown>) : null),
    entries: (key) => {
      const value = raw[key];
      const map = new Map<string, LenientState>();
      if (isObject(value)) for (const [id, entry] of Object.entries(value)) if (isObject(entry)) map.set(id, lenientState(entry));
      return map;
    },
  };
}
