import type { ManifestInput } from '../kit/index.js';
import { STRIPE_API_VERSION } from './resources.js';
import { chargeSchema, customerSchema, invoiceSchema, subscriptionSchema } from './schemas.js';

/**
 * Stripe through its v1 REST API, pinned to one API version with `Stripe-Version` so that a change of the
 * account's default version never changes the records' shape.
 *
 * Auth: a secret key (`sk_live_…`/`sk_test_…`) or, better, a restricted key (`rk_…`) with read access to
 * Customers, Invoices, Charges, Subscriptions and Events, sent as `Authorization: Bearer`. Stripe Connect's OAuth
 * is for platforms acting on other accounts; an account syncing its own data needs none, so there is no OAuth block.
 *
 * Rate limits: 100 requests a second in live mode, 25 in test mode (sandboxes), and 25 per endpoint unless
 * stated otherwise. 20 a second keeps under both; a 429 is retried with backoff (Stripe sends no Retry-After).
 */
export const manifest: ManifestInput = {
  id: 'stripe',
  name: 'Stripe',
  description: 'Customers, invoices, charges and subscriptions from Stripe, kept up to date through its Events API.',
  category: 'payments',
  brand_logo: 'https://cdn.simpleicons.org/stripe/635BFF',
  brand_color: '#635BFF',
  auth_mode: 'api_key',
  fields: [
    {
      key: 'api_key',
      label: 'Secret or restricted API key',
      type: 'password',
      secret: true,
      required: true,
      placeholder: 'rk_live_… or sk_live_…',
      help: 'Dashboard → Developers → API keys. A restricted key needs Read on Customers, Invoices, Charges, Subscriptions and Events.',
      pattern: '^(sk|rk)_(test|live)_\\S+$',
    },
    {
      key: 'webhook_secret',
      label: 'Webhook signing secret',
      type: 'password',
      secret: true,
      required: false,
      placeholder: 'whsec_…',
      help: 'Optional. Point a Stripe webhook endpoint at this connection\'s webhook URL and paste its signing secret: every delivery must then carry a valid Stripe-Signature, and triggers an incremental sync.',
      pattern: '^whsec_\\S+$',
    },
  ],
  config_fields: [
    {
      key: 'base_url',
      label: 'API base URL',
      type: 'url',
      required: false,
      placeholder: 'https://api.stripe.com',
      help: 'Leave empty for Stripe. Set it only to point at a local simulator (tributary sandbox stripe).',
    },
  ],
  auth: {
    headers: { Authorization: 'Bearer {{fields.api_key}}' },
    query: {},
  },
  // The cheapest call a restricted key with the permissions above can make.
  verify: { method: 'GET', path: '/v1/customers?limit=1', headers: {}, success_status: [200] },
  base_url: 'https://api.stripe.com',
  allowed_hosts: ['api.stripe.com'],
  default_headers: { 'Stripe-Version': STRIPE_API_VERSION },
  rate_limit: { requests_per_second: 20, burst: 10 },
  streams: [
    {
      name: 'customers',
      description: 'Customers. Deleted ones are reported by customer.deleted events.',
      json_schema: customerSchema,
      primary_key: ['id'],
      cursor_field: 'created',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'invoices',
      description: 'Invoices of every status. Deleted drafts are reported by invoice.deleted events.',
      json_schema: invoiceSchema,
      primary_key: ['id'],
      cursor_field: 'created',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'charges',
      description: 'Charges, succeeded, pending and failed (charges are never deleted).',
      json_schema: chargeSchema,
      primary_key: ['id'],
      cursor_field: 'created',
      sync_modes: ['full_refresh', 'incremental'],
    },
    {
      name: 'subscriptions',
      description: 'Subscriptions of every status, canceled ones included (status=all).',
      json_schema: subscriptionSchema,
      primary_key: ['id'],
      cursor_field: 'created',
      sync_modes: ['full_refresh', 'incremental'],
    },
  ],
};
