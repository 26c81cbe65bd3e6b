import {
  type ActiveFault,
  bearerOf,
  type ChangeRequest,
  RateLimitWindow,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import { rowsPerColumn, balanceSheetTree, profitAndLossTree } from './chart.js';
import { IntuitOAuth } from './intuit-oauth.js';
import type { EntityName } from './layout.js';
import { companyInfo, customer, deletedEntity, invoice } from './objects.js';
import { parseQuery } from './query.js';
import { buildReport, periodColumns, type ReportName, type SummarizeBy } from './reports.js';
import { authenticationFault, authorizationFault, commonHeaders, fault, faultResponse, throttleFault, TransactionIds } from './responses.js';
import { QuickBooksStore, type ChangeResult } from './store.js';
import { parseQboTime, qboDate, qboTime } from './time.js';

/**
 * The simulated Accounting API of one company (realm): `/v3/company/{realmId}/query`, `/cdc`,
 * `/reports/{ProfitAndLoss|BalanceSheet}`, `/companyinfo/{realmId}` and single reads of invoices and
 * customers, behind Intuit's OAuth server. Everything is computed from the store on each request.
 */
export interface QuickBooksApiOptions {
  seed: number;
  records: number;
  /** The shared business world's seed (see the sandbox kit's `businessWorld`). */
  world?: number;
  /** A long-lived access token accepted besides the ones the OAuth server issues. */
  token: string;
  realmId: string;
  clientId: string;
  clientSecret: string;
  /** Requests a minute per realm. Default 500, as Intuit documents. */
  rateLimit?: number;
  /** Answer 429 once the minute's budget is spent, as QuickBooks does. Default true. */
  enforceRateLimit?: boolean;
}

/** What `GET /_sandbox/info` returns. */
export interface QuickBooksSandboxInfo {
  provider: 'quickbooks';
  seed: number;
  realm_id: string;
  /** The sandbox clock: the `LastUpdatedTime` of the latest change (or just after the seeded data). */
  clock: string;
  counts: { invoices: number; customers: number };
  /** Rows each report prints per period column (the report streams' records per month). */
  report_rows_per_period: { profit_and_loss: number; balance_sheet: number };
}

/** CDC answers at most this many objects per entity, and looks back at most this far. */
const cdcMaxObjects = 1000;
const cdcLookbackSeconds = 30 * 86_400;

export class QuickBooksApi implements SandboxProvider {
  readonly store: QuickBooksStore;
  readonly oauth: IntuitOAuth;
  private readonly limit: RateLimitWindow;
  private readonly tids: TransactionIds;

  constructor(private readonly options: QuickBooksApiOptions) {
    this.store = new QuickBooksStore(options.seed, options.records, options.world);
    this.oauth = new IntuitOAuth(options.clientId, options.clientSecret, options.realmId);
    this.oauth.addStaticToken(options.token);
    this.limit = new RateLimitWindow(options.rateLimit ?? 500, 60, options.enforceRateLimit ?? true);
    this.tids = new TransactionIds(options.seed);
  }

  private get now(): number {
    return this.store.clock.now();
  }

  handle(req: SandboxRequest): SandboxResponse {
    const response = this.answer(req);
    return { ...response, headers: { ...commonHeaders(this.tids.next()), ...response.headers } };
  }

  private answer(req: SandboxRequest): SandboxResponse {
    const token = bearerOf(req);
    if (!this.oauth.accepts(token)) return authenticationFault(token === null ? 'Token was missing' : 'Token invalid', this.now);
    if (this.limit.hit().exhausted) return throttleFault(this.now);
    const parts = req.url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    if (parts[0] !== 'v3' || parts[1] !== 'company' || parts.length < 4) return this.notFound(req);
    // A token belongs to the company that authorized it.
    if (parts[2] !== this.options.realmId) return authorizationFault(this.now);
    const [resource, id, extra] = parts.slice(3);
    const method = req.method;
    if (resource === 'query' && id === undefined && (method === 'GET' || method === 'POST')) {
      return this.query(method === 'POST' && req.body.trim() !== '' ? req.body : (req.url.searchParams.get('query') ?? ''));
    }
    if (method !== 'GET' || extra !== undefined) return this.notFound(req);
    if (resource === 'cdc' && id === undefined) return this.cdc(req.url.searchParams);
    if (resource === 'reports' && (id === 'ProfitAndLoss' || id === 'BalanceSheet')) return this.report(id, req.url.searchParams);
    if (resource === 'companyinfo' && id === this.options.realmId) {
      return { status: 200, body: { CompanyInfo: companyInfo(this.store, this.options.realmId), time: qboTime(this.now) } };
    }
    if ((resource === 'invoice' || resource === 'customer') && id !== undefined) return this.read(resource === 'invoice' ? 'Invoice' : 'Customer', id);
    return this.notFound(req);
  }

  renderFault(injected: ActiveFault): SandboxResponse {
    return faultResponse(injected, this.tids.next(), this.now);
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    return this.store.applyChanges(change);
  }

  info(): QuickBooksSandboxInfo {
    return {
      provider: 'quickbooks',
      seed: this.options.seed,
      realm_id: this.options.realmId,
      clock: qboTime(this.now),
      counts: { invoices: this.store.invoices.count(), customers: this.store.customers.count() },
      report_rows_per_period: { profit_and_loss: rowsPerColumn(profitAndLossTree), balance_sheet: rowsPerColumn(balanceSheetTree) },
    };
  }

  /** Records a report stream yields for a date range split by month (rows × monthly columns). */
  reportRecords(stream: 'profit_and_loss' | 'balance_sheet', start: string, end: string): number {
    const rows = this.info().report_rows_per_period[stream];
    return rows * periodColumns(start, end, 'Month').length;
  }

  private render(entity: EntityName, k: number): Record<string, unknown> {
    return entity === 'Invoice' ? invoice(this.store, k) : customer(this.store, k);
  }

  private notFound(req: SandboxRequest): SandboxResponse {
    return fault(404, 'ValidationFault', { message: 'Unsupported Operation', detail: `Operation ${req.method} ${req.url.pathname} is not supported.`, code: '500' }, this.now);
  }

  private read(entity: EntityName, id: string): SandboxResponse {
    const k = this.store.table(entity).byId(id);
    if (k === null) {
      return fault(400, 'ValidationFault', { message: 'Object Not Found', detail: `Object Not Found : Something you're trying to use has been made inactive or deleted. Check ${entity} ${id}.`, code: '610' }, this.now);
    }
    return { status: 200, body: { [entity]: this.render(entity, k), time: qboTime(this.now) } };
  }

  private query(text: string): SandboxResponse {
    const parsed = parseQuery(text);
    if ('code' in parsed) return fault(400, 'ValidationFault', { message: parsed.message, detail: parsed.detail, code: parsed.code }, this.now);
    if (parsed.entity === 'Invoice' && parsed.active !== null) {
      return fault(400, 'ValidationFault', { message: 'Invalid query', detail: 'QueryValidationError: property Active is not queryable for Invoice', code: '4001' }, this.now);
    }
    const table = this.store.table(parsed.entity);
    const sequence = table.list(parsed.range, parsed.active ?? (parsed.entity === 'Customer' ? 'active' : 'all'));
    const time = qboTime(this.now);
    if (parsed.count) return { status: 200, body: { QueryResponse: { totalCount: sequence.length }, time } };
    const out: Record<string, unknown>[] = [];
    const first = parsed.startPosition - 1;
    for (let i = first; i < Math.min(sequence.length, first + parsed.maxResults); i++) {
      const at = parsed.direction === 'asc' ? i : sequence.length - 1 - i;
      out.push(this.render(parsed.entity, sequence.at(at)));
    }
    // An empty result is an empty QueryResponse: no entity key, no positions.
    if (out.length === 0) return { status: 200, body: { QueryResponse: {}, time } };
    return { status: 200, body: { QueryResponse: { [parsed.entity]: out, startPosition: parsed.startPosition, maxResults: out.length }, time } };
  }

  private cdc(params: URLSearchParams): SandboxResponse {
    const names = (params.get('entities') ?? '').split(',').map((e) => e.trim()).filter((e) => e !== '');
    const changedSince = params.get('changedSince');
    if (names.length === 0 || !changedSince) {
      return fault(400, 'ValidationFault', { message: 'Missing required parameter', detail: 'entities and changedSince are required.', code: '2020' }, this.now);
    }
    const since = parseQboTime(changedSince);
    if (since === null) {
      return fault(400, 'ValidationFault', { message: 'Invalid date', detail: `changedSince ${changedSince} is not a date-time.`, code: '2040' }, this.now);
    }
    if (since < this.now - cdcLookbackSeconds) {
      const detail = `Operation cdc with changedSince date ${changedSince} which is older than fixed days is not supported.`;
      return fault(400, 'ValidationFault', { message: 'Invalid changedSince', detail, code: '2040' }, this.now);
    }
    const blocks: Record<string, unknown>[] = [];
    for (const name of names) {
      const entity = name.toLowerCase() === 'invoice' ? 'Invoice' : name.toLowerCase() === 'customer' ? 'Customer' : null;
      if (!entity) {
        return fault(400, 'ValidationFault', { message: 'Invalid entity', detail: `The sandbox reports changes of Invoice and Customer, not ${name}.`, code: '2010' }, this.now);
      }
      const table = this.store.table(entity);
      const range = { from: Math.ceil(since), to: null };
      const live = table.list(range, 'all');
      const changed: { at: number; render: () => Record<string, unknown> }[] = [];
      for (let i = 0; i < Math.min(live.length, cdcMaxObjects); i++) {
        const k = live.at(i);
        changed.push({ at: table.updatedAt(k), render: () => this.render(entity, k) });
      }
      for (const { k, at } of table.deletions(range)) changed.push({ at, render: () => deletedEntity(String(k + 1), at) });
      changed.sort((a, b) => a.at - b.at);
      const objects = changed.slice(0, cdcMaxObjects).map((c) => c.render());
      blocks.push(objects.length === 0 ? {} : { [entity]: objects, startPosition: 1, maxResults: objects.length, totalCount: objects.length });
    }
    return { status: 200, body: { CDCResponse: [{ QueryResponse: blocks }], time: qboTime(this.now) } };
  }

  private report(report: ReportName, params: URLSearchParams): SandboxResponse {
    const today = qboDate(this.now);
    // Without dates QuickBooks reports "this fiscal year to date" (the fiscal year starts in January here).
    const start = params.get('start_date') ?? `${today.slice(0, 4)}-01-01`;
    const end = params.get('end_date') ?? today;
    const isDate = (d: string) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`));
    if (!isDate(start) || !isDate(end) || start > end) {
      return fault(400, 'ValidationFault', { message: 'Invalid date range', detail: `start_date ${start} and end_date ${end} must be YYYY-MM-DD, start first.`, code: '2040' }, this.now);
    }
    const summarize = params.get('summarize_column_by') ?? 'Total';
    const allowed: SummarizeBy[] = ['Total', 'Month', 'Quarter', 'Year'];
    if (!allowed.includes(summarize as SummarizeBy)) {
      return fault(400, 'ValidationFault', { message: 'Invalid summarize_column_by', detail: `The sandbox summarizes by ${allowed.join(', ')}, not ${summarize}.`, code: '2010' }, this.now);
    }
    const basis = params.get('accounting_method') === 'Cash' ? 'Cash' : 'Accrual';
    return { status: 200, body: buildReport(this.options.seed, { report, start, end, summarizeBy: summarize as SummarizeBy, basis }, this.now) };
  }
}
