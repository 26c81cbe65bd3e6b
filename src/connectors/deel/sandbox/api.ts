import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { contractStatuses, contractTypes } from '../schemas.js';
import { contract, person } from './objects.js';
import { deelOAuth } from './oauth-app.js';
import { apiError, faultResponse, rateLimited, RequestIds, RollingSecondLimit, type ApiError } from './responses.js';
import { DeelStore, type ChangeResult } from './store.js';
import { contractSorts, DeelViews, peopleSorts, positionAfter, type ContractEntry, type ContractSort, type PeopleSort } from './views.js';
import { DeelWorld, hiringStatuses } from './world.js';

/**
 * The simulated REST API v2 under `/rest/v2`: bearer authentication, `GET /people` with offset pages,
 * `GET /contracts` with cursor pages, single reads of both, Deel's error bodies and its rate limit.
 */
export interface DeelApiOptions {
  seed: number;
  records: number;
  token: string;
  /** Refuse more than 5 requests in a rolling second with 429, as Deel does. Default false: only counted. */
  enforceRateLimit?: boolean;
  /** The rate limit's clock (epoch ms); tests pass their own so that a second passes without waiting one. */
  nowMs?: () => number;
}

/** What `GET /_sandbox/info` returns. */
export interface DeelSandboxInfo {
  provider: 'deel';
  seed: number;
  organization: string;
  /** The sandbox clock: the time of the latest change (or the start, after the seeded data). */
  clock: string;
  counts: { people: number; contracts: number };
}

const apiPrefix = '/rest/v2';
/** `sort_by` values Deel documents for `GET /people`. */
const documentedPeopleSorts = [...peopleSorts, 'birth_date', 'completion_date', 'direct_manager', 'direct_reports_count', 'band_placement', 'comparative_ratio'];
const defaultLimit = 50;
/** Deel's pagination guide: "large sets of resources return a maximum of 99 results per page". */
const maxContractsPage = 99;

class BadRequest extends Error {
  constructor(readonly errors: ApiError[]) {
    super(errors[0]?.message ?? 'bad request');
  }
}

export class DeelApi implements SandboxProvider {
  readonly world: DeelWorld;
  readonly store: DeelStore;
  readonly oauth = deelOAuth();
  private readonly views: DeelViews;
  private readonly requestIds: RequestIds;
  private readonly limit: RollingSecondLimit;

  constructor(private readonly options: DeelApiOptions) {
    this.world = new DeelWorld(options.seed);
    this.store = new DeelStore(options.seed, options.records, this.world);
    this.views = new DeelViews(this.world, this.store);
    this.requestIds = new RequestIds(options.seed);
    this.limit = new RollingSecondLimit(5, options.enforceRateLimit ?? false, options.nowMs);
    this.oauth.addStaticToken(options.token);
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.requestIds.next();
    if (!this.oauth.accepts(bearerOf(req))) return apiError(req, 401, requestId, [{ message: 'Unauthorized' }], 'auth');
    if (!this.limit.admit()) return rateLimited();
    const path = req.url.pathname.replace(/\/+$/, '');
    const parts = path.startsWith(`${apiPrefix}/`) ? path.slice(apiPrefix.length + 1).split('/').map(decodeURIComponent) : [];
    const [collection, id, ...rest] = parts;
    if ((collection !== 'people' && collection !== 'contracts') || rest.length > 0) {
      return apiError(req, 404, requestId, [{ message: 'path not found' }]);
    }
    if (req.method !== 'GET') return apiError(req, 405, requestId, [{ message: 'method not allowed' }]);
    try {
      if (collection === 'people') return id === undefined ? this.listPeople(req) : this.onePerson(req, id, requestId);
      return id === undefined ? this.listContracts(req) : this.oneContract(req, id, requestId);
    } catch (error) {
      if (error instanceof BadRequest) return apiError(req, 400, requestId, error.errors, 'validation');
      throw error;
    }
  }

  renderFault(fault: ActiveFault, req: SandboxRequest): SandboxResponse {
    return faultResponse(fault, req, this.requestIds.next(), this.options.seed);
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    return this.store.applyChanges(change);
  }

  info(): DeelSandboxInfo {
    return {
      provider: 'deel',
      seed: this.options.seed,
      organization: this.world.organizationName,
      clock: new Date(this.store.clock.now() * 1000).toISOString(),
      counts: this.store.counts(),
    };
  }

  private listPeople(req: SandboxRequest): SandboxResponse {
    const q = req.url.searchParams;
    const offset = integerParam(q, 'offset', 0, 0, 999_999_999);
    const limit = integerParam(q, 'limit', defaultLimit, 1, 200);
    const sortBy = q.get('sort_by');
    if (sortBy !== null && !documentedPeopleSorts.includes(sortBy)) {
      throw new BadRequest([{ message: `"sort_by" must be one of [${documentedPeopleSorts.join(', ')}]`, path: 'sort_by' }]);
    }
    if (sortBy !== null && !(peopleSorts as readonly string[]).includes(sortBy)) {
      throw new BadRequest([{ message: `sort_by=${sortBy} is documented by Deel but not simulated by this sandbox`, path: 'sort_by' }]);
    }
    const hiringStatusFilter = listParam(q, 'hiring_statuses');
    for (const status of hiringStatusFilter) {
      if (!(hiringStatuses as readonly string[]).includes(status)) {
        throw new BadRequest([{ message: `"hiring_statuses[]" must be one of [${hiringStatuses.join(', ')}]`, path: 'hiring_statuses' }]);
      }
    }
    const search = q.get('search');
    const order = this.views.people({
      sortBy: sortBy as PeopleSort | null,
      order: directionParam(q, 'sort_order', 'asc'),
      hiringStatuses: hiringStatusFilter,
      hiringTypes: listParam(q, 'hiring_types'),
      search: search === null || search.trim() === '' ? null : search.trim(),
    });
    const data = order.slice(offset, offset + limit).map((k) => person(this.world, this.store, k));
    return { status: 200, body: { data, page: { offset, total_rows: order.length, items_per_page: limit } } };
  }

