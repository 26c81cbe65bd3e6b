import { hash32 } from '../../kit/sandbox/index.js';

/**
 * Slack-shaped identifiers: a type letter (T team, U user, C channel, B bot, A app) and ten upper-case base-36
 * characters. Four come from the seed, so two sandboxes with different seeds never share ids, and six from the
 * index, so ids of one sandbox never collide.
 */
export function slackId(prefix: 'T' | 'U' | 'C' | 'B' | 'A' | 'E', seed: number, index: number): string {
  const salt = hash32(seed, prefix.charCodeAt(0)).toString(36).toUpperCase().padStart(4, '0').slice(-4);
  return `${prefix}0${salt}${index.toString(36).toUpperCase().padStart(5, '0')}`;
}

/** Request ids like Slack's `x-slack-req-id` (32 hex digits). */
export class RequestIds {
  private counter = 0;
  constructor(private readonly seed: number) {}
  next(): string {
    this.counter += 1;
    return [1, 2, 3, 4].map((salt) => hash32(this.seed, this.counter, salt).toString(16).padStart(8, '0')).join('');
  }
}

/** Slack's opaque list cursors are base64 of `<kind>:<position>` (`dXNlcjpVMDYxTkZUVDI=` is `user:U061NFTT2`). */
export function encodeCursor(kind: string, position: string): string {
  return Buffer.from(`${kind}:${position}`, 'utf8').toString('base64');
}

export function decodeCursor(kind: string, cursor: string): string | null {
  const text = Buffer.from(cursor, 'base64').toString('utf8');
  return text.startsWith(`${kind}:`) ? text.slice(kind.length + 1) : null;
}
