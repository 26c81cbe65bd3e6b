import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGmailSandbox, type GmailSandboxHandle } from '../src/connectors/gmail/sandbox/index.js';
import { createStripeSandbox, type StripeSandboxHandle } from '../src/connectors/stripe/index.js';
import { databaseKinds } from './support/databases.js';
import { rowCounts } from './support/record-rows.js';
import { countsOf, install, runLogMessages, syncAndWait } from './support/run-helpers.js';
import { sandboxChanges } from './support/sandbox-control.js';
import { startTestRuntime, type TestRuntime } from './support/test-runtime.js';

const GMAIL_TOKEN = 'ya29.restart_suite_token_0123456789abcdef';
const STRIPE_KEY = 'sk_test_restartSuite00000000000000000000000000000';

/**
 * When a provider no longer knows an incremental position (Gmail's expired historyId, Stripe events past their
 * 30 days), the reader reads the stream complete and says so (`restart`): deletions made in the gap, which no
 * tombstone will ever report, are found by that same incremental run.
 */
describe.each(databaseKinds)('incremental reads that lost their place on %s', (kind) => {
  let gmail: GmailSandboxHandle;
  let stripe: StripeSandboxHandle;
  let rt: TestRuntime;
  let key: string;

  beforeAll(async () => {
    gmail = await createGmailSandbox({ port: 0, records: 80, seed: 3, token: GMAIL_TOKEN });
    stripe = await createStripeSandbox({ port: 0, records: 40, seed: 3, token: STRIPE_KEY });
    rt = await startTestRuntime(kind, { allowPrivateHosts: [new URL(gmail.url).host, new URL(stripe.url).host] });
    key = rt.bootstrap!.apiKey;
  });
  afterAll(async () => {
    await rt?.stop();
    await gmail?.close();
    await stripe?.close();
  });

  it('Gmail: a 404 on the saved historyId reads every message and deletes the ones gone in the gap', async () => {
    const id = await install(rt, key, 'gmail', { fields: { token: GMAIL_TOKEN }, config: { base_url: gmail.url } });
    expect((await syncAndWait(rt, key, id)).status).toBe('COMPLETED');
    await sandboxChanges(gmail.url, { stream: 'messages', create: 1, update: 1, delete: 2 });
    gmail.expireHistory();
    const run = await syncAndWait(rt, key, id);
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    expect(run.mode).toBe('incremental');
    expect(countsOf(run, 'messages')).toMatchObject({ created: 1, updated: 1, deleted: 2 });
    expect(await rowCounts(rt, id, 'messages')).toEqual({ live: gmail.info().counts.messages, deleted: 2 });
    expect((await runLogMessages(rt, key, run.id)).join('\n')).toMatch(/reading it complete/);
    const quiet = await syncAndWait(rt, key, id);
    expect(countsOf(quiet, 'messages')).toMatchObject({ created: 0, updated: 0, deleted: 0, unchanged: 0 });
  });

  it('Stripe: a position older than the 30 days of events — the full read deletes the customers deleted meanwhile', async () => {
    const id = await install(rt, key, 'stripe', { fields: { api_key: STRIPE_KEY }, config: { base_url: stripe.url } });
    expect((await syncAndWait(rt, key, id)).status).toBe('COMPLETED');
    await sandboxChanges(stripe.url, { stream: 'customers', update: 2, delete: 2 });
    // The connection was last read 31 days ago: Stripe's events since then are no longer all there.
    const old = new Date(Date.now() - 31 * 86_400_000).toISOString();
    const patched = await rt.inject({ method: 'PATCH', url: `/api/v1/connections/${id}/state`, key, body: { stream: 'customers', cursor: old } });
    expect(patched.status, patched.raw).toBe(200);
    const run = await syncAndWait(rt, key, id, { streams: ['customers'] });
    expect(run.status, run.error ?? '').toBe('COMPLETED');
    expect(countsOf(run, 'customers')).toMatchObject({ created: 0, updated: 2, deleted: 2 });
    expect((await rowCounts(rt, id, 'customers')).deleted).toBe(2);
  });
});
