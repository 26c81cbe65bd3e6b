/**
 * Text that PostgreSQL cannot store, found anywhere in a decoded JSON value (or a params/query object).
 *
 * PostgreSQL refuses U+0000 in `text` and `jsonb`, and `jsonb` refuses a lone UTF-16 surrogate (`"\ud800"`, which
 * `JSON.stringify` writes back as that escapeChar); deep nesting exhausts its parser's stack. Such input is a client
 * error, so the API looks for it once, at its edge, rather than letting the database fail with a 500.
 */
export type UnsafeTextProblem = 'nul' | 'lone_surrogate' | 'too_deep';

export interface UnsafeText {
  problem: UnsafeTextProblem;
  /** Object keys and array indexes from the root to the offending string (or key, or too-deep value). */
  path: (string | number)[];
}

/** Deeper than any free-form object (config, metadata, custom) needs; far below jsonb's parser limit. */
export const MAX_JSON_DEPTH = 64;

// A high surrogate not followed by a low one, or a low one not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function textProblem(text: string): UnsafeTextProblem | undefined {
  if (text.includes('\u0000')) return 'nul';
  if (LONE_SURROGATE.test(text)) return 'lone_surrogate';
  return undefined;
}

/** The first string or key that cannot be stored, depth first; `undefined` when all of it can be. */
export function findUnsafeText(value: unknown, maxDepth = MAX_JSON_DEPTH): UnsafeText | undefined {
  // Iterative, so a hostile nesting depth cannot overflow the stack here either.
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: current, path } = stack.pop()!;
    if (typeof current === 'string') {
      const problem = textProblem(current);
      if (problem) return { problem, path };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (path.length >= maxDepth) return { problem: 'too_deep', path };
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: [...path, i] });
      continue;
    }
    const keys = Object.keys(current);
    for (const key of keys) {
      const problem = textProblem(key);
      if (problem) return { problem, path: [...path, key] };
    }
    for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (current as Record<string, unknown>)[keys[i]!], path: [...path, keys[i]!] });
  }
  return undefined;
}

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');
const escapeChar = (c: string): string => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** A path for messages: `config.a.0.b`, with unstorable characters shown as escapes and long keys cut. */
export function describePath(path: (string | number)[]): string {
  return path
    .map((segment) => {
      const text = String(segment).replace(/[\u0000-\u001f]/g, escapeChar).replace(LONE_SURROGATES, escapeChar);
      return text.length > 60 ? `${text.slice(0, 57)}...` : text;
    })
    .join('.');
}
