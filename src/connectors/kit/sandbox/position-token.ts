import { hash32 } from './prng.js';

/**
 * Opaque tokens a simulator hands out for a position in a stream (the next page, an export reached): base64url
 * of the kind, the number and a check, so a reader that edits one, or sends one from another stream or sandbox,
 * is refused as the provider would refuse it instead of being served a wrong page.
 */
export type PositionKind = 'page' | 'export';

const kindLetter: Record<PositionKind, string> = { page: 'p', export: 'x' };

/**
 * A token for position `n` of `kind`, checked against `secret` (the sandbox seed and the stream).
 *
 * @example
 * ```ts
 * const next = encodePosition('page', lastSequence, secret);
 * ```
 */
export function encodePosition(kind: PositionKind, n: number, secret: number): string {
  return Buffer.from(`${kindLetter[kind]}.${n}.${check(kind, n, secret)}`, 'utf8').toString('base64url');
}

/**
 * The position a token names, or null when it is not one of this kind and secret (tampered, truncated, foreign).
 *
 * @example
 * ```ts
 * const after = decodePosition('page', req.url.searchParams.get('cursor') ?? '', secret);
 * if (after === null) return invalidCursor();
 * ```
 */
export function decodePosition(kind: PositionKind, token: string, secret: number): number | null {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) return null;
  const match = /^([a-z])\.(\d{1,15})\.(\d+)$/.exec(Buffer.from(token, 'base64url').toString('utf8'));
  if (!match || match[1] !== kindLetter[kind]) return null;
  const n = Number(match[2]);
  return String(check(kind, n, secret)) === match[3] ? n : null;
}

function check(kind: PositionKind, n: number, secret: number): number {
  return hash32(secret, kind === 'page' ? 1 : 2, n);
}
