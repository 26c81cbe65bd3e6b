import {
  assignWorldPeople,
  businessWorld,
  type ChangeRequest,
  hash32,
  Prng,
  SandboxControlError,
  type WorldPerson,
} from '../../kit/sandbox/index.js';
import { Collection } from './collection.js';
import type { ChargeFacts, InvoiceFacts, InvoiceStatus, ObjectSource, SubscriptionFacts, SubscriptionStatus } from './facts.js';
import { EventLog, type StoredEvent } from './events.js';
import { IdCodec } from './ids.js';
import { charge, customer, invoice, subscription } from './objects.js';

/**
 * The simulated account: `records` customers, one invoice and one charge per customer, and a subscription for
 * every other customer, generated on the fly from the seed; plus what changes added, altered or removed, and
 * the event log those changes wrote.
 *
 * Seeded objects were created one a minute up to 2024-06-01; changes happen on the wall clock (never going
 * backwards), so events and new objects carry real timestamps and the 30-day event retention means something.
 */
export type StreamName = 'customers' | 'invoices' | 'charges' | 'subscriptions';
export const streamNames: StreamName[] = ['customers', 'invoices', 'charges', 'subscriptions'];

export interface ChangeResult {
  stream: StreamName;
  created: string[];
  updated: string[];
  deleted: string[];
  events: string[];
}

const seededEnd = Date.UTC(2024, 5, 1) / 1000;
const productAmounts = [900, 2900, 9900, 49900];

export class StripeStore implements ObjectSource {
  readonly start: number;
  readonly seededEnd = seededEnd;
  readonly customers: Collection;
  readonly invoices: Collection;
  readonly charges: Collection;
  readonly subscriptions: Collection;
  readonly events: EventLog;
  readonly ids: {
    tag: string;
    customer: IdCodec;
    invoice: IdCodec;
    charge: IdCodec;
    subscription: IdCodec;
    event: IdCodec;
  };
  /** Called for every event written (webhook delivery). */
  onEvent: (event: StoredEvent) => void = () => undefined;

  private readonly createdFacts = {
    invoices: new Map<number, InvoiceFacts>(),
    charges: new Map<number, ChargeFacts>(),
    subscriptions: new Map<number, SubscriptionFacts>(),
  };
  private readonly canceledAt = new Map<number, number>();
  /** Subscriptions created through changes, by customer: a customer with an open one cannot be deleted. */
  private readonly subscriptionsOf = new Map<number, number[]>();
  private clock = 0;
  private batches = 0;
  private requests = 0;
  private readonly requestIds: IdCodec;
  /** Seeded customers who are people of the shared business world (each at most once), by index. */
  private readonly worldPeople: Map<number, WorldPerson>;

  constructor(
    readonly seed: number,
    records: number,
    apiVersion: string,
    world?: number,
  ) {
    const n = Math.max(0, Math.floor(records));
    this.start = seededEnd - n * 60;
    this.customers = new Collection(n, this.start, 60);
    this.subscriptions = new Collection(Math.floor(n / 2), this.start + 10, 120);
    this.invoices = new Collection(n, this.start + 20, 60);
    this.charges = new Collection(n, this.start + 40, 60);
    const tag = new IdCodec('x', seed, 99, 14).encode(0).slice(2, 10);
    this.ids = {
      tag,
      customer: new IdCodec('cus', seed, 1, 14),
      invoice: new IdCodec('in', seed, 2, 24),
      charge: new IdCodec('ch', seed, 3, 24),
      subscription: new IdCodec('sub', seed, 4, 24),
      event: new IdCodec('evt', seed, 5, 24),
    };
    this.events = new EventLog(this.ids.event, apiVersion);
    this.requestIds = new IdCodec('r', seed, 6, 14);
    // About two in five of the first customers are the world's clients (free-mail people included).
    this.worldPeople = assignWorldPeople(businessWorld(world), seed, 0x5791e, n, 0.4);
  }

  worldPerson(i: number): WorldPerson | undefined {
    return this.worldPeople.get(i);
  }

  collection(stream: StreamName): Collection {
    return this[stream];
  }

  /** Unix seconds on the sandbox clock: the wall clock, never before the last change. */
  now(): number {
    return Math.max(Math.floor(Date.now() / 1000), this.clock);
  }

  counts(): Record<StreamName, number> {
    return {
      customers: this.customers.live,
      invoices: this.invoices.live,
      charges: this.charges.live,
      subscriptions: this.subscriptions.live,
    };
  }

