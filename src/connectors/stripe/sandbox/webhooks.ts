import { hash32 } from '../../kit/sandbox/index.js';
import { signStripePayload } from '../webhook-signature.js';
import type { EventLog, StoredEvent } from './events.js';

/**
 * Webhook endpoints (`/v1/webhook_endpoints`) and delivery: each new event goes to every enabled endpoint whose
 * `enabled_events` match it (`*` for all), as a POST of the event JSON signed in `Stripe-Signature` with that
 * endpoint's `whsec_…` secret, as Stripe signs it. One attempt per event; the outcomes are kept for `info()`.
 */
export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
  enabled_events: string[];
  created: number;
  description: string | null;
}

export interface Delivery {
  event: string;
  type: string;
  endpoint: string;
  url: string;
  status: number | null;
  error?: string;
}

export class Webhooks {
  private readonly endpoints: WebhookEndpoint[] = [];
  readonly deliveries: Delivery[] = [];
  private readonly inFlight = new Set<Promise<void>>();

  constructor(
    private readonly seed: number,
    private readonly log: EventLog,
  ) {}

  add(url: string, enabledEvents: string[], created: number, secret?: string, description: string | null = null): WebhookEndpoint {
    const n = this.endpoints.length + 1;
    const endpoint: WebhookEndpoint = {
      id: `we_1${token(this.seed, n, 1, 23)}`,
      url,
      secret: secret ?? `whsec_${token(this.seed, n, 2, 32)}`,
      enabled_events: enabledEvents.length === 0 ? ['*'] : enabledEvents,
      created,
      description,
    };
    this.endpoints.push(endpoint);
    return endpoint;
  }

  list(): WebhookEndpoint[] {
    return [...this.endpoints].reverse();
  }

  find(id: string): WebhookEndpoint | null {
    return this.endpoints.find((e) => e.id === id) ?? null;
  }

  remove(id: string): boolean {
    const index = this.endpoints.findIndex((e) => e.id === id);
    if (index === -1) return false;
    this.endpoints.splice(index, 1);
    return true;
  }

  /** Sends the event to each matching endpoint, without waiting for the answers. */
  deliver(event: StoredEvent): void {
    const targets = this.endpoints.filter((e) => e.enabled_events.includes('*') || e.enabled_events.includes(event.type));
    event.pendingWebhooks = targets.length;
    for (const endpoint of targets) {
      const sending = this.send(endpoint, event).finally(() => this.inFlight.delete(sending));
      this.inFlight.add(sending);
    }
  }

  /** Resolves once every delivery started so far has been answered (or has failed). */
  async settled(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  private async send(endpoint: WebhookEndpoint, event: StoredEvent): Promise<void> {
    const body = JSON.stringify(this.log.render(event), null, 2);
    const signature = signStripePayload(body, endpoint.secret, Math.floor(Date.now() / 1000));
    const record: Delivery = { event: event.id, type: event.type, endpoint: endpoint.id, url: endpoint.url, status: null };
    try {
      const res = await fetch(endpoint.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json; charset=utf-8',
          'stripe-signature': signature,
          'user-agent': 'Stripe/1.0 (+https://stripe.com/docs/webhooks)',
        },
        body,
        signal: AbortSignal.timeout(10_000),
      });
      await res.arrayBuffer();
      record.status = res.status;
    } catch (error) {
      record.error = error instanceof Error ? error.message : String(error);
    } finally {
      event.pendingWebhooks = Math.max(0, event.pendingWebhooks - (record.status !== null && record.status < 300 ? 1 : 0));
      this.deliveries.push(record);
    }
  }
}

const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function token(seed: number, n: number, salt: number, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += alphabet[hash32(seed, n, salt, i) % 62]!;
  return out;
}
