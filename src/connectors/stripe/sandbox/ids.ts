import { hash32 } from '../../kit/sandbox/index.js';

/**
 * Stripe-looking ids that encode their object's index, so any id resolves back without a lookup table:
 * `<prefix>_<tag><base62 digits>`. The tag depends on the seed (ids of two sandboxes never collide) and the
 * index is scrambled by a bijection modulo 2^48, so neighbouring objects do not get neighbouring ids.
 * Customers get 14 characters after the prefix (`cus_PEHTtYpY7elppN`), the rest 24 (`in_1OPouhJN5vQBdWExQl3czOuP`).
 */
const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const modulus = 1n << 48n;
const mask = modulus - 1n;
const digits = 9; // 62^9 > 2^48

function base62(value: bigint, width: number): string {
  let out = '';
  let rest = value;
  for (let i = 0; i < width; i++) {
    out = alphabet[Number(rest % 62n)]! + out;
    rest /= 62n;
  }
  return out;
}

function fromBase62(text: string): bigint | null {
  let value = 0n;
  for (const char of text) {
    const digit = alphabet.indexOf(char);
    if (digit === -1) return null;
    value = value * 62n + BigInt(digit);
  }
  return value;
}

/** The inverse of an odd number modulo 2^48 (Newton's iteration doubles the correct bits each round). */
function inverse(odd: bigint): bigint {
  let x = odd;
  for (let i = 0; i < 6; i++) x = (x * (2n - odd * x)) & mask;
  return x;
}

export class IdCodec {
  private readonly multiplier: bigint;
  private readonly inverseMultiplier: bigint;
  private readonly offset: bigint;
  private readonly tag: string;

  constructor(
    readonly prefix: string,
    seed: number,
    salt: number,
    length: 14 | 24,
  ) {
    this.multiplier = ((BigInt(hash32(seed, salt, 1)) << 16n) | BigInt(hash32(seed, salt, 2) & 0xffff) | 1n) & mask;
    this.inverseMultiplier = inverse(this.multiplier);
    this.offset = ((BigInt(hash32(seed, salt, 3)) << 16n) | BigInt(hash32(seed, salt, 4) & 0xffff)) & mask;
    let tag = length === 24 ? '1' : '';
    for (let i = 0; tag.length < length - digits; i++) tag += alphabet[hash32(seed, salt, 10 + i) % 62]!;
    this.tag = tag;
  }

  encode(index: number): string {
    const scrambled = (BigInt(index) * this.multiplier + this.offset) & mask;
    return `${this.prefix}_${this.tag}${base62(scrambled, digits)}`;
  }

  /** The index an id stands for, or null when it is not one of this sandbox's ids. */
  decode(id: string): number | null {
    const head = `${this.prefix}_${this.tag}`;
    if (!id.startsWith(head) || id.length !== head.length + digits) return null;
    const scrambled = fromBase62(id.slice(head.length));
    if (scrambled === null || scrambled >= modulus) return null;
    const index = ((scrambled - this.offset + modulus) * this.inverseMultiplier) & mask;
    return index <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(index) : null;
  }
}