  render(stream: StreamName, index: number): Record<string, unknown> {
    switch (stream) {
      case 'customers':
        return customer(this, index);
      case 'invoices':
        return invoice(this, index);
      case 'charges':
        return charge(this, index);
      case 'subscriptions':
        return subscription(this, index);
    }
  }

  codec(stream: StreamName): IdCodec {
    return { customers: this.ids.customer, invoices: this.ids.invoice, charges: this.ids.charge, subscriptions: this.ids.subscription }[stream];
  }

  invoiceFacts(i: number): InvoiceFacts {
    const created = this.createdFacts.invoices.get(i);
    if (created) return created;
    const h = hash32(this.seed, 20, i);
    const roll = h % 100;
    const status: InvoiceStatus = roll < 75 ? 'paid' : roll < 85 ? 'open' : roll < 90 ? 'draft' : roll < 95 ? 'void' : 'uncollectible';
    const subscription = i % 2 === 0 && i / 2 < this.subscriptions.seeded ? i / 2 : null;
    const product = subscription === null ? (h >>> 8) % productAmounts.length : this.subscriptionFacts(subscription).product;
    return { customer: i, status, subscription, product, quantity: 1 + ((h >>> 12) % 3), charge: status === 'paid' ? i : null };
  }

  chargeFacts(i: number): ChargeFacts {
    const created = this.createdFacts.charges.get(i);
    if (created) return created;
    const paid = this.invoiceFacts(i);
    if (paid.status === 'paid') {
      return { customer: i, invoice: i, amount: productAmounts[paid.product]! * paid.quantity, failed: false };
    }
    const h = hash32(this.seed, 30, i);
    return { customer: i, invoice: null, amount: 500 + (h % 200) * 100, failed: (h >>> 16) % 10 < 4 };
  }

  subscriptionFacts(j: number): SubscriptionFacts {
    const created = this.createdFacts.subscriptions.get(j);
    const canceledByChange = this.canceledAt.get(j) ?? null;
    if (created) return canceledByChange === null ? created : { ...created, status: 'canceled', canceledAt: canceledByChange };
    const h = hash32(this.seed, 40, j);
    const roll = h % 100;
    let status: SubscriptionStatus = roll < 70 ? 'active' : roll < 80 ? 'trialing' : roll < 85 ? 'past_due' : 'canceled';
    const createdAt = this.subscriptions.createdAt(j);
    let canceledAt = status === 'canceled' ? Math.min(createdAt + (1 + ((h >>> 8) % 12)) * 30 * 86_400, seededEnd - 86_400) : null;
    if (canceledAt !== null && canceledAt < createdAt) canceledAt = createdAt;
    if (canceledByChange !== null) {
      status = 'canceled';
      canceledAt = canceledByChange;
    }
    return { customer: 2 * j, status, product: (h >>> 16) % productAmounts.length, quantity: 1 + ((h >>> 20) % 5), canceledAt };
  }

  customerDelinquent(i: number): boolean {
    return i % 2 === 0 && i / 2 < this.subscriptions.seeded && this.subscriptionFacts(i / 2).status === 'past_due';
  }

  /** Stripe cancels a deleted customer's subscriptions; the sandbox only deletes customers that have none open. */
  private deletableCustomer(i: number): boolean {
    if (i % 2 === 0 && i / 2 < this.subscriptions.seeded && this.subscriptionFacts(i / 2).status !== 'canceled') return false;
    return (this.subscriptionsOf.get(i) ?? []).every((j) => this.subscriptionFacts(j).status === 'canceled');
  }

  nextRequestId(): string {
    this.requests += 1;
    return `req_${this.requestIds.encode(this.requests).slice(2)}`;
  }