  private listContracts(req: SandboxRequest): SandboxResponse {
    const q = req.url.searchParams;
    const limitText = q.get('limit');
    if (limitText !== null && !/^[0-9]+$/.test(limitText)) {
      throw new BadRequest([{ message: '"limit" with value "' + limitText + '" fails to match the required pattern: /^[0-9]+$/', path: 'limit' }]);
    }
    const size = Math.min(maxContractsPage, Math.max(1, limitText === null ? defaultLimit : Number(limitText)));
    const sortBy = q.get('sort_by');
    if (sortBy !== null && !(contractSorts as readonly string[]).includes(sortBy)) {
      throw new BadRequest([{ message: `"sort_by" must be one of [${contractSorts.join(', ')}]`, path: 'sort_by' }]);
    }
    const statuses = enumList(q, 'statuses', contractStatuses);
    const types = enumList(q, 'types', contractTypes);
    const order = directionParam(q, 'order_direction', sortBy === null ? 'desc' : 'asc');
    const entries = this.views.contracts({ sortBy: sortBy as ContractSort | null, order, statuses, types });
    const after = q.get('after_cursor');
    const start = after === null || after === '' ? 0 : positionAfter(entries, decodeCursor(after), order);
    const page = entries.slice(start, start + size);
    const last = page.at(-1);
    return {
      status: 200,
      body: {
        data: page.map((e) => contract(this.world, this.store, e.c)),
        // Deel marks `page.cursor` required; it points after the last item of the page.
        page: { cursor: last ? encodeCursor(last) : '', total_rows: entries.length },
      },
    };
  }

  private onePerson(req: SandboxRequest, id: string, requestId: string): SandboxResponse {
    // A scan: ids are hashes of the index, and single reads are rare next to list pages.
    for (let k = 0; k < this.store.personIndexes; k++) {
      if (this.world.personId(k) === id) {
        return this.store.personExists(k) ? { status: 200, body: { data: person(this.world, this.store, k) } } : notFound(req, requestId, 'Person');
      }
    }
    return notFound(req, requestId, 'Person');
  }

  private oneContract(req: SandboxRequest, id: string, requestId: string): SandboxResponse {
    for (let c = 0; c < this.store.contractIndexes; c++) {
      if (this.world.contractId(c) === id) {
        return this.store.contractExists(c) ? { status: 200, body: { data: contract(this.world, this.store, c) } } : notFound(req, requestId, 'Contract');
      }
    }
    return notFound(req, requestId, 'Contract');
  }
}

function notFound(req: SandboxRequest, requestId: string, what: string): SandboxResponse {
  return apiError(req, 404, requestId, [{ message: `${what} not found` }]);
}

function integerParam(q: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const text = q.get(name);
  if (text === null || text === '') return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new BadRequest([{ message: `"${name}" must be an integer from ${min} to ${max}`, path: name }]);
  }
  return value;
}

function directionParam(q: URLSearchParams, name: string, fallback: 'asc' | 'desc'): 'asc' | 'desc' {
  const value = q.get(name);
  if (value === null || value === '') return fallback;
  if (value !== 'asc' && value !== 'desc') throw new BadRequest([{ message: `"${name}" must be one of [asc, desc]`, path: name }]);
  return value;
}

/** Deel's array parameters are repeated (`statuses=new&statuses=completed`); comma lists are read too. */
function listParam(q: URLSearchParams, name: string): string[] {
  return [...q.getAll(name), ...q.getAll(`${name}[]`)].flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
}

function enumList(q: URLSearchParams, name: string, allowed: readonly string[]): string[] {
  const values = listParam(q, name);
  const bad = values.find((v) => !allowed.includes(v));
  if (bad !== undefined) throw new BadRequest([{ message: `"${name}[]" must be one of [${allowed.join(', ')}]`, path: name }]);
  return values;
}

function encodeCursor(entry: ContractEntry): string {
  return Buffer.from(JSON.stringify([entry.key, entry.c])).toString('base64url');
}

function decodeCursor(text: string): ContractEntry {
  try {
    const value = JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(value) && value.length === 2 && (typeof value[0] === 'string' || typeof value[0] === 'number') && Number.isInteger(value[1])) {
      return { key: value[0], c: value[1] as number };
    }
  } catch {
    // falls through to the refusal
  }
  throw new BadRequest([{ message: 'Invalid cursor', path: 'after_cursor' }]);
}
