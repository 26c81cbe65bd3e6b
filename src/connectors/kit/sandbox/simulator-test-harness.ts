import { expect } from 'vitest';
import type { ManifestInput } from '../../../contracts/manifest.js';
import type { JsonRecord } from '../declarative/stream-spec.js';
import { SandboxClock } from './clock.js';
import { createSimulator, type SimulatorHandle, type SimulatorOptions } from './simulator.js';
import { acmeManifest, acmeProvider, acmeStreams } from './simulator-fixture.js';
import type { SimulatorProvider } from './simulator-provider.js';

/**
 * What the simulator's tests share: the Acme fixture started on a free port (closed by `closeStarted` after each
 * test), plain GETs and control calls, and a walk through every page of a list the way each paginator's reader does.
 */
export const manifest = acmeManifest;
export const streams = acmeStreams;
export const provider = acmeProvider;

const started: SimulatorHandle[] = [];

/** A simulator a test created itself, closed with the others. */
export function track(sim: SimulatorHandle): SimulatorHandle {
  started.push(sim);
  return sim;
}

/** Closes every simulator `start` opened (each test file's afterEach). */
export async function closeStarted(): Promise<void> {
  await Promise.all(started.splice(0).map((s) => s.close()));
}

export async function start(options: Partial<SimulatorOptions> = {}, overrides: { provider?: SimulatorProvider; manifest?: ManifestInput } = {}): Promise<SimulatorHandle> {
  const sim = await createSimulator({
    manifest: overrides.manifest ?? manifest,
    streams,
    provider: overrides.provider ?? provider,
    options: { port: 0, records: 60, seed: 7, token: 'acme-token', clock: new SandboxClock(1_717_200_000, 60), ...options },
  });
  started.push(sim);
  return sim;
}

export async function get(sim: SimulatorHandle, path: string, init: { token?: string | null } = {}): Promise<{ status: number; headers: Headers; body: any }> {
  const url = path.startsWith('http') ? path : `${sim.apiUrl}${path}`;
  const token = init.token === undefined ? sim.token : init.token;
  const res = await fetch(url, { headers: token === null ? {} : { authorization: `Bearer ${token}` } });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? undefined : JSON.parse(text) };
}

export async function control(sim: SimulatorHandle, path: string, body: unknown): Promise<any> {
  const res = await fetch(`${sim.url}/_sandbox/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(res.status).toBeLessThan(300);
  return res.json();
}

/** Reads every page of a list the way each paginator's reader does, and returns the records in order. */
export async function walk(sim: SimulatorHandle, stream: keyof typeof streams, path: string, query = ''): Promise<JsonRecord[]> {
  const out: JsonRecord[] = [];
  const sep = (p: string) => (p.includes('?') ? '&' : '?');
  const base = query === '' ? path : `${path}?${query}`;
  const pages = (n: number) => expect(n, `${stream}: too many pages`).toBeLessThan(100);
  switch (stream) {
    case 'people':
    case 'issues': {
      const [offsetParam, limitParam, limit] = stream === 'people' ? ['offset', 'limit', 25] : ['start', 'max', 7];
      for (let offset = 0, n = 0; ; offset += limit, n++) {
        pages(n);
        const { body } = await get(sim, `${base}${sep(base)}${offsetParam}=${offset}&${limitParam}=${limit}`);
        out.push(...body.data);
        if (body.data.length < limit) return out;
      }
    }
    case 'deals':
    case 'comments':
    case 'events': {
      const [param, nextOf, recordsOf] =
        stream === 'events'
          ? ['pageToken', (b: any) => b.nextPageToken, (b: any) => b.items]
          : stream === 'deals'
            ? ['after', (b: any) => b.page.next_cursor, (b: any) => b.data]
            : ['after', (b: any) => b.next, (b: any) => b.data];
      let cursor: string | null = null;
      for (let n = 0; ; n++) {
        pages(n);
        const { body, status } = await get(sim, cursor === null ? base : `${base}${sep(base)}${param}=${cursor}`);
        expect(status).toBe(200);
        out.push(...recordsOf(body));
        cursor = nextOf(body);
        if (stream === 'deals') expect(body.has_more).toBe(cursor !== null);
        if (!cursor) return out;
      }
    }
    case 'tickets':
    case 'notes': {
      let url: string | null = base;
      for (let n = 0; url; n++) {
        pages(n);
        const { body, headers } = await get(sim, url);
        if (stream === 'tickets') {
          out.push(...body);
          url = /<([^>]+)>; rel="next"/.exec(headers.get('link') ?? '')?.[1] ?? null;
        } else {
          out.push(...body.value);
          url = body['@odata.nextLink'] ?? null;
        }
      }
      return out;
    }
    case 'tasks': {
      for (let page = 1; ; page++) {
        pages(page);
        const { body } = await get(sim, `${base}${sep(base)}page=${page}&size=15`);
        out.push(...body.results);
        if (body.more !== true) return out;
      }
    }
    case 'history': {
      // Keyset: the same request again from the last record's cursor; records at that cursor come again.
      let from: string | null = null;
      const seen = new Set<unknown>();
      for (let n = 0; ; n++) {
        pages(n);
        const { body } = await get(sim, from === null ? base : `${base}${sep(base)}since=${encodeURIComponent(from)}`);
        for (const record of body.data as JsonRecord[]) if (!seen.has(record['id'])) (seen.add(record['id']), out.push(record));
        if (body.data.length < 10) return out;
        from = body.data.at(-1).updated_at;
      }
    }
    case 'tags':
      return (await get(sim, base)).body.tags;
    default:
      throw new Error(`no walk for ${stream}`);
  }
}

export const ids = (records: JsonRecord[]) => records.map((r) => r['id']);
