/**
 * JSON Schemas of the records: Stripe's objects at API version 2024-06-20 (the one the manifest pins). The
 * fields worth a typed column are listed; `additionalProperties` stays open because Stripe adds fields within a
 * version. Timestamps are Unix seconds, amounts integers in the currency's smallest unit, as Stripe sends them.
 */
import { schema, type JsonSchema as Schema } from '../kit/index.js';

const { string, integer, boolean, nullable, object, arrayOf, oneOf } = schema;
const unixTime: Schema = { type: 'integer', description: 'Unix timestamp (seconds)' };
const metadata: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const id = (prefix: string): Schema => ({ type: 'string', pattern: `^${prefix}_` });
const objectName = (name: string): Schema => ({ type: 'string', const: name });
/** A nested list object (`lines`, `items`): its first page, as Stripe embeds it. */
const list = (items: Schema): Schema => object({ object: objectName('list'), data: arrayOf(items), has_more: boolean, url: string });

const address = nullable(
  object({ city: nullable(string), country: nullable(string), line1: nullable(string), line2: nullable(string), postal_code: nullable(string), state: nullable(string) }),
);

const price = object({
  id: id('price'),
  object: objectName('price'),
  active: boolean,
  currency: string,
  product: string,
  type: oneOf(['one_time', 'recurring']),
  unit_amount: nullable(integer),
  recurring: nullable(object({ interval: oneOf(['day', 'week', 'month', 'year']), interval_count: integer })),
});

export const customerSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Stripe customer',
  ...object(
    {
      id: id('cus'),
      object: objectName('customer'),
      address,
      balance: integer,
      created: unixTime,
      currency: nullable(string),
      default_source: nullable(string),
      delinquent: nullable(boolean),
      description: nullable(string),
      email: nullable(string),
      invoice_prefix: nullable(string),
      invoice_settings: object({ default_payment_method: nullable(string), footer: nullable(string) }),
      livemode: boolean,
      metadata,
      name: nullable(string),
      next_invoice_sequence: integer,
      phone: nullable(string),
      preferred_locales: arrayOf(string),
      tax_exempt: nullable(oneOf(['exempt', 'none', 'reverse'])),
      test_clock: nullable(string),
    },
    ['id', 'object', 'created', 'livemode'],
  ),
};

const invoiceLine = object({
  id: string,
  object: objectName('line_item'),
  amount: integer,
  currency: string,
  description: nullable(string),
  period: object({ start: unixTime, end: unixTime }),
  price: nullable(price),
  quantity: nullable(integer),
  subscription: nullable(string),
  type: oneOf(['invoiceitem', 'subscription']),
});

export const invoiceSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Stripe invoice',
  ...object(
    {
      id: id('in'),
      object: objectName('invoice'),
      account_country: nullable(string),
      amount_due: integer,
      amount_paid: integer,
      amount_remaining: integer,
      attempt_count: integer,
      attempted: boolean,
      auto_advance: boolean,
      billing_reason: nullable(string),
      charge: nullable(string),
      collection_method: oneOf(['charge_automatically', 'send_invoice']),
      created: unixTime,
      currency: string,
      customer: nullable(string),
      customer_email: nullable(string),
      customer_name: nullable(string),
      description: nullable(string),
      due_date: nullable(unixTime),
      hosted_invoice_url: nullable(string),
      invoice_pdf: nullable(string),
      lines: list(invoiceLine),
      livemode: boolean,
      metadata: nullable(metadata),
      number: nullable(string),
      paid: boolean,
      payment_intent: nullable(string),
      period_end: unixTime,
      period_start: unixTime,
      status: nullable(oneOf(['draft', 'open', 'paid', 'uncollectible', 'void'])),
      status_transitions: object({
        finalized_at: nullable(unixTime),
        marked_uncollectible_at: nullable(unixTime),
        paid_at: nullable(unixTime),
        voided_at: nullable(unixTime),
      }),
      subscription: nullable(string),
      subtotal: integer,
      tax: nullable(integer),
      total: integer,
    },
    ['id', 'object', 'created', 'currency', 'livemode', 'total'],
  ),
};

export const chargeSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Stripe charge',
  ...object(
    {
      id: id('ch'),
      object: objectName('charge'),
      amount: integer,
      amount_captured: integer,
      amount_refunded: integer,
      balance_transaction: nullable(string),
      billing_details: object({ address, email: nullable(string), name: nullable(string), phone: nullable(string) }),
      calculated_statement_descriptor: nullable(string),
      captured: boolean,
      created: unixTime,
      currency: string,
      customer: nullable(string),
      description: nullable(string),
      disputed: boolean,
      failure_code: nullable(string),
      failure_message: nullable(string),
      invoice: nullable(string),
      livemode: boolean,
      metadata,
      outcome: nullable(object({ network_status: nullable(string), risk_level: string, seller_message: nullable(string), type: string })),
      paid: boolean,
      payment_intent: nullable(string),
      payment_method: nullable(string),
      payment_method_details: nullable(object({ type: string })),
      receipt_url: nullable(string),
      refunded: boolean,
      status: oneOf(['succeeded', 'pending', 'failed']),
    },
    ['id', 'object', 'amount', 'created', 'currency', 'livemode', 'status'],
  ),
};

const subscriptionItem = object({
  id: id('si'),
  object: objectName('subscription_item'),
  created: unixTime,
  price,
  quantity: integer,
  subscription: string,
});

export const subscriptionSchema: Schema = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'Stripe subscription',
  ...object(
    {
      id: id('sub'),
      object: objectName('subscription'),
      billing_cycle_anchor: unixTime,
      cancel_at: nullable(unixTime),
      cancel_at_period_end: boolean,
      canceled_at: nullable(unixTime),
      collection_method: oneOf(['charge_automatically', 'send_invoice']),
      created: unixTime,
      currency: string,
      current_period_end: unixTime,
      current_period_start: unixTime,
      customer: string,
      days_until_due: nullable(integer),
      default_payment_method: nullable(string),
      description: nullable(string),
      ended_at: nullable(unixTime),
      items: list(subscriptionItem),
      latest_invoice: nullable(string),
      livemode: boolean,
      metadata,
      start_date: unixTime,
      status: oneOf(['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused']),
      trial_end: nullable(unixTime),
      trial_start: nullable(unixTime),
    },
    ['id', 'object', 'created', 'customer', 'livemode', 'status'],
  ),
};