  /**
   * `POST /_sandbox/changes`. Deletes (or cancellations) first, then updates of other live objects, then
   * creations; each writes the event Stripe would. One batch shares one timestamp, never before the last one.
   */
  applyChanges(change: ChangeRequest): ChangeResult {
    if (!streamNames.includes(change.stream as StreamName)) {
      throw new SandboxControlError(400, `stream must be one of ${streamNames.join(', ')}, not "${change.stream}"`);
    }
    const stream = change.stream as StreamName;
    if (stream === 'charges' && change.delete > 0) {
      throw new SandboxControlError(400, 'Stripe charges cannot be deleted (refund them instead); use update or create');
    }
    this.batches += 1;
    const result: ChangeResult = { stream, created: [], updated: [], deleted: [], events: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const at = this.now();
    this.clock = at;
    const rng = new Prng(hash32(this.seed, 0x5c4a, this.batches));
    const items = this.collection(stream);
    const codec = this.codec(stream);
    const requestId = this.nextRequestId();
    const emit = (type: string, object: Record<string, unknown>, previous?: Record<string, unknown>) => {
      const event = this.events.append({ type, created: at, object, requestId, ...(previous ? { previous } : {}) });
      result.events.push(event.id);
      this.onEvent(event);
    };

    const removable = (i: number): boolean => {
      if (stream === 'customers') return this.deletableCustomer(i);
      if (stream === 'invoices') return this.invoiceFacts(i).status === 'draft';
      return this.subscriptionFacts(i).status !== 'canceled';
    };
    const removed = this.pick(items, change.delete, rng, removable, new Set());
    for (const i of removed) {
      if (stream === 'subscriptions') {
        const before = this.render(stream, i);
        this.canceledAt.set(i, at);
        const after = this.render(stream, i);
        emit('customer.subscription.deleted', after, diff(before, after));
      } else {
        const last = this.render(stream, i);
        items.deleted.add(i);
        emit(stream === 'customers' ? 'customer.deleted' : 'invoice.deleted', last);
      }
      result.deleted.push(codec.encode(i));
    }

    const updated = this.pick(items, change.update, rng, () => true, new Set(removed));
    for (const i of updated) {
      const before = this.render(stream, i);
      items.bump(i);
      const after = this.render(stream, i);
      emit(updateEvent[stream], after, diff(before, after));
      result.updated.push(codec.encode(i));
    }

    for (let n = 0; n < change.create; n++) {
      const i = items.add(at);
      this.createFacts(stream, i, rng);
      emit(createEvent[stream], this.render(stream, i));
      result.created.push(codec.encode(i));
    }
    return result;
  }

  private createFacts(stream: StreamName, i: number, rng: Prng): void {
    if (stream === 'customers') return;
    const customers = this.pick(this.customers, 1, rng, () => true, new Set());
    const owner = customers[0] ?? 0;
    const product = rng.int(productAmounts.length);
    if (stream === 'invoices') {
      this.createdFacts.invoices.set(i, { customer: owner, status: 'draft', subscription: null, product, quantity: 1, charge: null });
    } else if (stream === 'charges') {
      this.createdFacts.charges.set(i, { customer: owner, invoice: null, amount: productAmounts[product]!, failed: false });
    } else {
      this.createdFacts.subscriptions.set(i, { customer: owner, status: 'active', product, quantity: 1, canceledAt: null });
      this.subscriptionsOf.set(owner, [...(this.subscriptionsOf.get(owner) ?? []), i]);
    }
  }

  /** Up to `count` distinct live objects passing `keep`, chosen by `rng` (in order once the dice stop finding any). */
  private pick(items: Collection, count: number, rng: Prng, keep: (i: number) => boolean, exclude: Set<number>): number[] {
    const chosen = new Set<number>();
    const ok = (i: number) => items.exists(i) && !exclude.has(i) && !chosen.has(i) && keep(i);
    for (let attempt = 0; chosen.size < count && attempt < count * 30; attempt++) {
      const i = rng.int(items.total);
      if (ok(i)) chosen.add(i);
    }
    for (let i = 0; chosen.size < count && i < items.total; i++) if (ok(i)) chosen.add(i);
    return [...chosen];
  }
}

const createEvent: Record<StreamName, string> = {
  customers: 'customer.created',
  invoices: 'invoice.created',
  // Stripe has no charge.created: a new charge is announced by its outcome.
  charges: 'charge.succeeded',
  subscriptions: 'customer.subscription.created',
};

const updateEvent: Record<StreamName, string> = {
  customers: 'customer.updated',
  invoices: 'invoice.updated',
  charges: 'charge.updated',
  subscriptions: 'customer.subscription.updated',
};

/** `previous_attributes`: the old values of the top-level fields that changed. */
function diff(before: Record<string, unknown>, after: Record<string, unknown>): Record<string, unknown> {
  const previous: Record<string, unknown> = {};
  for (const key of Object.keys(before)) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) previous[key] = before[key];
  }
  return previous;
}
