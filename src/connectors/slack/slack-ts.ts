/**
 * Slack message timestamps (`1512085950.000216`): epoch seconds, a dot and six digits that keep messages of one
 * second apart. They are a message's id within its channel and the history cursor. Handled as microsecond
 * BigInts, because a hand-set cursor far in the future no longer fits a double exactly.
 */

/** A Slack ts, whole epoch seconds, or an ISO 8601 date, as microseconds; null when it is none of them. */
export function parseTs(value: unknown): bigint | null {
  if (typeof value !== 'string') return null;
  const text = value.trim();
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(text);
  if (match) return BigInt(match[1]!) * 1_000_000n + BigInt((match[2] ?? '').padEnd(6, '0'));
  if (!/^\d{4}-\d{2}-\d{2}/.test(text)) return null;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? null : BigInt(ms) * 1000n;
}

export function formatTs(micros: bigint): string {
  const clamped = micros < 0n ? 0n : micros;
  return `${clamped / 1_000_000n}.${String(clamped % 1_000_000n).padStart(6, '0')}`;
}

export function laterTs(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return (parseTs(b) ?? 0n) > (parseTs(a) ?? 0n) ? b : a;
}

export const microsPerDay = 86_400n * 1_000_000n;
