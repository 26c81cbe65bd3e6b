import type { RecordStore, SandboxRequest, SandboxResponse } from '../../kit/sandbox/index.js';
import { contractStatuses, contractTypes } from '../schemas.js';
import { contractFacts } from './facts.js';
import type { DeelLinks } from './links.js';
import { OrderCache } from './order-cache.js';
import { choiceParam, directionParam, enumList, ParamError } from './params.js';
import { contractRecord } from './records.js';
import type { DeelWorld } from './world.js';

/**
 * `GET /contracts`: keyset pages (`after_cursor`, answered with `page.cursor` after the page's last item, and
 * `total_rows`), `limit` (at most 99 a page: Deel's pagination guide says large sets of resources return a maximum
 * of 99 results per page), `sort_by`, `order_direction`, `statuses` and `types`. Without `sort_by`, newest first.
 */

const contractSorts = ['contract_title', 'worker_name'] as const;
const defaultLimit = 50;
const maxPage = 99;

/** One contract in list order: its sort key, then its index breaks ties (so a cursor survives deletions). */
interface Entry {
  key: string | number;
  c: number;
}

function compare(a: Entry, b: Entry): number {
  if (a.key < b.key) return -1;
  if (a.key > b.key) return 1;
  return a.c - b.c;
}

/** The `GET /contracts` handler of one sandbox. */
export function contractsList(world: DeelWorld, links: DeelLinks, store: RecordStore): (req: SandboxRequest) => SandboxResponse {
  const cache = new OrderCache<Entry>();
  return (req) => {
    const q = req.url.searchParams;
    const limitText = q.get('limit');
    if (limitText !== null && !/^[0-9]+$/.test(limitText)) {
      throw new ParamError(`"limit" with value "${limitText}" fails to match the required pattern: /^[0-9]+$/`, 'limit');
    }
    const size = Math.min(maxPage, Math.max(1, limitText === null ? defaultLimit : Number(limitText)));
    const sortBy = choiceParam(q, 'sort_by', contractSorts);
    const statuses = enumList(q, 'statuses', contractStatuses);
    const types = enumList(q, 'types', contractTypes);
    const order = directionParam(q, 'order_direction', sortBy === null ? 'desc' : 'asc');
    const sign = order === 'asc' ? 1 : -1;
    const entries = cache.order(store, { sortBy, order, statuses, types }, () =>
      store
        .list()
        .map((entry) => contractFacts(world, links, entry.index, entry.at))
        .filter((f) => (statuses.length === 0 || statuses.includes(f.status)) && (types.length === 0 || types.includes(f.type)))
        .map((f) => ({ key: sortBy === 'contract_title' ? f.title : sortBy === 'worker_name' ? f.workerName : f.createdAt, c: f.c }))
        .sort((a, b) => sign * compare(a, b)),
    );
    const after = q.get('after_cursor');
    const start = after === null || after === '' ? 0 : positionAfter(entries, decodeCursor(after), sign);
    const page = entries.slice(start, start + size);
    const last = page.at(-1);
    const data = page.map((e) => contractRecord(world, links, store.get(world.contractId(e.c))!));
    // Deel marks `page.cursor` required; it points after the last item of the page.
    return { status: 200, body: { data, page: { cursor: last ? encodeCursor(last) : '', total_rows: entries.length } } };
  };
}

/** The first position strictly after `cursor` in the list's own order. */
function positionAfter(entries: Entry[], cursor: Entry, sign: number): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sign * compare(entries[mid]!, cursor) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function encodeCursor(entry: Entry): string {
  return Buffer.from(JSON.stringify([entry.key, entry.c])).toString('base64url');
}

function decodeCursor(text: string): Entry {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1])) {
      return { key: value[0], c: value[1] as number };
    }
  } catch {
    // falls through to the refusal
  }
  throw new ParamError('Invalid cursor', 'after_cursor');
}
