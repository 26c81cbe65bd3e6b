import type { ActiveFault, SandboxResponse } from '../../kit/sandbox/index.js';

/**
 * Stripe's response headers and error bodies: `{ error: { type, code?, message, param?, doc_url? } }`, a
 * `Request-Id` on every response, the API version answered in `Stripe-Version`, and `Stripe-Should-Retry` where
 * Stripe knows whether a retry can succeed.
 */
export function commonHeaders(requestId: string, apiVersion: string): Record<string, string> {
  return {
    'content-type': 'application/json',
    'request-id': requestId,
    'stripe-version': apiVersion,
    'cache-control': 'no-cache, no-store',
    'access-control-expose-headers': 'Request-Id, Stripe-Manage-Version, Stripe-Should-Retry, X-Stripe-External-Auth-Required, X-Stripe-Privileged-Session-Required',
  };
}

export interface StripeErrorInit {
  status: number;
  type?: 'invalid_request_error' | 'api_error' | 'idempotency_error';
  code?: string;
  message: string;
  param?: string;
  docCode?: string;
}

export function stripeError(init: StripeErrorInit, headers: Record<string, string> = {}): SandboxResponse {
  const code = init.code;
  return {
    status: init.status,
    headers,
    body: {
      error: {
        ...(code === undefined ? {} : { code, doc_url: `https://stripe.com/docs/error-codes/${(init.docCode ?? code).replace(/_/g, '-')}` }),
        message: init.message,
        ...(init.param === undefined ? {} : { param: init.param }),
        type: init.type ?? 'invalid_request_error',
      },
    },
  };
}

/** How Stripe quotes a key it refuses: its prefix, asterisks, and the last four characters. */
export function maskKey(key: string): string {
  const prefix = /^((?:sk|rk|pk)_(?:test|live)_|[a-z]+_)/.exec(key)?.[1] ?? '';
  const rest = key.slice(prefix.length);
  if (rest.length <= 4) return `${prefix}${'*'.repeat(rest.length)}`;
  return `${prefix}${'*'.repeat(rest.length - 4)}${rest.slice(-4)}`;
}

export const messages = {
  missingKey:
    "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.",
  invalidKey: (key: string) => `Invalid API Key provided: ${maskKey(key)}`,
  publishableKey: 'This API call cannot be made with a publishable API key. Please use a secret API key. You can find a list of your API keys at https://dashboard.stripe.com/account/apikeys.',
  rateLimit: 'Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.',
  unrecognized: (method: string, path: string) =>
    `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`,
};

/** The injected failures in Stripe's shape. Stripe's 429 has no Retry-After: clients back off on their own. */
export function faultResponse(fault: ActiveFault, requestId: string, apiVersion: string): SandboxResponse {
  const headers = commonHeaders(requestId, apiVersion);
  if (fault.kind === 'rate_limit' || fault.kind === 'secondary_rate_limit') {
    return stripeError(
      { status: 429, code: 'rate_limit', message: messages.rateLimit },
      {
        ...headers,
        'stripe-should-retry': 'true',
        'stripe-rate-limited-reason': fault.kind === 'rate_limit' ? 'global-rate' : 'endpoint-concurrency',
      },
    );
  }
  const status = fault.status ?? (fault.occurrence % 2 === 1 ? 500 : 503);
  return stripeError(
    {
      status,
      type: 'api_error',
      message: `An unknown error occurred while processing your request. Please try again or contact us at https://support.stripe.com/ with the request id ${requestId}.`,
    },
    { ...headers, 'stripe-should-retry': 'true' },
  );
}
