import { createStripeSandbox } from '../../src/connectors/stripe/sandbox/index.js';
import { defineFidelitySuite } from './fidelity-kit.js';

defineFidelitySuite({
  connector: 'stripe',
  specFile: 'stripe.json',
  async start() {
    // 120 customers, as many invoices and charges, 60 subscriptions: more than one page of each list.
    const sandbox = await createStripeSandbox({ port: 0, records: 120, seed: 4 });
    return { url: sandbox.url, apiBase: sandbox.url, token: sandbox.token, close: () => sandbox.close() };
  },
  change: { create: 3, update: 4, delete: 2 },
  wrongRequest: { path: '/v1/customers', query: 'limit=3&updated%5Bgt%5D=1700000000' },
});
