import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyStripeSignature } from '../webhook-signature.js';
import { createStripeSandbox, DEFAULT_STRIPE_SANDBOX_KEY, type StripeSandboxHandle } from './index.js';

type Json = Record<string, unknown>;
type List = { object: string; data: Json[]; has_more: boolean; url: string };

async function get(sandbox: StripeSandboxHandle, path: string, headers: Record<string, string> = { authorization: `Bearer ${sandbox.token}` }) {
  const res = await fetch(`${sandbox.url}${path}`, { headers });
  return { status: res.status, headers: res.headers, body: (await res.json()) as Json };
}

async function list(sandbox: StripeSandboxHandle, path: string): Promise<List> {
  const res = await get(sandbox, path);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body as unknown as List;
}

async function control(sandbox: StripeSandboxHandle, path: string, body: Json): Promise<Json> {
  const res = await fetch(`${sandbox.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await res.json()) as Json;
  expect(res.ok, JSON.stringify(json)).toBe(true);
  return json;
}

/** Every id of a list, walked with starting_after as a client would. */
async function walk(sandbox: StripeSandboxHandle, path: string): Promise<string[]> {
  const ids: string[] = [];
  let after: string | null = null;
  for (;;) {
    const sep = path.includes('?') ? '&' : '?';
    const page: List = await list(sandbox, `${path}${sep}limit=100${after ? `&starting_after=${after}` : ''}`);
    ids.push(...page.data.map((o) => o['id'] as string));
    if (!page.has_more) return ids;
    after = page.data.at(-1)!['id'] as string;
  }
}

describe('stripe sandbox', () => {
  let sandbox: StripeSandboxHandle;
  beforeAll(async () => {
    sandbox = await createStripeSandbox({ port: 0, records: 350, seed: 3 });
  });
  afterAll(() => sandbox.close());

  it('checks the key the way Stripe does: missing, wrong (masked in the message), Bearer or Basic', async () => {
    const missing = await get(sandbox, '/v1/customers', {});
    expect(missing.status).toBe(401);
    expect(missing.body).toEqual({ error: { message: expect.stringMatching(/^You did not provide an API key/), type: 'invalid_request_error' } });
    const wrongKey = 'sk_test_51Hwrongwrongwrongwrong9876';
    const wrong = await get(sandbox, '/v1/customers', { authorization: `Bearer ${wrongKey}` });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: { message: `Invalid API Key provided: sk_test_${'*'.repeat(23)}9876`, type: 'invalid_request_error' } });
    expect(JSON.stringify(wrong.body)).not.toContain(wrongKey);
    expect(wrong.headers.get('request-id')).toMatch(/^req_[A-Za-z0-9]{14}$/);
    const basic = await get(sandbox, '/v1/customers?limit=1', { authorization: `Basic ${Buffer.from(`${sandbox.token}:`).toString('base64')}` });
    expect(basic.status).toBe(200);
    expect(sandbox.token).toBe(DEFAULT_STRIPE_SANDBOX_KEY);
  });

  it('answers with the Stripe-Version asked for (or the account default) and refuses a malformed one', async () => {
    const pinned = await get(sandbox, '/v1/customers?limit=1', { authorization: `Bearer ${sandbox.token}`, 'stripe-version': '2024-06-20' });
    expect(pinned.headers.get('stripe-version')).toBe('2024-06-20');
    const bad = await get(sandbox, '/v1/customers?limit=1', { authorization: `Bearer ${sandbox.token}`, 'stripe-version': 'yesterday' });
    expect(bad.status).toBe(400);
    expect((bad.body['error'] as Json)['message']).toBe('Invalid Stripe API version: yesterday');
  });

  it('lists newest first in list objects, 10 by default, at most 100, paged by starting_after and ending_before', async () => {
    const first = await list(sandbox, '/v1/customers');
    expect(first).toMatchObject({ object: 'list', has_more: true, url: '/v1/customers' });
    expect(first.data).toHaveLength(10);
    const created = first.data.map((c) => c['created'] as number);
    expect([...created].sort((a, b) => b - a)).toEqual(created);
    expect(first.data[0]!['id']).toMatch(/^cus_[A-Za-z0-9]{14}$/);

    const ids = await walk(sandbox, '/v1/customers');
    expect(ids).toHaveLength(350);
    expect(new Set(ids).size).toBe(350);

    // ending_before gives the page just above the anchor, still newest first.
    const above = await list(sandbox, `/v1/customers?limit=3&ending_before=${ids[10]}`);
    expect(above.data.map((c) => c['id'])).toEqual(ids.slice(7, 10));
    expect(above.has_more).toBe(true);
    const top = await list(sandbox, `/v1/customers?limit=20&ending_before=${ids[5]}`);
    expect(top.data.map((c) => c['id'])).toEqual(ids.slice(0, 5));
    expect(top.has_more).toBe(false);

    const tooMany = await get(sandbox, '/v1/customers?limit=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body['error']).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
    const unknown = await get(sandbox, '/v1/customers?since=1');
    expect(unknown.body['error']).toMatchObject({ message: 'Received unknown parameter: since', param: 'since' });
    const missing = await get(sandbox, '/v1/customers?starting_after=cus_nope');
    expect(missing.body['error']).toMatchObject({ code: 'resource_missing', message: "No such customer: 'cus_nope'", param: 'starting_after' });
  });

  it('filters on created ranges, and hides canceled subscriptions unless status=all', async () => {
    const all = await list(sandbox, '/v1/customers?limit=100');
    const pivot = all.data[40]!['created'] as number;
    const newer = await walk(sandbox, `/v1/customers?created[gt]=${pivot}`);
    expect(newer).toEqual(all.data.slice(0, 40).map((c) => c['id']));
    const gte = await walk(sandbox, `/v1/customers?created[gte]=${pivot}&created[lte]=${pivot}`);
    expect(gte).toEqual([all.data[40]!['id']]);

    const visible = await walk(sandbox, '/v1/subscriptions');
    const everything = await walk(sandbox, '/v1/subscriptions?status=all');
    expect(everything).toHaveLength(175);
    expect(visible.length).toBeLessThan(everything.length);
    const canceled = await walk(sandbox, '/v1/subscriptions?status=canceled');
    expect(visible.length + canceled.length).toBe(everything.length);
    expect(sandbox.info().counts).toEqual({ customers: 350, invoices: 350, charges: 350, subscriptions: 175 });
  });

  it('is deterministic from the seed, and another seed is another account', async () => {
    const again = await createStripeSandbox({ port: 0, records: 350, seed: 3 });
    const other = await createStripeSandbox({ port: 0, records: 350, seed: 4 });
    try {
      const mine = await list(sandbox, '/v1/invoices?limit=5');
      expect((await list(again, '/v1/invoices?limit=5')).data).toEqual(mine.data);
      const theirs = await list(other, '/v1/invoices?limit=5');
      expect(theirs.data.map((i) => i['id'])).not.toEqual(mine.data.map((i) => i['id']));
    } finally {
      await again.close();
      await other.close();
    }
  });

  it('reports changes as events: created, updated with previous_attributes, deleted; filtered by type and types[]', async () => {
    const change = await control(sandbox, 'changes', { stream: 'customers', create: 2, update: 3, delete: 1 });
    expect(change['created']).toHaveLength(2);
    const events = await list(sandbox, '/v1/events?limit=100&types[0]=customer.created&types[1]=customer.updated&types[2]=customer.deleted');
    expect(events.data.map((e) => e['type'])).toEqual(['customer.created', 'customer.created', 'customer.updated', 'customer.updated', 'customer.updated', 'customer.deleted']);
    const updated = events.data[2]!;
    expect(updated).toMatchObject({ object: 'event', api_version: '2024-06-20', livemode: false, data: { object: { object: 'customer' } } });
    expect(updated['id']).toMatch(/^evt_1[A-Za-z0-9]{23}$/);
    expect(Object.keys((updated['data'] as Json)['previous_attributes'] as Json)).toContain('metadata');
    const deletedId = (change['deleted'] as string[])[0]!;
    expect(((events.data[5]!['data'] as Json)['object'] as Json)['id']).toBe(deletedId);

    // A deleted customer is a stub; it no longer lists.
    expect((await get(sandbox, `/v1/customers/${deletedId}`)).body).toEqual({ id: deletedId, object: 'customer', deleted: true });
    expect(await walk(sandbox, '/v1/customers')).not.toContain(deletedId);

    // A canceled subscription stays, with status canceled, announced by customer.subscription.deleted.
    const cancel = await control(sandbox, 'changes', { stream: 'subscriptions', delete: 1 });
    const subId = (cancel['deleted'] as string[])[0]!;
    expect((await get(sandbox, `/v1/subscriptions/${subId}`)).body).toMatchObject({ status: 'canceled', canceled_at: expect.any(Number) });
    const subEvents = await list(sandbox, '/v1/events?type=customer.subscription.*');
    expect(subEvents.data.map((e) => e['type'])).toEqual(['customer.subscription.deleted']);
    const wildcard = await list(sandbox, '/v1/events?type=customer.*&limit=100');
    expect(wildcard.data).toHaveLength(7);

    // Walking forward in time: ending_before the oldest returns the rest, newest first.
    const all = await list(sandbox, '/v1/events?limit=100');
    const oldest = all.data.at(-1)!['id'] as string;
    const forward = await list(sandbox, `/v1/events?limit=2&ending_before=${oldest}`);
    expect(forward.data.map((e) => e['id'])).toEqual(all.data.slice(-3, -1).map((e) => e['id']));
    expect(forward.has_more).toBe(true);

    const both = await get(sandbox, '/v1/events?type=customer.*&types[0]=customer.created');
    expect(both.status).toBe(400);
    // Charges are never deleted in Stripe, so the sandbox refuses to.
    const refused = await fetch(`${sandbox.url}/_sandbox/changes`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stream: 'charges', delete: 1 }) });
    expect(refused.status).toBe(400);
    expect(JSON.stringify(await refused.json())).toMatch(/cannot be deleted/);
  });

  it('forgets events after 30 days: an expired anchor is resource_missing', async () => {
    const events = await list(sandbox, '/v1/events?limit=1');
    const anchor = events.data[0]!['id'] as string;
    expect(sandbox.expireEvents()).toBeGreaterThan(0);
    expect((await list(sandbox, '/v1/events')).data).toEqual([]);
    const gone = await get(sandbox, `/v1/events?ending_before=${anchor}`);
    expect(gone.status).toBe(400);
    expect(gone.body['error']).toMatchObject({ code: 'resource_missing', param: 'ending_before', type: 'invalid_request_error' });
  });

  it('injects rate limits and server errors in Stripe shape: 429 rate_limit with Stripe-Should-Retry, no Retry-After', async () => {
    await control(sandbox, 'faults', { kind: 'rate_limit' });
    const limited = await get(sandbox, '/v1/customers');
    expect(limited.status).toBe(429);
    expect(limited.body).toEqual({
      error: {
        code: 'rate_limit',
        doc_url: 'https://stripe.com/docs/error-codes/rate-limit',
        message: expect.stringMatching(/^Request rate limit exceeded/),
        type: 'invalid_request_error',
      },
    });
    expect(limited.headers.get('stripe-should-retry')).toBe('true');
    expect(limited.headers.get('retry-after')).toBeNull();
    expect(limited.headers.get('request-id')).toMatch(/^req_/);
    await control(sandbox, 'faults', { kind: 'server_error' });
    const failed = await get(sandbox, '/v1/customers');
    expect(failed.status).toBe(500);
    expect(failed.body['error']).toMatchObject({ type: 'api_error' });
  });

  it('enforces a per-second request limit when asked to', async () => {
    const limited = await createStripeSandbox({ port: 0, records: 10, seed: 1, requestsPerSecond: 3 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(limited, '/v1/customers?limit=1')).status);
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThan(0);
    } finally {
      await limited.close();
    }
  });

  it('delivers events to webhook endpoints, signed as Stripe signs them', async () => {
    const received: { body: string; signature: string | undefined }[] = [];
    const receiver = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ body: Buffer.concat(chunks).toString('utf8'), signature: req.headers['stripe-signature'] as string | undefined });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
    try {
      const res = await fetch(`${sandbox.url}/v1/webhook_endpoints`, {
        method: 'POST',
        headers: { authorization: `Bearer ${sandbox.token}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ url, 'enabled_events[]': 'customer.created' }).toString(),
      });
      const endpoint = (await res.json()) as Json;
      expect(endpoint).toMatchObject({ object: 'webhook_endpoint', url, enabled_events: ['customer.created'], status: 'enabled' });
      expect(endpoint['secret']).toMatch(/^whsec_/);
      await control(sandbox, 'changes', { stream: 'customers', create: 2, update: 1 });
      await sandbox.webhooksSettled();
      expect(received).toHaveLength(2);
      for (const delivery of received) {
        expect(verifyStripeSignature(delivery.body, delivery.signature, endpoint['secret'] as string).ok).toBe(true);
        expect(verifyStripeSignature(delivery.body, delivery.signature, 'whsec_wrong').ok).toBe(false);
        expect(JSON.parse(delivery.body)).toMatchObject({ object: 'event', type: 'customer.created' });
      }
      expect(sandbox.info().webhook_deliveries.filter((d) => d.url === url).map((d) => d.status)).toEqual([200, 200]);
      const removed = await fetch(`${sandbox.url}/v1/webhook_endpoints/${endpoint['id'] as string}`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.token}` } });
      expect(await removed.json()).toEqual({ id: endpoint['id'], object: 'webhook_endpoint', deleted: true });
    } finally {
      await new Promise<void>((resolve) => receiver.close(() => resolve()));
    }
  });

  it('serves unknown routes with Stripe\'s "Unrecognized request URL"', async () => {
    const res = await get(sandbox, '/v1/nothing');
    expect(res.status).toBe(404);
    expect((res.body['error'] as Json)['message']).toMatch(/^Unrecognized request URL \(GET: \/v1\/nothing\)/);
  });
});
