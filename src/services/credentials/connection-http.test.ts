import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManifestSchema } from '../../contracts/manifest.js';
import { manifest as deelManifest } from '../../connectors/deel/manifest.js';
import { sendJson, startTestServer, type TestServer } from '../../http-client/test-server.js';
import { connectionHttp } from './connection-http.js';

/** Deel's manifest paces a connection at 4 requests a second with a burst of 1. */
const deel = ManifestSchema.parse(deelManifest);

describe('a connection paced by its requests_per_second', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer((_req, res) => sendJson(res, 200, { data: [] }));
  });
  afterAll(() => server.close());

  const timeFor = async (connectionId: string, config: Record<string, unknown>, requests: number): Promise<number> => {
    const http = connectionHttp({ connectionId, manifest: deel, config: { base_url: server.url, ...config }, secrets: { fields: { token: 't0ken-value' } }, allowPrivateHosts: [new URL(server.url).host], allowedHosts: [] });
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
