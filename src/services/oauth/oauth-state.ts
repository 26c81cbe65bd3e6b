import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Vault } from '../../core/vault.js';

/** What a signed state carries: which authorization row it names, and what that row must be bound to. */
export interface OAuthStateClaims {
  /** The oauth_states row id: a random nonce. */
  id: string;
  workspaceId: string;
  connectionId: string;
  /** Epoch milliseconds. */
  expiresAt: number;
}

/** Long enough to authorize at a provider that asks for a login and consent; short enough to be useless later. */
export const OAUTH_STATE_TTL_MS = 10 * 60_000;

const PURPOSE = 'oauth-state';

export function newStateId(): string {
  return randomBytes(24).toString('base64url');
}

/**
 * `state` = base64url(JSON claims) + "." + base64url(HMAC-SHA256). The HMAC key is derived from the vault's
 * key ring (no extra configuration); the key id is in the claims so a state signed just before a key rotation
 * still verifies. The signature makes forged and tampered states fail before any database lookup; single use
 * is the database's job (the row's `used_at`).
 */
export function signState(vault: Vault, claims: OAuthStateClaims): string {
  const key = vault.derivedKey(PURPOSE)!;
  const payload = Buffer.from(JSON.stringify({ v: 1, k: key.id, i: claims.id, w: claims.workspaceId, c: claims.connectionId, e: claims.expiresAt })).toString('base64url');
  return `${payload}.${mac(key.key, payload)}`;
}

export type StateCheck = { ok: true; claims: OAuthStateClaims } | { ok: false; reason: 'malformed' | 'bad_signature' | 'expired' };

export function verifyState(vault: Vault, state: string, now = Date.now()): StateCheck {
  const parts = state.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return { ok: false, reason: 'malformed' };
  const [payload, signature] = parts as [string, string];
  let raw: { v?: unknown; k?: unknown; i?: unknown; w?: unknown; c?: unknown; e?: unknown };
  try {
    raw = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as typeof raw;
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (raw.v !== 1 || typeof raw.k !== 'string' || typeof raw.i !== 'string' || typeof raw.w !== 'string' || typeof raw.c !== 'string' || typeof raw.e !== 'number') {
    return { ok: false, reason: 'malformed' };
  }
  const key = vault.derivedKey(PURPOSE, raw.k);
  if (!key) return { ok: false, reason: 'bad_signature' };
  const expected = Buffer.from(mac(key.key, payload));
  const given = Buffer.from(signature);
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: 'bad_signature' };
  if (raw.e <= now) return { ok: false, reason: 'expired' };
  return { ok: true, claims: { id: raw.i, workspaceId: raw.w, connectionId: raw.c, expiresAt: raw.e } };
}

function mac(key: Buffer, payload: string): string {
  return createHmac('sha256', key).update(`${PURPOSE}.${payload}`).digest('base64url');
}
