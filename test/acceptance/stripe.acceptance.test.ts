import { createStripeSandbox } from '../../src/connectors/stripe/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const KEY = 'sk_test_acceptance0123456789abcdefghijklmnopqrstuv';

defineAcceptanceSuite({
  connector: 'stripe',
  async startSandbox(options) {
    // 240 customers: 240 invoices, 240 charges, 120 subscriptions.
    const sandbox = await createStripeSandbox({ port: 0, records: 240, seed: options?.seed ?? 11, token: KEY });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  credentials: {
    good: (sandbox) => ({ fields: { api_key: sandbox.token }, config: { base_url: sandbox.url } }),
    bad: (sandbox) => ({ fields: { api_key: 'sk_test_not_the_right_key_00000000000000' }, config: { base_url: sandbox.url } }),
    badMessage: /Invalid API Key provided/,
  },
  mainStream: 'customers',
  change: { create: 4, update: 6, delete: 3 },
  // Stripe reports a deleted customer with a customer.deleted event, which the incremental read applies.
  deletions: 'reported',
});
