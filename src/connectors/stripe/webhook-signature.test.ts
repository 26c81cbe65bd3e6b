import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { signStripePayload, verifyStripeSignature } from './webhook-signature.js';

const secret = 'whsec_test_secret_0123456789abcdef';
const body = '{\n  "id": "evt_1", "object": "event", "type": "customer.created"\n}';
const t = 1_717_200_000;

/** Computed independently of the module: HMAC-SHA256 of `${t}.${body}`, hex. */
const reference = (payload: string, key: string, timestamp: number) =>
  createHmac('sha256', key).update(`${timestamp}.${payload}`).digest('hex');

describe('verifyStripeSignature', () => {
  it('accepts a delivery signed the documented way, given the raw body as string or bytes', () => {
    const header = `t=${t},v1=${reference(body, secret, t)}`;
    expect(signStripePayload(body, secret, t)).toBe(header);
    expect(verifyStripeSignature(body, header, secret, 300, t + 10)).toEqual({ ok: true, timestamp: t });
    expect(verifyStripeSignature(Buffer.from(body), header, secret, 300, t)).toEqual({ ok: true, timestamp: t });
  });

  it('accepts any of several v1 signatures (secret rolling) and ignores v0 and unknown parts', () => {
    const good = reference(body, secret, t);
    const old = reference(body, 'whsec_old', t);
    const header = `t=${t}, v1=${old}, v1=${good}, v0=${'0'.repeat(64)}, foo=bar`;
    expect(verifyStripeSignature(body, header, secret, 300, t).ok).toBe(true);
  });

  it('refuses a changed body, another secret, or a signature over a different timestamp', () => {
    const header = signStripePayload(body, secret, t);
    expect(verifyStripeSignature(`${body} `, header, secret, 300, t)).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(verifyStripeSignature(body, header, 'whsec_other', 300, t)).toEqual({ ok: false, reason: 'signature_mismatch' });
    const replayed = header.replace(`t=${t}`, `t=${t + 1}`);
    expect(verifyStripeSignature(body, replayed, secret, 300, t)).toEqual({ ok: false, reason: 'signature_mismatch' });
    // Re-serialised JSON is a different body.
    expect(verifyStripeSignature(JSON.stringify(JSON.parse(body)), header, secret, 300, t).ok).toBe(false);
  });

  it('refuses timestamps outside the tolerance, in the past or the future; tolerance 0 turns the check off', () => {
    const header = signStripePayload(body, secret, t);
    expect(verifyStripeSignature(body, header, secret, 300, t + 300).ok).toBe(true);
    expect(verifyStripeSignature(body, header, secret, 300, t + 301)).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyStripeSignature(body, header, secret, 300, t - 301)).toEqual({ ok: false, reason: 'timestamp_outside_tolerance' });
    expect(verifyStripeSignature(body, header, secret, 0, t + 86_400 * 365).ok).toBe(true);
    // The default tolerance is Stripe's five minutes against the real clock.
    expect(verifyStripeSignature(body, header, secret).ok).toBe(false);
    const now = Math.floor(Date.now() / 1000);
    expect(verifyStripeSignature(body, signStripePayload(body, secret, now), secret).ok).toBe(true);
  });

  it('says what is wrong with a missing or malformed header', () => {
    expect(verifyStripeSignature(body, undefined, secret)).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyStripeSignature(body, '  ', secret)).toEqual({ ok: false, reason: 'missing_header' });
    expect(verifyStripeSignature(body, `v1=${reference(body, secret, t)}`, secret, 0)).toEqual({ ok: false, reason: 'malformed_header' });
    expect(verifyStripeSignature(body, `t=${t}`, secret, 0)).toEqual({ ok: false, reason: 'no_v1_signature' });
    expect(verifyStripeSignature(body, `t=${t},v1=nothex`, secret, 0)).toEqual({ ok: false, reason: 'no_v1_signature' });
    expect(verifyStripeSignature(body, `t=abc,v1=${reference(body, secret, t)}`, secret, 0)).toEqual({ ok: false, reason: 'malformed_header' });
  });
});
