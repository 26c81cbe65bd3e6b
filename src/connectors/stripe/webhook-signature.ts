import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Stripe's webhook signature scheme (docs.stripe.com/webhooks#verify-manually): the `Stripe-Signature` header
 * is a comma list `t=<unix seconds>,v1=<hex>[,v1=<hex>…][,v0=…]`. Each `v1` is HMAC-SHA256, keyed with the
 * endpoint's signing secret (`whsec_…`), of `${t}.${raw body}`. Several `v1` values appear while a secret is
 * being rolled; any one matching is enough. `v0` (test-mode legacy scheme) is ignored, as Stripe's libraries do.
 */

export type StripeSignatureFailure =
  | 'missing_header'
  | 'malformed_header'
  | 'no_v1_signature'
  | 'timestamp_outside_tolerance'
  | 'signature_mismatch';

export type StripeSignatureResult = { ok: true; timestamp: number } | { ok: false; reason: StripeSignatureFailure };

/** Stripe's libraries default to five minutes. */
export const DEFAULT_SIGNATURE_TOLERANCE_SECONDS = 300;

function hmacHex(payload: Buffer, secret: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

function bodyBytes(rawBody: string | Buffer | Uint8Array): Buffer {
  return typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : Buffer.from(rawBody);
}

/** `${t}.` followed by the body's exact bytes: re-serialised JSON would not match. */
function signedPayload(timestamp: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from(`${timestamp}.`, 'utf8'), body]);
}

/** The header Stripe would send for this body, secret and time (the sandbox signs its deliveries with it). */
export function signStripePayload(rawBody: string | Buffer | Uint8Array, secret: string, timestamp: number): string {
  return `t=${timestamp},v1=${hmacHex(signedPayload(timestamp, bodyBytes(rawBody)), secret)}`;
}

/**
 * Checks a delivery: the raw body as received, the `Stripe-Signature` header, the endpoint secret. A timestamp
 * further than `toleranceSeconds` from now (either way: a replay, or a forged future time) is refused; a
 * tolerance of 0 turns the time check off. Signatures are compared in constant time.
 */
export function verifyStripeSignature(
  rawBody: string | Buffer | Uint8Array,
  header: string | null | undefined,
  secret: string,
  toleranceSeconds: number = DEFAULT_SIGNATURE_TOLERANCE_SECONDS,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): StripeSignatureResult {
  if (header === undefined || header === null || header.trim() === '') return { ok: false, reason: 'missing_header' };
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't' && /^\d+$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/i.test(value)) signatures.push(value.toLowerCase());
  }
  if (timestamp === null) return { ok: false, reason: 'malformed_header' };
  if (signatures.length === 0) return { ok: false, reason: 'no_v1_signature' };

  const expected = Buffer.from(hmacHex(signedPayload(timestamp, bodyBytes(rawBody)), secret), 'utf8');
  // Every candidate is compared, so the time taken does not depend on which one (if any) matches.
  let matched = false;
  for (const signature of signatures) {
    if (timingSafeEqual(expected, Buffer.from(signature, 'utf8'))) matched = true;
  }
  if (!matched) return { ok: false, reason: 'signature_mismatch' };
  if (toleranceSeconds > 0 && Math.abs(nowSeconds - timestamp) > toleranceSeconds) {
    return { ok: false, reason: 'timestamp_outside_tolerance' };
  }
  return { ok: true, timestamp };
}
