import { afterEach, describe, expect, it } from 'vitest';
import type { JsonRecord } from '../declarative/stream-spec.js';
import { SandboxClock } from './clock.js';
import { RecordStore } from './record-store.js';
import { closeStarted, control, get, provider, start, walk } from './simulator-test-harness.js';

afterEach(closeStarted);

/** The provider hooks a quirky provider uses: overrides, finish, changes, info, accepts, draw, authorize, stores, fault, keys. */
describe('the generic simulator with provider hooks', () => {
  it('runs provider overrides before the described streams', async () => {
    const sim = await start({}, {
      provider: { ...provider, overrides: { me: (req) => (req.url.pathname.endsWith('/tags') ? { status: 200, body: { overridden: true } } : undefined) } },
    });
    expect((await get(sim, '/tags')).body).toEqual({ overridden: true });
    expect((await get(sim, '/tags', { token: 'wrong' })).status).toBe(401);
  });

  it('lets the provider finish every answer, take over changes that touch several streams, and add to info', async () => {
    const sim = await start({}, {
      provider: {
        ...provider,
        finish: (res, req) => (res.status >= 400 ? { ...res, body: { refused: req.url.pathname, status: res.status } } : res),
        changes: (change, ctx) => {
          // A new person brings a deal, as a provider's linked records would.
          const created = ctx.store('people').apply({ create: change.create }).created;
          const deals = ctx.store('deals').apply({ create: change.create }).created;
          return { created, deals };
        },
        info: (ctx) => ({ organization: 'Acme Labs', alpha_issues: ctx.store('issues').liveCount('ALPHA') }),
      },
    });
    expect(await get(sim, '/nowhere', { token: 'wrong' })).toMatchObject({ status: 401, body: { refused: '/v2/nowhere', status: 401 } });
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 503 });
    expect((await get(sim, '/tags')).body).toEqual({ refused: '/v2/tags', status: 503 });
    const before = sim.info().counts;
    const change = await control(sim, 'changes', { stream: 'people', create: 2 });
    expect(change.created).toHaveLength(2);
    expect(change.deals).toHaveLength(2);
    expect(sim.info()).toMatchObject({ organization: 'Acme Labs', alpha_issues: 30, provider: 'acme', counts: { people: before['people']! + 2, deals: before['deals']! + 2 } });
  });

  it('takes a credential the provider accepts besides the manifest, and renders faults its own way', async () => {
    const sim = await start({}, {
      provider: {
        ...provider,
        accepts: (req) => req.url.searchParams.get('access_token') === 'acme-token',
        fault: (fault) =>
          fault.kind === 'secondary_rate_limit' ? { status: 403, body: { reason: fault.occurrence % 2 === 1 ? 'rateLimitExceeded' : 'userRateLimitExceeded' } } : undefined,
      },
    });
    expect((await get(sim, '/tags?access_token=acme-token', { token: null })).status).toBe(200);
    expect((await get(sim, '/tags?access_token=wrong', { token: null })).status).toBe(401);
    await control(sim, 'faults', { kind: 'secondary_rate_limit', count: 2 });
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 502 });
    expect(await get(sim, '/tags')).toMatchObject({ status: 403, body: { reason: 'rateLimitExceeded' } });
    expect(await get(sim, '/tags')).toMatchObject({ status: 403, body: { reason: 'userRateLimitExceeded' } });
    // A fault the provider leaves alone gets the simulator's answer.
    expect(await get(sim, '/tags')).toMatchObject({ status: 502, body: { error: { reason: 'server_error' } } });
  });

  it('serves records the provider draws itself in place of schema-made ones, the cursor set on them', async () => {
    const sim = await start({ records: 3 }, { provider: { ...provider, draw: { tags: (index) => ({ id: `tag-${index}`, title: `Tag ${index}` }) } } });
    const { body } = await get(sim, '/tags');
    expect(body.tags.map((t: JsonRecord) => [t['id'], t['title']])).toEqual([['tag-0', 'Tag 0'], ['tag-1', 'Tag 1'], ['tag-2', 'Tag 2']]);
    expect(body.tags[2].updated_at).toMatch(/^2024-\d\d-\d\dT\d\d:\d\d:00Z$/);
    expect(Object.keys(body.tags[0]).sort()).toEqual(['id', 'title', 'updated_at']);
  });

  it('lets the provider check credentials itself, serve stores of its own and render faults its way', async () => {
    const clock = new SandboxClock(1_717_200_000, 60);
    // A stream no description serves (a hand-written reader reads it): the provider's own store and route.
    const notes = new RecordStore({ make: (index) => ({ id: `n${index}` }), keyOf: (r) => String(r['id']), count: 5, clock, secret: 3 });
    const sim = await start({ clock }, {
      provider: {
        ...provider,
        // Anyone may read notes; elsewhere the key must be right, in any case.
        authorize: (req, ctx) =>
          req.url.pathname.endsWith('/memos') || req.headers.authorization?.toLowerCase() === 'bearer acme-token' ? undefined : ctx.error(401, 'unauthorized', 'who are you?'),
        stores: { memos: notes },
        fault: (fault) => (fault.status === 503 ? { status: 503, headers: { 'retry-after': String(fault.retryAfterSeconds) }, body: { busy: true } } : undefined),
        overrides: { memos: (req, ctx) => (req.url.pathname.endsWith('/memos') ? { status: 200, body: ctx.store('memos').list().map((e) => e.record) } : undefined) },
      },
    });
    expect((await get(sim, '/memos', { token: null })).body).toHaveLength(5);
    expect((await get(sim, '/tags', { token: 'ACME-TOKEN' })).status).toBe(200);
    expect(await get(sim, '/tags', { token: 'wrong' })).toMatchObject({ status: 401, body: { error: { message: 'who are you?', reason: 'unauthorized' } } });
    // Changed and counted as a described stream's store is; one batch of the clock shares one moment.
    const change = await control(sim, 'changes', { stream: 'memos', create: 2, delete: 1 });
    expect(change.created).toHaveLength(2);
    expect(sim.info().counts['memos']).toBe(6);
    const { at, result } = clock.batch(() => notes.apply({ create: 2, update: 1 }));
    expect([...result.created, ...result.updated].map((key) => notes.get(key)!.at)).toEqual([at, at, at]);
    expect(clock.tick()).toBeGreaterThan(at);
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 503, retry_after: 4 });
    const busy = await get(sim, '/tags');
    expect([busy.status, busy.headers.get('retry-after'), busy.body]).toEqual([503, '4', { busy: true }]);
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 500 });
    expect((await get(sim, '/tags')).body).toEqual({ error: { status: 500, reason: 'server_error', message: 'Internal server error' } });
    });

  it('lets the provider render faults, print no budget, time its window by nowMs, and stamp a change batch at one moment', async () => {
    let nowMs = 1_800_000_000_000;
    const clock = new SandboxClock(1_717_200_000, 60);
    const sim = await start({ clock, enforceRateLimit: true, nowMs: () => nowMs }, {
      provider: {
        ...provider,
        rateLimit: { limit: 2, windowSeconds: 60, headers: false },
        fault: (fault) => (fault.kind === 'secondary_rate_limit' ? { status: 429, body: { concurrency: fault.retryAfterSeconds } } : undefined),
        changes: (change, ctx) => {
          const { at, result } = clock.batch(() => ctx.store(change.stream).apply(change));
          return { at, ...result };
        },
      },
    });
    await control(sim, 'faults', { kind: 'secondary_rate_limit', count: 1, retry_after: 3 });
    await control(sim, 'faults', { kind: 'server_error', count: 1, status: 503 });
    expect((await get(sim, '/tags')).body).toEqual({ concurrency: 3 });
    // A kind the hook leaves alone is the error body's.
    expect((await get(sim, '/tags')).body.error.reason).toBe('server_error');
    const first = await get(sim, '/tags');
    expect(first.status).toBe(200);
    expect([...first.headers.keys()].filter((h) => h.startsWith('x-ratelimit'))).toEqual([]);
    expect((await get(sim, '/tags')).status).toBe(200);
    const refused = await get(sim, '/tags');
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('60');
    // The window follows nowMs, not the sandbox clock the options bring for the data.
    sim.clock.tick();
    sim.clock.tick();
    expect((await get(sim, '/tags')).status).toBe(429);
    nowMs += 60_000;
    expect((await get(sim, '/tags')).status).toBe(200);

    const change = await control(sim, 'changes', { stream: 'people', create: 2, update: 2 });
    const people = sim.store('people');
    for (const key of [...change.created, ...change.updated]) expect(people.get(key)!.at).toBe(change.at);
    // A record knows when it was created: a new one at the batch, an updated one before it.
    expect(people.get(change.created[0])!.createdAt).toBe(change.at);
    expect(people.get(change.updated[0])!.createdAt).toBeLessThan(change.at);
  });

  it('keys records by the provider ids given per index, in the store and in the records served', async () => {
    const sim = await start({}, { provider: { ...provider, keys: { people: (index) => `person-${index}` } } });
    const people = sim.store('people');
    expect(people.list().slice(0, 2).map((e) => e.key)).toEqual(['person-0', 'person-1']);
    expect(people.get('person-5')!.record['id']).toBe('person-5');
    const created = await control(sim, 'changes', { stream: 'people', create: 1 });
    expect(created.created).toEqual(['person-60']);
    const ids = (await walk(sim, 'people', '/people')).map((r) => r['id']);
    expect(ids).toHaveLength(61);
    expect(ids).toContain('person-60');
  });

});
