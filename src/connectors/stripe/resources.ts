/**
 * What differs between the Stripe streams, as data: the list endpoint, the events that report a change to
 * one of its objects, and which of those events mean the object is gone.
 */
export type StripeStreamName = 'customers' | 'invoices' | 'charges' | 'subscriptions';

export interface StripeResource {
  stream: StripeStreamName;
  /** The `object` field of its records. */
  object: 'customer' | 'invoice' | 'charge' | 'subscription';
  listPath: string;
  /** Extra list parameters: subscriptions hide canceled ones unless asked for `status=all`. */
  listQuery: Record<string, string>;
  /**
   * The `/v1/events` filter. `type` takes one name or a `*` wildcard; `types[]` up to 20 exact names (not both).
   * `customer.*` would also match `customer.subscription.*`, `customer.source.*`…, so customers list theirs.
   */
  eventFilter: { type: string } | { types: string[] };
  /** Events whose object no longer exists. A canceled subscription is not one: it stays, with status canceled. */
  deletionEvents: string[];
}

/** The API version every request asks for (`Stripe-Version`) and the shapes in schemas.ts follow. */
export const STRIPE_API_VERSION = '2024-06-20';

export const resources: Record<StripeStreamName, StripeResource> = {
  customers: {
    stream: 'customers',
    object: 'customer',
    listPath: '/v1/customers',
    listQuery: {},
    eventFilter: { types: ['customer.created', 'customer.updated', 'customer.deleted'] },
    deletionEvents: ['customer.deleted'],
  },
  invoices: {
    stream: 'invoices',
    object: 'invoice',
    listPath: '/v1/invoices',
    listQuery: {},
    // `invoice.*` does not match `invoiceitem.*`; `invoice.upcoming` carries an invoice without an id and is skipped.
    eventFilter: { type: 'invoice.*' },
    // Only draft invoices can be deleted; finalized ones are voided (an update).
    deletionEvents: ['invoice.deleted'],
  },
  charges: {
    stream: 'charges',
    object: 'charge',
    listPath: '/v1/charges',
    listQuery: {},
    // Also matches `charge.dispute.*` and `charge.refund.updated`, whose objects are not charges: filtered out.
    eventFilter: { type: 'charge.*' },
    deletionEvents: [],
  },
  subscriptions: {
    stream: 'subscriptions',
    object: 'subscription',
    listPath: '/v1/subscriptions',
    listQuery: { status: 'all' },
    eventFilter: { type: 'customer.subscription.*' },
    deletionEvents: [],
  },
};

/** The filter as query parameters: `types[0]=…&types[1]=…`, the indexed form Stripe's own libraries send. */
export function eventFilterQuery(resource: StripeResource): Record<string, string> {
  const filter = resource.eventFilter;
  if ('type' in filter) return { type: filter.type };
  return Object.fromEntries(filter.types.map((type, i) => [`types[${i}]`, type]));
}
