import type { RecordStore, SandboxRequest, SandboxResponse, StoredRecord } from '../../kit/sandbox/index.js';
import { personFacts, type PersonFacts } from './facts.js';
import { OrderCache } from './order-cache.js';
import type { DeelLinks } from './links.js';
import { choiceParam, directionParam, integerParam, listParam, ParamError } from './params.js';
import { personRecord } from './records.js';
import { hiringStatuses, type DeelWorld } from './world.js';

/**
 * `GET /people`: offset pages (`offset`, `limit` 1–200) with `page: { offset, total_rows, items_per_page }`,
 * `sort_by`/`sort_order`, `hiring_statuses`, `hiring_types` and `search`. Without `sort_by`, people come in the
 * order the store keeps them.
 */

/** `sort_by` values of `GET /people` the sandbox can order by. */
const peopleSorts = ['id', 'first_name', 'last_name', 'full_name', 'email', 'country', 'hiring_type', 'start_date', 'team', 'job_title', 'hiring_status'] as const;
type PeopleSort = (typeof peopleSorts)[number];
/** `sort_by` values Deel documents but the sandbox does not simulate. */
const unsimulatedSorts = ['birth_date', 'completion_date', 'direct_manager', 'direct_reports_count', 'band_placement', 'comparative_ratio'] as const;
const defaultLimit = 50;

const sortKey: Record<PeopleSort, (f: PersonFacts) => string> = {
  id: (f) => f.id,
  first_name: (f) => f.firstName,
  last_name: (f) => f.lastName,
  full_name: (f) => f.fullName,
  email: (f) => f.email,
  country: (f) => f.country,
  hiring_type: (f) => f.hiringType,
  start_date: (f) => f.startDate,
  team: (f) => f.team,
  job_title: (f) => f.jobTitle,
  hiring_status: (f) => f.hiringStatus,
};

/** The `GET /people` handler of one sandbox (its own cache of orders). */
export function peopleList(world: DeelWorld, links: DeelLinks, store: RecordStore): (req: SandboxRequest) => SandboxResponse {
  const cache = new OrderCache<StoredRecord>();
  return (req) => {
    const q = req.url.searchParams;
    const offset = integerParam(q, 'offset', 0, 0, 999_999_999);
    const limit = integerParam(q, 'limit', defaultLimit, 1, 200);
    const sortBy = choiceParam(q, 'sort_by', [...peopleSorts, ...unsimulatedSorts]);
    if (sortBy !== null && !(peopleSorts as readonly string[]).includes(sortBy)) {
      throw new ParamError(`sort_by=${sortBy} is documented by Deel but not simulated by this sandbox`, 'sort_by');
    }
    const statuses = listParam(q, 'hiring_statuses');
    if (statuses.some((s) => !(hiringStatuses as readonly string[]).includes(s))) {
      throw new ParamError(`"hiring_statuses[]" must be one of [${hiringStatuses.join(', ')}]`, 'hiring_statuses');
    }
    const types = listParam(q, 'hiring_types');
    const search = q.get('search')?.trim().toLowerCase() || null;
    const order = directionParam(q, 'sort_order', 'asc');
    const entries = cache.order(store, { sortBy, order, statuses, types, search }, () => {
      const kept = store
        .list()
        .map((entry) => ({ entry, f: personFacts(world, links, entry.index, entry.at) }))
        .filter(
        ({ f }) =>
          (statuses.length === 0 || statuses.includes(f.hiringStatus)) &&
          (types.length === 0 || types.includes(f.hiringType)) &&
          (search === null || f.fullName.toLowerCase().includes(search) || f.email.includes(search)),
      );
      let list = kept.map((e) => e.entry);
      if (sortBy !== null) {
        const key = sortKey[sortBy as PeopleSort];
        list = kept
          .map((e) => ({ entry: e.entry, key: key(e.f) }))
          .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.entry.index - b.entry.index))
          .map((e) => e.entry);
      }
      return order === 'desc' ? list.reverse() : list;
    });
    const data = entries.slice(offset, offset + limit).map((entry) => personRecord(world, links, entry));
    return { status: 200, body: { data, page: { offset, total_rows: entries.length, items_per_page: limit } } };
  };
}
