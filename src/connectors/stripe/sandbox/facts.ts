import type { WorldPerson } from '../../kit/sandbox/index.js';
import type { Collection } from './collection.js';
import type { IdCodec } from './ids.js';

/**
 * What the object renderers need from the store, as an interface so that rendering (objects.ts) does not
 * depend on the store that calls it.
 */
export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'uncollectible' | 'void';
export type SubscriptionStatus = 'active' | 'trialing' | 'past_due' | 'canceled';

export interface InvoiceFacts {
  customer: number;
  status: InvoiceStatus;
  subscription: number | null;
  product: number;
  quantity: number;
  charge: number | null;
}

export interface ChargeFacts {
  customer: number;
  invoice: number | null;
  amount: number;
  failed: boolean;
}

export interface SubscriptionFacts {
  customer: number;
  status: SubscriptionStatus;
  product: number;
  quantity: number;
  canceledAt: number | null;
}

export interface ObjectSource {
  readonly seed: number;
  /** Creation time of the first seeded object. */
  readonly start: number;
  /** Creation time of the last seeded object: the "today" of seeded data (billing periods are counted to it). */
  readonly seededEnd: number;
  readonly ids: { tag: string; customer: IdCodec; invoice: IdCodec; charge: IdCodec; subscription: IdCodec };
  readonly customers: Collection;
  readonly invoices: Collection;
  readonly charges: Collection;
  readonly subscriptions: Collection;
  invoiceFacts(i: number): InvoiceFacts;
  chargeFacts(i: number): ChargeFacts;
  subscriptionFacts(j: number): SubscriptionFacts;
  customerDelinquent(i: number): boolean;
  /** The shared business world's person this customer is, if any: their name and email, whatever the version. */
  worldPerson(i: number): WorldPerson | undefined;
}
