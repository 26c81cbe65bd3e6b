import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../contracts/manifest.js';
import { manifest as deelManifest } from '../../connectors/deel/manifest.js';
import { sendJson, startTestServer, type TestServer } from '../../http-client/test-server.js';
import { connectionHttp } from './connection-http.js';
import { ProviderTraffic } from './provider-traffic.js';

/** Deel's manifest paces a connection at 4 requests a second with a burst of 1. */
const deel = ManifestSchema.parse(deelManifest);

describe('a connection paced by its requests_per_second', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { data: [] }));
  });
  afterAll(() => server.close());
  const traffic = new ProviderTraffic();
  afterAll(() => traffic.close());

  const timeFor = async (connectionId: string, config: Record<string, unknown>, requests: number): Promise<number> => {
    const http = connectionHttp({ connectionId, traffic, manifest: deel, config: { base_url: server.url, ...config }, secrets: { fields: { token: 't0ken-value' } }, allowPrivateHosts: [new URL(server.url).host], allowedHosts: [] });
    const started = performance.now();
    for (let i = 0; i < requests; i++) await http.get('/people', {});
    return performance.now() - started;
  };

  it("waits between requests at the manifest's pace, and at the connection's own when set", async () => {
    // 5 requests, burst 1: four waits of 250 ms at Deel's 4/s; at 50/s, four of 20 ms.
    expect(await timeFor('conn_default_pace', {}, 5)).toBeGreaterThanOrEqual(900);
    expect(await timeFor('conn_fast_pace', { requests_per_second: 50 }, 5)).toBeLessThan(600);
    // A new pace for the same connection takes effect at once (the limiter is per connection and pace).
    expect(await timeFor('conn_default_pace', { requests_per_second: 50 }, 5)).toBeLessThan(600);
  });
});

describe("a connection's rate limiter", () => {
  let clock = 0;
  const traffic = new ProviderTraffic({ now: () => clock, sweepEveryMs: 0 });
  const instant = async (acquire: Promise<void>) => {
    let done = false;
    void acquire.then(() => (done = true));
    await new Promise((resolve) => setImmediate(resolve));
    return done;
  };

  it('is dropped once its bucket has refilled, and is made again, full, at the next request', async () => {
    // Deel: 4 requests a second, burst 1. Each request owes 250 ms.
    const limiter = traffic.limiterFor('conn_idle', deel, {})!;
    expect(await instant(limiter.acquire())).toBe(true);
    expect(traffic.pacedConnections).toBe(1);
    clock = 100;
    traffic.sweep(true);
    // Not yet refilled: dropping it would let the next request go early.
    expect(traffic.pacedConnections).toBe(1);
    clock = 250;
    traffic.sweep(true);
    expect(traffic.pacedConnections).toBe(0);
    // The client still holding the handle gets a fresh (full) bucket: no wait, as the old one would have given.
    expect(await instant(limiter.acquire())).toBe(true);
    expect(traffic.pacedConnections).toBe(1);
  });

  it('is kept while requests wait on it', async () => {
    clock = 1000;
    const limiter = traffic.limiterFor('conn_busy', deel, {})!;
    await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal).catch(() => 'aborted');
    clock = 1200;
    traffic.sweep(true);
    // conn_idle's bucket (refilled long ago) goes; conn_busy's, owed until 1,500 ms, stays.
    expect(traffic.pacedConnections).toBe(1);
    controller.abort();
    expect(await waiting).toBe('aborted');
  });
});
