import type { IdCodec } from './ids.js';

/**
 * The account's event log (`/v1/events`): every change the sandbox makes is recorded as Stripe would, with the
 * object as it was right after the change and, for updates, the previous values of the fields that changed.
 * Events are kept 30 days, as Stripe keeps them; `expireAll()` ages every current one out at once (tests).
 */
export interface StoredEvent {
  index: number;
  id: string;
  type: string;
  created: number;
  object: Record<string, unknown>;
  previous?: Record<string, unknown>;
  requestId: string;
  pendingWebhooks: number;
}

export const eventRetentionSeconds = 30 * 24 * 3600;

export class EventLog {
  private readonly events: StoredEvent[] = [];
  /** Events below this index are gone. */
  private firstKept = 0;

  constructor(
    private readonly ids: IdCodec,
    readonly apiVersion: string,
  ) {}

  append(event: Omit<StoredEvent, 'index' | 'id' | 'pendingWebhooks'>): StoredEvent {
    const index = this.events.length;
    const stored: StoredEvent = { ...event, index, id: this.ids.encode(index), pendingWebhooks: 0 };
    this.events.push(stored);
    return stored;
  }

  get size(): number {
    return this.events.length - this.firstKept;
  }

  /** The event an id names, if it is still kept (`now` in Unix seconds). */
  find(id: string, now: number): StoredEvent | null {
    const index = this.ids.decode(id);
    if (index === null || index < this.firstKept || index >= this.events.length) return null;
    const event = this.events[index]!;
    return event.created >= now - eventRetentionSeconds ? event : null;
  }

  /** Kept events, newest first. */
  *newestFirst(now: number): Generator<StoredEvent> {
    for (let i = this.events.length - 1; i >= this.firstKept; i--) {
      const event = this.events[i]!;
      if (event.created < now - eventRetentionSeconds) return;
      yield event;
    }
  }

  expireAll(): number {
    const expired = this.size;
    this.firstKept = this.events.length;
    return expired;
  }

  /** The event as the API renders it. */
  render(event: StoredEvent): Record<string, unknown> {
    return {
      id: event.id,
      object: 'event',
      api_version: this.apiVersion,
      created: event.created,
      data: { object: event.object, ...(event.previous ? { previous_attributes: event.previous } : {}) },
      livemode: false,
      pending_webhooks: event.pendingWebhooks,
      request: { id: event.requestId, idempotency_key: null },
      type: event.type,
    };
  }
}
