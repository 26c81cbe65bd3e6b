/**
 * Failures below HTTP that a later attempt may not meet: resets, refusals, DNS hiccups, cut-off bodies.
 * Anything else (an invalid header, a bug) is not retried, because repeating it cannot change the outcome.
 */
const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
]);

const RETRYABLE_MESSAGES = /socket hang up|other side closed|premature close|terminated/i;

/** Walks `cause` links, since undici and fetch wrap the socket error that names the real failure. */
export function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current = error;
  while (current !== undefined && current !== null && chain.length < 8 && !chain.includes(current)) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  return chain;
}

/** A short, secret-free reason (an error code) when the failure is worth retrying; null otherwise. */
export function retryableNetworkReason(error: unknown): string | null {
  for (const link of causeChain(error)) {
    const code = (link as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return code;
    const message = (link as { message?: unknown }).message;
    if (typeof message === 'string' && RETRYABLE_MESSAGES.test(message)) return 'connection_closed';
  }
  return null;
}
