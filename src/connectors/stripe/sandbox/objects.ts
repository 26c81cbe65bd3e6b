import { hash32, Prng } from '../../kit/sandbox/index.js';
import type { ObjectSource } from './facts.js';

/**
 * Stripe objects at API version 2024-06-20 (fields and nesting as in Stripe's own API fixtures), rendered from
 * `(seed, index, version)`: the same object always looks the same until a change bumps its version.
 */
type Json = Record<string, unknown>;

const firstNames = ['Jenny', 'Ada', 'Grace', 'Alan', 'Linus', 'Marie', 'Nikola', 'Rosalind', 'Tim', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Radia', 'Guido', 'Hedy'] as const;
const lastNames = ['Rosen', 'Lovelace', 'Hopper', 'Turing', 'Torvalds', 'Curie', 'Tesla', 'Franklin', 'Berners-Lee', 'Liskov', 'Thompson', 'Hamilton', 'Ritchie', 'Perlman', 'van Rossum', 'Lamarr'] as const;
const domains = ['example.com', 'example.org', 'example.net'] as const;
const products = [
  { name: 'Starter', amount: 900 },
  { name: 'Team', amount: 2900 },
  { name: 'Business', amount: 9900 },
  { name: 'Enterprise', amount: 49900 },
] as const;
const cardBrands = ['visa', 'mastercard', 'amex', 'discover'] as const;
const failures = [
  { code: 'card_declined', message: 'Your card was declined.' },
  { code: 'expired_card', message: 'Your card has expired.' },
  { code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
] as const;

function rngOf(store: ObjectSource, kind: number, index: number, version = 0): Prng {
  return new Prng(hash32(store.seed, kind, index, version));
}

export function customerName(store: ObjectSource, index: number, version: number): { name: string; email: string } {
  const person = store.worldPerson(index);
  if (person) return { name: person.name, email: person.email };
  const rng = rngOf(store, 1, index, version);
  const first = rng.pick(firstNames);
  const last = rng.pick(lastNames);
  const email = `${first}.${last}${index}`.toLowerCase().replace(/[^a-z0-9.]/g, '') + `@${rng.pick(domains)}`;
  return { name: `${first} ${last}`, email };
}

function metadata(version: number): Json {
  return version === 0 ? {} : { revision: String(version) };
}

export function customer(store: ObjectSource, i: number): Json {
  const version = store.customers.version(i);
  const { name, email } = customerName(store, i, version);
  const rng = rngOf(store, 2, i);
  return {
    id: store.ids.customer.encode(i),
    object: 'customer',
    address: null,
    balance: 0,
    created: store.customers.createdAt(i),
    currency: store.customers.isSeeded(i) ? 'usd' : null,
    default_source: null,
    delinquent: store.customerDelinquent(i),
    description: version === 0 ? null : `Updated ${version} time${version === 1 ? '' : 's'}`,
    discount: null,
    email,
    invoice_prefix: rng.hex(7).toUpperCase(),
    invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
    livemode: false,
    metadata: metadata(version),
    name,
    next_invoice_sequence: store.customers.isSeeded(i) ? 2 : 1,
    phone: rng.chance(0.3) ? `+1555${String(rng.int(10_000_000)).padStart(7, '0')}` : null,
    preferred_locales: [],
    shipping: null,
    tax_exempt: 'none',
    test_clock: null,
  };
}

function price(store: ObjectSource, product: number, recurring: boolean): Json {
  const p = products[product]!;
  return {
    id: `price_1${store.ids.tag}${recurring ? 'R' : 'O'}${String(product).padStart(13, '0')}`,
    object: 'price',
    active: true,
    billing_scheme: 'per_unit',
    created: store.start - 86_400,
    currency: 'usd',
    custom_unit_amount: null,
    livemode: false,
    lookup_key: null,
    metadata: {},
    nickname: null,
    product: `prod_${store.ids.tag}${String(product).padStart(9, '0')}`.slice(0, 19),
    recurring: recurring ? { aggregate_usage: null, interval: 'month', interval_count: 1, meter: null, trial_period_days: null, usage_type: 'licensed' } : null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: recurring ? 'recurring' : 'one_time',
    unit_amount: p.amount,
    unit_amount_decimal: String(p.amount),
  };
}

export function invoice(store: ObjectSource, i: number): Json {
  const version = store.invoices.version(i);
  const facts = store.invoiceFacts(i);
  const created = store.invoices.createdAt(i);
  const id = store.ids.invoice.encode(i);
  const customerIndex = facts.customer;
  const { name, email } = customerName(store, customerIndex, store.customers.version(customerIndex));
  const amount = products[facts.product]!.amount * facts.quantity;
  const paid = facts.status === 'paid';
  const finalized = facts.status !== 'draft';
  const periodStart = created - 30 * 86_400;
  const hosted = finalized ? `https://invoice.stripe.com/i/acct_${store.ids.tag}/test_${id.slice(3)}` : null;
  return {
    id,
    object: 'invoice',
    account_country: 'US',
    account_name: 'Tributary Sandbox',
    amount_due: facts.status === 'void' ? 0 : amount,
    amount_paid: paid ? amount : 0,
    amount_remaining: paid || facts.status === 'void' ? 0 : amount,
    amount_shipping: 0,
    attempt_count: paid ? 1 : 0,
    attempted: paid,
    auto_advance: facts.status === 'draft' || facts.status === 'open',
    automatic_tax: { enabled: false, liability: null, status: null },
    billing_reason: facts.subscription === null ? 'manual' : 'subscription_cycle',
    charge: paid && facts.charge !== null ? store.ids.charge.encode(facts.charge) : null,
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    customer: store.ids.customer.encode(customerIndex),
    customer_email: email,
    customer_name: name,
    default_tax_rates: [],
    description: version === 0 ? null : `Revised (${version})`,
    discount: null,
    discounts: [],
    due_date: null,
    effective_at: finalized ? created + 3600 : null,
    hosted_invoice_url: hosted,
    invoice_pdf: hosted === null ? null : `${hosted}/pdf`,
    lines: {
      object: 'list',
      data: [
        {
          id: `il_${id.slice(3)}`,
          object: 'line_item',
          amount,
          amount_excluding_tax: amount,
          currency: 'usd',
          description: `${facts.quantity} × ${products[facts.product]!.name}`,
          discount_amounts: [],
          discountable: true,
          discounts: [],
          invoice: id,
          livemode: false,
          metadata: {},
          period: { start: periodStart, end: created },
          price: price(store, facts.product, facts.subscription !== null),
          proration: false,
          quantity: facts.quantity,
          subscription: facts.subscription === null ? null : store.ids.subscription.encode(facts.subscription),
          tax_amounts: [],
          tax_rates: [],
          type: facts.subscription === null ? 'invoiceitem' : 'subscription',
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/invoices/${id}/lines`,
    },
    livemode: false,
    metadata: metadata(version),
    number: finalized ? `${customer(store, customerIndex)['invoice_prefix'] as string}-${String(1 + (i % 9999)).padStart(4, '0')}` : null,
    paid,
    paid_out_of_band: false,
    payment_intent: paid ? `pi_${id.slice(3)}` : null,
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: created,
    period_start: periodStart,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    starting_balance: 0,
    status: facts.status,
    status_transitions: {
      finalized_at: finalized ? created + 3600 : null,
      marked_uncollectible_at: facts.status === 'uncollectible' ? created + 30 * 86_400 : null,
      paid_at: paid ? created + 3600 : null,
      voided_at: facts.status === 'void' ? created + 7200 : null,
    },
    subscription: facts.subscription === null ? null : store.ids.subscription.encode(facts.subscription),
    subtotal: amount,
    subtotal_excluding_tax: amount,
    tax: null,
    test_clock: null,
    total: amount,
    total_discount_amounts: [],
    total_excluding_tax: amount,
    total_tax_amounts: [],
    webhooks_delivered_at: created,
  };
}

export function charge(store: ObjectSource, i: number): Json {
  const version = store.charges.version(i);
  const facts = store.chargeFacts(i);
  const rng = rngOf(store, 3, i);
  const id = store.ids.charge.encode(i);
  const succeeded = !facts.failed;
  const failure = facts.failed ? rng.pick(failures) : null;
  const { name, email } = customerName(store, facts.customer, store.customers.version(facts.customer));
  const brand = rng.pick(cardBrands);
  const last4 = String(rng.int(10_000)).padStart(4, '0');
  return {
    id,
    object: 'charge',
    amount: facts.amount,
    amount_captured: succeeded ? facts.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: succeeded ? `txn_${id.slice(3)}` : null,
    billing_details: { address: { city: null, country: 'US', line1: null, line2: null, postal_code: '94107', state: null }, email, name, phone: null },
    calculated_statement_descriptor: 'TRIBUTARY SANDBOX',
    captured: succeeded,
    created: store.charges.createdAt(i),
    currency: 'usd',
    customer: store.ids.customer.encode(facts.customer),
    description: version === 0 ? (facts.invoice === null ? 'One-off payment' : 'Subscription update') : `Payment (revision ${version})`,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: failure?.code ?? null,
    failure_message: failure?.message ?? null,
    fraud_details: {},
    invoice: facts.invoice === null ? null : store.ids.invoice.encode(facts.invoice),
    livemode: false,
    metadata: metadata(version),
    on_behalf_of: null,
    outcome: {
      network_status: succeeded ? 'approved_by_network' : 'declined_by_network',
      reason: failure ? 'generic_decline' : null,
      risk_level: 'normal',
      risk_score: rng.int(60),
      seller_message: succeeded ? 'Payment complete.' : 'The bank did not return any further details with this decline.',
      type: succeeded ? 'authorized' : 'issuer_declined',
    },
    paid: succeeded,
    payment_intent: `pi_${id.slice(3)}`,
    payment_method: `pm_${id.slice(3)}`,
    payment_method_details: {
      card: { brand, country: 'US', exp_month: 1 + rng.int(12), exp_year: 2026 + rng.int(5), funding: 'credit', last4, network: brand, three_d_secure: null, wallet: null },
      type: 'card',
    },
    receipt_email: null,
    receipt_number: null,
    receipt_url: succeeded ? `https://pay.stripe.com/receipts/payment/${id.slice(3)}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}

export function subscription(store: ObjectSource, j: number): Json {
  const version = store.subscriptions.version(j);
  const facts = store.subscriptionFacts(j);
  const created = store.subscriptions.createdAt(j);
  const id = store.ids.subscription.encode(j);
  const periodLength = 30 * 86_400;
  // The current period is the one containing the seeded data's "today" (fixed, so a subscription renders the
  // same on every read), or the last one before it ended.
  const reference = facts.canceledAt ?? Math.max(store.seededEnd, created);
  const periods = Math.max(0, Math.floor((reference - created) / periodLength));
  const periodStart = created + periods * periodLength;
  const trialing = facts.status === 'trialing';
  return {
    id,
    object: 'subscription',
    application: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null },
    billing_cycle_anchor: created,
    billing_cycle_anchor_config: null,
    billing_thresholds: null,
    cancel_at: null,
    cancel_at_period_end: version % 2 === 1 && facts.canceledAt === null,
    canceled_at: facts.canceledAt,
    cancellation_details: { comment: null, feedback: null, reason: facts.canceledAt === null ? null : 'cancellation_requested' },
    collection_method: 'charge_automatically',
    created,
    currency: 'usd',
    current_period_end: periodStart + periodLength,
    current_period_start: periodStart,
    customer: store.ids.customer.encode(facts.customer),
    days_until_due: null,
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [],
    description: null,
    discount: null,
    discounts: [],
    ended_at: facts.canceledAt,
    invoice_settings: { account_tax_ids: null, issuer: { type: 'self' } },
    items: {
      object: 'list',
      data: [
        {
          id: `si_${id.slice(5, 19)}`,
          object: 'subscription_item',
          billing_thresholds: null,
          created,
          discounts: [],
          metadata: {},
          price: price(store, facts.product, true),
          quantity: facts.quantity,
          subscription: id,
          tax_rates: [],
        },
      ],
      has_more: false,
      total_count: 1,
      url: `/v1/subscription_items?subscription=${id}`,
    },
    latest_invoice: null,
    livemode: false,
    metadata: metadata(version),
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: null,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: created,
    status: facts.status,
    test_clock: null,
    transfer_data: null,
    trial_end: trialing ? created + 14 * 86_400 : null,
    trial_settings: { end_behavior: { missing_payment_method: 'create_invoice' } },
    trial_start: trialing ? created : null,
  };
}


