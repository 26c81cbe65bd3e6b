import type { SandboxHandle, SandboxOptions } from '../../kit/index.js';
import { startSandboxServer, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { STRIPE_API_VERSION } from '../resources.js';
import { StripeApi, type StripeSandboxInfo } from './api.js';
import type { Delivery, WebhookEndpoint } from './webhooks.js';

export type { StripeSandboxInfo, Delivery as StripeWebhookDelivery, WebhookEndpoint as StripeWebhookEndpoint };

/** Accepted when no token is given; printed by `tributary sandbox stripe`. */
export const DEFAULT_STRIPE_SANDBOX_KEY = 'sk_test_tributarySandbox000000000000000000000000';

export interface StripeSandboxOptions extends SandboxOptions {
  /** The account's default API version (events are rendered in it). Default: the version the connector pins. */
  accountApiVersion?: string;
  /** Requests a second before a 429, as Stripe's limiter (25 in test mode). Default: unlimited. */
  requestsPerSecond?: number;
  /** Webhook endpoints registered at start, as `POST /v1/webhook_endpoints` would (secret generated if omitted). */
  webhooks?: { url: string; secret?: string; enabledEvents?: string[] }[];
}

export interface StripeSandboxHandle extends SandboxHandle {
  info(): StripeSandboxInfo;
  stats(): StatsSnapshot;
  /** Registers a webhook endpoint; every later event matching it is POSTed there, signed with its secret. */
  addWebhookEndpoint(url: string, options?: { secret?: string; enabledEvents?: string[] }): WebhookEndpoint;
  /** Resolves once every webhook delivery started so far has been answered. */
  webhooksSettled(): Promise<void>;
  /** Ages every event out of the 30-day window, as if the account had been left alone for a month. */
  expireEvents(): number;
}

/**
 * Starts the Stripe simulator: `records` customers, as many invoices and charges, half as many subscriptions,
 * generated on the fly from `seed`.
 *
 * @example
 * const sandbox = await createStripeSandbox({ port: 0, records: 1000, seed: 1 });
 * const res = await fetch(`${sandbox.url}/v1/customers?limit=3`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createStripeSandbox(options: StripeSandboxOptions): Promise<StripeSandboxHandle> {
  const token = options.token ?? DEFAULT_STRIPE_SANDBOX_KEY;
  const api = new StripeApi({
    seed: options.seed,
    records: options.records,
    ...(options.world === undefined ? {} : { world: options.world }),
    token,
    accountApiVersion: options.accountApiVersion ?? STRIPE_API_VERSION,
    ...(options.requestsPerSecond === undefined ? {} : { requestsPerSecond: options.requestsPerSecond }),
  });
  const addWebhookEndpoint = (url: string, extra: { secret?: string; enabledEvents?: string[] } = {}) =>
    api.webhooks.add(url, extra.enabledEvents ?? ['*'], api.store.now(), extra.secret);
  for (const webhook of options.webhooks ?? []) {
    addWebhookEndpoint(webhook.url, {
      ...(webhook.secret === undefined ? {} : { secret: webhook.secret }),
      ...(webhook.enabledEvents === undefined ? {} : { enabledEvents: webhook.enabledEvents }),
    });
  }
  const server = await startSandboxServer({
    port: options.port,
    ...(options.host === undefined ? {} : { host: options.host }),
    provider: api,
  });
  return {
    url: server.url,
    port: server.port,
    token,
    // What a connection needs to reach this sandbox instead of api.stripe.com.
    connectConfig: { base_url: server.url },
    info: () => api.info(),
    stats: () => server.stats.snapshot(),
    addWebhookEndpoint,
    webhooksSettled: () => api.webhooks.settled(),
    expireEvents: () => api.store.events.expireAll(),
    close: async () => {
      await api.webhooks.settled();
      await server.close();
    },
  };
}
