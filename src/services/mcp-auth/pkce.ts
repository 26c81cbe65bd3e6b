import { createHash } from 'node:crypto';
import { safeEqual } from '../../core/api-key-hash.js';

/** RFC 7636 §4.1: 43–128 characters of the unreserved set. */
const verifierShape = /^[A-Za-z0-9\-._~]{43,128}$/;
/** An S256 challenge is a base64url SHA-256: 43 characters. */
export const challengeShape = /^[A-Za-z0-9\-_]{43}$/;

/** Whether the verifier hashes to the challenge (S256, the only method OAuth 2.1 lets us accept). */
export function pkceMatches(verifier: string, challenge: string): boolean {
  if (!verifierShape.test(verifier)) return false;
  return safeEqual(createHash('sha256').update(verifier).digest('base64url'), challenge);
}
