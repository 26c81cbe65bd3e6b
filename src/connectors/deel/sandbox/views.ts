import { contract, contractTitle, contractWorkerName, personFacts, type PersonFacts } from './objects.js';
import type { DeelStore } from './store.js';
import type { DeelWorld } from './world.js';

/**
 * The ordered, filtered lists behind `GET /people` (offset pages) and `GET /contracts` (keyset cursor pages).
 * A list is built once per store version and query, then sliced per page: page 1,000 costs what page 1 does,
 * and a list only rebuilds after a change.
 */

/** `sort_by` values of `GET /people` the sandbox can order by (Deel documents a few more). */
export const peopleSorts = ['id', 'first_name', 'last_name', 'full_name', 'email', 'country', 'hiring_type', 'start_date', 'team', 'job_title', 'hiring_status'] as const;
export type PeopleSort = (typeof peopleSorts)[number];

export interface PeopleQuery {
  sortBy: PeopleSort | null;
  order: 'asc' | 'desc';
  hiringStatuses: string[];
  hiringTypes: string[];
  search: string | null;
}

export const contractSorts = ['contract_title', 'worker_name'] as const;
export type ContractSort = (typeof contractSorts)[number];

export interface ContractQuery {
  sortBy: ContractSort | null;
  order: 'asc' | 'desc';
  statuses: string[];
  types: string[];
}

/** One contract in list order: its sort key, then its index breaks ties. */
export interface ContractEntry {
  key: string | number;
  c: number;
}

const maxCached = 8;

export class DeelViews {
  private readonly cache = new Map<string, { version: number; value: unknown }>();

  constructor(
    private readonly world: DeelWorld,
    private readonly store: DeelStore,
  ) {}

  /** Live person indexes in the query's order. */
  people(query: PeopleQuery): number[] {
    return this.cached(`people ${JSON.stringify(query)}`, () => {
      const facts: PersonFacts[] = [];
      const search = query.search?.toLowerCase() ?? null;
      for (let k = 0; k < this.store.personIndexes; k++) {
        if (!this.store.personExists(k)) continue;
        const f = personFacts(this.world, this.store, k);
        if (query.hiringStatuses.length > 0 && !query.hiringStatuses.includes(f.hiringStatus)) continue;
        if (query.hiringTypes.length > 0 && !query.hiringTypes.includes(f.hiringType)) continue;
        if (search !== null && !f.fullName.toLowerCase().includes(search) && !f.email.includes(search)) continue;
        facts.push(f);
      }
      // Without sort_by, people come in the order they were added to the organization.
      if (query.sortBy !== null) {
        const keyOf = personKey(query.sortBy, this.world);
        const keyed = facts.map((f) => ({ k: f.k, key: keyOf(f) }));
        keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.k - b.k));
        const order = keyed.map((e) => e.k);
        return query.order === 'desc' ? order.reverse() : order;
      }
      const order = facts.map((f) => f.k);
      return query.order === 'desc' ? order.reverse() : order;
    });
  }

  /** Live contracts in the query's order; without sort_by, newest first unless `order_direction=asc`. */
  contracts(query: ContractQuery): ContractEntry[] {
    return this.cached(`contracts ${JSON.stringify(query)}`, () => {
      const entries: ContractEntry[] = [];
      for (let c = 0; c < this.store.contractIndexes; c++) {
        if (!this.store.contractExists(c)) continue;
        if (query.statuses.length > 0 || query.types.length > 0) {
          const json = contract(this.world, this.store, c);
          if (query.statuses.length > 0 && !query.statuses.includes(String(json['status']))) continue;
          if (query.types.length > 0 && !query.types.includes(String(json['type']))) continue;
        }
        const key =
          query.sortBy === 'contract_title'
            ? contractTitle(this.world, this.store, c)
            : query.sortBy === 'worker_name'
              ? contractWorkerName(this.world, this.store, c)
              : this.store.contractCreatedAt(c);
        entries.push({ key, c });
      }
      const sign = query.order === 'asc' ? 1 : -1;
      entries.sort((a, b) => sign * compareEntries(a, b));
      return entries;
    });
  }

  private cached<T>(key: string, build: () => T): T {
    const hit = this.cache.get(key);
    if (hit && hit.version === this.store.version) return hit.value as T;
    const value = build();
    this.cache.delete(key);
    this.cache.set(key, { version: this.store.version, value });
    while (this.cache.size > maxCached) this.cache.delete(this.cache.keys().next().value!);
    return value;
  }
}

export function compareEntries(a: ContractEntry, b: ContractEntry): number {
  if (a.key < b.key) return -1;
  if (a.key > b.key) return 1;
  return a.c - b.c;
}

/** The first position in `entries` strictly after `cursor` in the list's own order. */
export function positionAfter(entries: ContractEntry[], cursor: ContractEntry, order: 'asc' | 'desc'): number {
  const sign = order === 'asc' ? 1 : -1;
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sign * compareEntries(entries[mid]!, cursor) > 0) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function personKey(sort: PeopleSort, world: DeelWorld): (f: PersonFacts) => string {
  switch (sort) {
    case 'id':
      return (f) => f.id;
    case 'first_name':
      return (f) => f.firstName;
    case 'last_name':
      return (f) => f.lastName;
    case 'full_name':
      return (f) => f.fullName;
    case 'email':
      return (f) => f.email;
    case 'country':
      return (f) => f.country;
    case 'hiring_type':
      return (f) => f.hiringType;
    case 'start_date':
      return (f) => f.startDate;
    case 'team':
      return (f) => world.team(f.k).name;
    case 'job_title':
      return (f) => f.jobTitle;
    case 'hiring_status':
      return (f) => f.hiringStatus;
  }
}
