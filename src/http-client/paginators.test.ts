import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpClient } from './http-client.js';
import { HttpError } from './http-error.js';
import type { HttpClient, Page } from './http-types.js';
import { paginateCursor, paginateLinkHeader, paginateNextUrl, paginateOffset, paginatePage } from './paginators.js';
import { sendJson, startTestServer, type TestServer } from './test-server.js';

const ITEMS = [1, 2, 3, 4, 5, 6, 7, 8];
const SIZE = 3;

interface ListBody {
  data: number[];
  next_cursor?: string | null;
  has_more?: boolean;
  '@odata.nextLink'?: string;
}

let server: TestServer;
let http: HttpClient;

/** One provider speaking every pagination dialect over the same eight items. */
beforeAll(async () => {
  server = await startTestServer((req, res) => {
    const url = new URL(req.url ?? '/', server.url);
    const q = url.searchParams;
    const slice = (from: number): number[] => ITEMS.slice(from, from + SIZE);
    switch (url.pathname) {
      case '/link': {
        const page = Number(q.get('page') ?? 1);
        const headers: Record<string, string> = {};
        if (page * SIZE < ITEMS.length) {
          headers['link'] = `<${server.url}/link?page=${page + 1}&token=t>; rel="next", <${server.url}/link?page=3>; rel="last"`;
        }
        return sendJson(res, 200, { data: slice((page - 1) * SIZE) }, headers);
      }
      case '/cursor': {
        const from = Number(q.get('cursor') ?? 0);
        const end = from + SIZE;
        return sendJson(res, 200, { data: slice(from), next_cursor: end < ITEMS.length ? String(end) : null });
      }
      case '/offset':
        return sendJson(res, 200, { data: ITEMS.slice(Number(q.get('offset')), Number(q.get('offset')) + Number(q.get('limit'))) });
      case '/page': {
        const page = Number(q.get('page'));
        return sendJson(res, 200, { data: slice((page - 1) * SIZE), has_more: page * SIZE < ITEMS.length });
      }
      case '/next': {
        const skip = Number(q.get('$skip') ?? 0);
        const body: ListBody = { data: slice(skip) };
        if (skip + SIZE < ITEMS.length) body['@odata.nextLink'] = `/next?$skip=${skip + SIZE}`;
        return sendJson(res, 200, body);
      }
      case '/stuck':
        return sendJson(res, 200, { data: [1], next_cursor: 'same' });
      case '/away':
        return sendJson(res, 200, { data: [1] }, { link: '<http://127.0.0.2:1/steal>; rel="next"' });
      default:
        return sendJson(res, 404, {});
    }
  });
  http = createHttpClient({ baseUrl: server.url });
});

afterAll(() => server.close());

async function collect(pages: AsyncIterable<Page<ListBody>>): Promise<{ data: number[][]; next: Array<string | null> }> {
  const data: number[][] = [];
  const next: Array<string | null> = [];
  for await (const page of pages) {
    data.push(page.response.body.data);
    next.push(page.next);
  }
  return { data, next };
}

const PAGES = [[1, 2, 3], [4, 5, 6], [7, 8]];

describe('paginators', () => {
  it('paginateLinkHeader follows rel="next" and resumes from a next URL', async () => {
    const all = await collect(paginateLinkHeader<ListBody>(http, { url: '/link' }));
    expect(all.data).toEqual(PAGES);
    expect(all.next).toEqual([`${server.url}/link?page=2&token=t`, `${server.url}/link?page=3&token=t`, null]);
    const resumed = await collect(paginateLinkHeader<ListBody>(http, { url: '/link' }, all.next[0] ?? undefined));
    expect(resumed.data).toEqual(PAGES.slice(1));
  });

  it('paginateCursor passes the cursor back and resumes from start', async () => {
    const opts = { cursorParam: 'cursor', nextCursor: (r: { body: ListBody }) => r.body.next_cursor };
    const all = await collect(paginateCursor<ListBody>(http, { url: '/cursor' }, opts));
    expect(all.data).toEqual(PAGES);
    expect(all.next).toEqual(['3', '6', null]);
    const resumed = await collect(paginateCursor<ListBody>(http, { url: '/cursor' }, { ...opts, start: '6' }));
    expect(resumed.data).toEqual(PAGES.slice(2));
  });

  it('paginateOffset stops on a short page and resumes from an offset', async () => {
    const opts = { offsetParam: 'offset', limitParam: 'limit', limit: SIZE, count: (r: { body: ListBody }) => r.body.data.length };
    const all = await collect(paginateOffset<ListBody>(http, { url: '/offset' }, opts));
    expect(all.data).toEqual(PAGES);
    expect(all.next).toEqual(['3', '6', null]);
    const resumed = await collect(paginateOffset<ListBody>(http, { url: '/offset' }, { ...opts, start: all.next[0] ?? 0 }));
    expect(resumed.data).toEqual(PAGES.slice(1));
    const exact = await collect(paginateOffset<ListBody>(http, { url: '/offset' }, { ...opts, limit: 4 }));
    expect(exact.data).toEqual([[1, 2, 3, 4], [5, 6, 7, 8], []]);
  });

  it('paginatePage counts pages until hasMore is false and resumes from a page', async () => {
    const opts = { pageParam: 'page', hasMore: (r: { body: ListBody }) => r.body.has_more === true };
    const all = await collect(paginatePage<ListBody>(http, { url: '/page' }, opts));
    expect(all.data).toEqual(PAGES);
    expect(all.next).toEqual(['2', '3', null]);
    const resumed = await collect(paginatePage<ListBody>(http, { url: '/page' }, { ...opts, start: '3' }));
    expect(resumed.data).toEqual(PAGES.slice(2));
  });

  it('paginateNextUrl follows a body link (relative, resolved absolute) and resumes', async () => {
    const opts = { nextUrl: (r: { body: ListBody }) => r.body['@odata.nextLink'] };
    const all = await collect(paginateNextUrl<ListBody>(http, { url: '/next' }, opts));
    expect(all.data).toEqual(PAGES);
    expect(all.next).toEqual([`${server.url}/next?$skip=3`, `${server.url}/next?$skip=6`, null]);
    const resumed = await collect(paginateNextUrl<ListBody>(http, { url: '/next' }, { ...opts, start: all.next[1] ?? undefined }));
    expect(resumed.data).toEqual(PAGES.slice(2));
  });

  it('checks the signal between pages', async () => {
    const controller = new AbortController();
    const seen: number[][] = [];
    const run = async (): Promise<void> => {
      for await (const page of paginatePage<ListBody>(http, { url: '/page', signal: controller.signal }, { pageParam: 'page', hasMore: () => true })) {
        seen.push(page.response.body.data);
        controller.abort();
      }
    };
    const error = await run().catch((e: unknown) => e);
    expect((error as Error).name).toBe('AbortError');
    expect(seen).toEqual([[1, 2, 3]]);
  });

  it('refuses a provider that repeats its cursor', async () => {
    const pages = paginateCursor<ListBody>(http, { url: '/stuck' }, { cursorParam: 'cursor', nextCursor: (r) => r.body.next_cursor });
    const error = await collect(pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HttpError);
    expect(error).toMatchObject({ code: 'pagination_loop', kind: 'provider' });
  });

  it('refuses a next link on another origin', async () => {
    const error = await collect(paginateLinkHeader<ListBody>(http, { url: '/away' })).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'cross_origin_next' });
  });
});
