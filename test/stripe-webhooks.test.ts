import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStripeSandbox, signStripePayload, type StripeSandboxHandle } from '../src/connectors/stripe/index.js';
import { databaseKinds } from './support/databases.js';
import { install } from './support/run-helpers.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';
import { waitForRun } from './support/wait-for-run.js';

const KEY = 'sk_test_webhookSuite0000000000000000000000000000';
const SECRET = 'whsec_webhook_suite_signing_secret_0123456789';

/**
 * Stripe webhooks into a connection's webhook URL: with the endpoint's signing secret stored on the connection,
 * only deliveries carrying a valid `Stripe-Signature` over their exact bytes trigger a sync.
 */
describe.each(databaseKinds)('Stripe webhooks on %s', (kind) => {
  let sandbox: StripeSandboxHandle;
  let rt: TestRuntime;
  let key: string;

  beforeAll(async () => {
    sandbox = await createStripeSandbox({ port: 0, records: 30, seed: 5, token: KEY });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(sandbox.url).host] });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await sandbox?.close();
  });

  const webhookPath = async (connectionId: string) => {
    const res = await rt.inject({ method: 'POST', url: `/api/v1/connections/${connectionId}/webhook-url`, key });
    expect(res.status, res.raw).toBe(200);
    return new URL(res.body.webhook_url).pathname;
  };
  const deliver = (path: string, body: string, headers: Record<string, string>) =>
    rt.inject({ method: 'POST', url: path, body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });

  it('accepts a signed delivery (an incremental sync), refuses a forged, stale or unsigned one', async () => {
    const id = await install(rt, key, 'stripe', { name: 'signed', fields: { api_key: KEY, webhook_secret: SECRET }, config: { base_url: sandbox.url } });
    const path = await webhookPath(id);
    const event = JSON.stringify({ id: 'evt_1', object: 'event', type: 'customer.updated', created: Math.floor(Date.now() / 1000), data: { object: { id: 'cus_1' } } });
    const now = Math.floor(Date.now() / 1000);

    const good = await deliver(path, event, { 'stripe-signature': signStripePayload(event, SECRET, now) });
    expect(good.status, good.raw).toBe(202);
    const run = await waitForRun(rt, key, good.body.run_id);
    expect(run).toMatchObject({ status: 'COMPLETED', trigger: 'webhook', mode: 'incremental' });

    // The same signature over other bytes (one changed character) does not verify.
    const tampered = await deliver(path, event.replace('cus_1', 'cus_2'), { 'stripe-signature': signStripePayload(event, SECRET, now) });
    expect(tampered.status).toBe(400);
    expect(tampered.body.error).toMatchObject({ code: 'webhook_signature_invalid' });
    expect(tampered.body.error.message).toMatch(/signature_mismatch/);
    const wrongSecret = await deliver(path, event, { 'stripe-signature': signStripePayload(event, 'whsec_someone_else', now) });
    expect(wrongSecret.status).toBe(400);
    const stale = await deliver(path, event, { 'stripe-signature': signStripePayload(event, SECRET, now - 3600) });
    expect(stale.status).toBe(400);
    expect(stale.body.error.message).toMatch(/timestamp_outside_tolerance/);
    const unsigned = await deliver(path, event, {});
    expect(unsigned.status).toBe(400);
    expect(unsigned.body.error.message).toMatch(/missing_header/);
    for (const res of [tampered, wrongSecret, stale, unsigned]) expect(res.raw).not.toContain(SECRET);
  });

  it('without a signing secret the URL token alone triggers, as for every connector', async () => {
    const id = await install(rt, key, 'stripe', { name: 'unsigned', fields: { api_key: KEY }, config: { base_url: sandbox.url } });
    const res = await deliver(await webhookPath(id), '{"id":"evt_2"}', {});
    expect(res.status, res.raw).toBe(202);
    expect((await waitForRun(rt, key, res.body.run_id)).status).toBe('COMPLETED');
  });
});
