import {
  type ActiveFault,
  basicOf,
  bearerOf,
  type ChangeRequest,
  formOf,
  RateLimitWindow,
  type SandboxProvider,
  type SandboxRequest,
  type SandboxResponse,
} from '../../kit/sandbox/index.js';
import type { StoredEvent } from './events.js';
import { baseName, isResponse, pageOf, readListParams } from './list-params.js';
import { commonHeaders, faultResponse, messages, stripeError } from './responses.js';
import { StripeStore, streamNames, type ChangeResult, type StreamName } from './store.js';
import { Webhooks, type Delivery } from './webhooks.js';

/**
 * The simulated Stripe API: authentication, routing, lists, events and webhook endpoints, all computed from the
 * store on each request.
 */
export interface StripeApiOptions {
  seed: number;
  records: number;
  /** The shared business world's seed (see the sandbox kit's `businessWorld`). */
  world?: number;
  token: string;
  /** The account's default API version: used when a request sends no `Stripe-Version`, and to render events. */
  accountApiVersion: string;
  /** Requests a second before a 429 (Stripe: 25 in test mode, 100 live). Unset: never limited. */
  requestsPerSecond?: number;
}

export interface StripeSandboxInfo {
  provider: 'stripe';
  seed: number;
  account_api_version: string;
  /** Live objects per stream: what a full read returns. */
  counts: Record<StreamName, number>;
  /** Events still kept (30 days). */
  events: number;
  webhook_endpoints: { id: string; url: string; enabled_events: string[] }[];
  /** The last deliveries, newest last. */
  webhook_deliveries: Delivery[];
}

const versionPattern = /^\d{4}-\d{2}-\d{2}(\.[a-z]+)?$/;
const listExtras: Record<StreamName, string[]> = {
  customers: ['email', 'test_clock'],
  invoices: ['customer', 'status', 'subscription', 'collection_method', 'due_date', 'test_clock'],
  charges: ['customer', 'payment_intent', 'transfer_group'],
  subscriptions: ['customer', 'status', 'price', 'collection_method', 'current_period_end', 'current_period_start', 'test_clock', 'automatic_tax'],
};
const objectNames: Record<StreamName, string> = { customers: 'customer', invoices: 'invoice', charges: 'charge', subscriptions: 'subscription' };

export class StripeApi implements SandboxProvider {
  readonly store: StripeStore;
  readonly webhooks: Webhooks;
  private readonly limiter: RateLimitWindow | null;

  constructor(private readonly options: StripeApiOptions) {
    this.store = new StripeStore(options.seed, options.records, options.accountApiVersion, options.world);
    this.webhooks = new Webhooks(options.seed, this.store.events);
    this.store.onEvent = (event) => this.webhooks.deliver(event);
    this.limiter = options.requestsPerSecond ? new RateLimitWindow(options.requestsPerSecond, 1, true) : null;
  }

  handle(req: SandboxRequest): SandboxResponse {
    const requestId = this.store.nextRequestId();
    const requested = req.headers['stripe-version'];
    const version = typeof requested === 'string' && requested !== '' ? requested : this.options.accountApiVersion;
    const headers = commonHeaders(requestId, version);
    const answer = (response: SandboxResponse): SandboxResponse => ({ ...response, headers: { ...headers, ...response.headers } });

    const key = bearerOf(req) ?? basicOf(req)?.username ?? null;
    if (key === null || key === '') return answer(stripeError({ status: 401, message: messages.missingKey }));
    if (key !== this.options.token) {
      const message = key.startsWith('pk_') ? messages.publishableKey : messages.invalidKey(key);
      return answer(stripeError({ status: 401, message }));
    }
    if (!versionPattern.test(version)) {
      return answer(stripeError({ status: 400, message: `Invalid Stripe API version: ${version}` }));
    }
    if (this.limiter?.hit().exhausted) {
      return answer(stripeError({ status: 429, code: 'rate_limit', message: messages.rateLimit }, { 'stripe-should-retry': 'true', 'stripe-rate-limited-reason': 'global-rate' }));
    }
    return answer(this.route(req));
  }

  renderFault(fault: ActiveFault): SandboxResponse {
    return faultResponse(fault, this.store.nextRequestId(), this.options.accountApiVersion);
  }

  applyChanges(change: ChangeRequest): ChangeResult {
    return this.store.applyChanges(change);
  }

  info(): StripeSandboxInfo {
    return {
      provider: 'stripe',
      seed: this.options.seed,
      account_api_version: this.options.accountApiVersion,
      counts: this.store.counts(),
      events: this.store.events.size,
      webhook_endpoints: this.webhooks.list().map((e) => ({ id: e.id, url: e.url, enabled_events: e.enabled_events })),
      webhook_deliveries: this.webhooks.deliveries.slice(-20),
    };
  }

  private route(req: SandboxRequest): SandboxResponse {
    const parts = req.url.pathname.split('/').filter((p) => p !== '').map((p) => decodeURIComponent(p));
    const unrecognized = stripeError({ status: 404, message: messages.unrecognized(req.method, req.url.pathname) });
    if (parts[0] !== 'v1' || parts.length < 2 || parts.length > 3) return unrecognized;
    const [, collection, id] = parts as [string, string, string | undefined];
    const stream = streamNames.find((s) => s === collection);
    if (stream && req.method === 'GET') return id === undefined ? this.list(stream, req.url.searchParams) : this.retrieve(stream, id);
    if (collection === 'events' && req.method === 'GET') return id === undefined ? this.listEvents(req.url.searchParams) : this.retrieveEvent(id);
    if (collection === 'webhook_endpoints') return this.webhookEndpoints(req, id);
    return unrecognized;
  }

  private list(stream: StreamName, params: URLSearchParams): SandboxResponse {
    const parsed = readListParams(params, listExtras[stream]);
    if (isResponse(parsed)) return parsed;
    const items = this.store.collection(stream);
    const codec = this.store.codec(stream);
    const name = objectNames[stream];
    const anchor = (id: string, param: string): number | SandboxResponse => {
      const index = codec.decode(id);
      if (index === null || !items.has(index)) {
        return stripeError({ status: 400, code: 'resource_missing', message: `No such ${name}: '${id}'`, param });
      }
      return index;
    };
    let bottom = Math.max(0, items.countCreatedUpTo(parsed.createdFrom - 1));
    let top = Math.min(items.total, items.countCreatedUpTo(parsed.createdTo)) - 1;
    let direction: 'down' | 'up' = 'down';
    if (parsed.startingAfter !== null) {
      const index = anchor(parsed.startingAfter, 'starting_after');
      if (typeof index !== 'number') return index;
      top = Math.min(top, index - 1);
    } else if (parsed.endingBefore !== null) {
      const index = anchor(parsed.endingBefore, 'ending_before');
      if (typeof index !== 'number') return index;
      bottom = Math.max(bottom, index + 1);
      direction = 'up';
    }
    const filter = this.filterFor(stream, params);
    if (isResponse(filter)) return filter;
    const page = pageOf(bottom, top, parsed.limit, direction, (i) => items.exists(i) && filter(i));
    return {
      status: 200,
      body: { object: 'list', data: page.items.map((i) => this.store.render(stream, i)), has_more: page.hasMore, url: `/v1/${stream}` },
    };
  }

  /** The list filters the sandbox understands beyond paging and `created`; other known ones are accepted and ignored. */
  private filterFor(stream: StreamName, params: URLSearchParams): ((i: number) => boolean) | SandboxResponse {
    const tests: ((i: number) => boolean)[] = [];
    const customerParam = params.get('customer');
    if (customerParam !== null && stream !== 'customers') {
      const customer = this.store.ids.customer.decode(customerParam);
      const owner = (i: number): number =>
        stream === 'invoices' ? this.store.invoiceFacts(i).customer : stream === 'charges' ? this.store.chargeFacts(i).customer : this.store.subscriptionFacts(i).customer;
      tests.push((i) => customer !== null && owner(i) === customer);
    }
    const email = params.get('email');
    if (email !== null && stream === 'customers') tests.push((i) => this.store.render('customers', i)['email'] === email);
    const status = params.get('status');
    if (stream === 'subscriptions') {
      const allowed = ['active', 'all', 'canceled', 'ended', 'incomplete', 'incomplete_expired', 'past_due', 'paused', 'trialing', 'unpaid'];
      if (status !== null && !allowed.includes(status)) {
        return stripeError({ status: 400, code: 'parameter_invalid_string', message: `Invalid status: must be one of ${allowed.join(', ')}`, param: 'status' });
      }
      // Without a status, canceled subscriptions are left out.
      const wanted = status ?? 'not_canceled';
      if (wanted !== 'all') {
        tests.push((i) => {
          const actual = this.store.subscriptionFacts(i).status;
          if (wanted === 'not_canceled') return actual !== 'canceled';
          if (wanted === 'ended') return actual === 'canceled';
          return actual === wanted;
        });
      }
    } else if (stream === 'invoices' && status !== null) {
      const allowed = ['draft', 'open', 'paid', 'uncollectible', 'void'];
      if (!allowed.includes(status)) {
        return stripeError({ status: 400, code: 'parameter_invalid_string', message: `Invalid status: must be one of ${allowed.join(', ')}`, param: 'status' });
      }
      tests.push((i) => this.store.invoiceFacts(i).status === status);
    }
    return (i) => tests.every((test) => test(i));
  }

  private retrieve(stream: StreamName, id: string): SandboxResponse {
    const items = this.store.collection(stream);
    const index = this.store.codec(stream).decode(id);
    if (index !== null && items.exists(index)) return { status: 200, body: this.store.render(stream, index) };
    // Stripe still answers for a deleted customer, with a stub.
    if (stream === 'customers' && index !== null && items.has(index)) return { status: 200, body: { id, object: 'customer', deleted: true } };
    return stripeError({ status: 404, code: 'resource_missing', message: `No such ${objectNames[stream]}: '${id}'`, param: 'id' });
  }

  private listEvents(params: URLSearchParams): SandboxResponse {
    const parsed = readListParams(params, ['type', 'types', 'delivery_success']);
    if (isResponse(parsed)) return parsed;
    const type = params.get('type');
    const types = [...params.entries()].filter(([key]) => baseName(key) === 'types').map(([, value]) => value);
    if (type !== null && types.length > 0) {
      return stripeError({ status: 400, message: 'You may pass either `type` or `types`, but not both.', param: 'types' });
    }
    if (types.length > 20) return stripeError({ status: 400, message: 'You may pass at most 20 types.', param: 'types' });
    const pattern = type === null ? null : new RegExp(`^${type.split('*').map(escapeRegExp).join('.*')}$`);
    const now = this.store.now();
    const matches = (e: StoredEvent) =>
      e.created >= parsed.createdFrom && e.created <= parsed.createdTo && (pattern === null || pattern.test(e.type)) && (types.length === 0 || types.includes(e.type));
    // The kept events, newest first; the log only grows through changes, so this stays small.
    const kept = [...this.store.events.newestFirst(now)];
    let slice = kept;
    let direction: 'down' | 'up' = 'down';
    for (const [param, value] of [['starting_after', parsed.startingAfter], ['ending_before', parsed.endingBefore]] as const) {
      if (value === null) continue;
      const anchor = this.store.events.find(value, now);
      if (!anchor) return stripeError({ status: 400, code: 'resource_missing', message: `No such event: '${value}'`, param });
      const at = kept.indexOf(anchor);
      slice = param === 'starting_after' ? kept.slice(at + 1) : kept.slice(0, at);
      direction = param === 'starting_after' ? 'down' : 'up';
    }
    // pageOf walks positions: position p is slice[slice.length - 1 - p] (oldest at 0).
    const at = (p: number) => slice[slice.length - 1 - p]!;
    const page = pageOf(0, slice.length - 1, parsed.limit, direction, (p) => matches(at(p)));
    return {
      status: 200,
      body: { object: 'list', data: page.items.map((p) => this.store.events.render(at(p))), has_more: page.hasMore, url: '/v1/events' },
    };
  }

  private retrieveEvent(id: string): SandboxResponse {
    const event = this.store.events.find(id, this.store.now());
    if (!event) return stripeError({ status: 404, code: 'resource_missing', message: `No such event: '${id}'`, param: 'id' });
    return { status: 200, body: this.store.events.render(event) };
  }

  /** Create, list, retrieve and delete webhook endpoints: how a user points the sandbox's deliveries somewhere. */
  private webhookEndpoints(req: SandboxRequest, id: string | undefined): SandboxResponse {
    const render = (e: { id: string; url: string; enabled_events: string[]; created: number; description: string | null }, secret?: string) => ({
      id: e.id,
      object: 'webhook_endpoint',
      api_version: null,
      application: null,
      created: e.created,
      description: e.description,
      enabled_events: e.enabled_events,
      livemode: false,
      metadata: {},
      ...(secret === undefined ? {} : { secret }),
      status: 'enabled',
      url: e.url,
    });
    if (id === undefined && req.method === 'POST') {
      const form = formOf(req);
      const url = form.get('url');
      if (!url) return stripeError({ status: 400, code: 'parameter_missing', message: 'Missing required param: url.', param: 'url' });
      try {
        new URL(url);
      } catch {
        return stripeError({ status: 400, code: 'url_invalid', message: 'Invalid URL: URL must be publicly accessible.', param: 'url' });
      }
      const events = [...form.entries()].filter(([key]) => baseName(key) === 'enabled_events').map(([, value]) => value);
      if (events.length === 0) return stripeError({ status: 400, code: 'parameter_missing', message: 'Missing required param: enabled_events.', param: 'enabled_events' });
      const endpoint = this.webhooks.add(url, events, this.store.now(), undefined, form.get('description'));
      return { status: 200, body: render(endpoint, endpoint.secret) };
    }
    if (id === undefined && req.method === 'GET') {
      return { status: 200, body: { object: 'list', data: this.webhooks.list().map((e) => render(e)), has_more: false, url: '/v1/webhook_endpoints' } };
    }
    const endpoint = id === undefined ? null : this.webhooks.find(id);
    if (id !== undefined && !endpoint) {
      return stripeError({ status: 404, code: 'resource_missing', message: `No such webhook endpoint: '${id}'`, param: 'id' });
    }
    if (endpoint && req.method === 'GET') return { status: 200, body: render(endpoint) };
    if (endpoint && req.method === 'DELETE') {
      this.webhooks.remove(endpoint.id);
      return { status: 200, body: { id: endpoint.id, object: 'webhook_endpoint', deleted: true } };
    }
    return stripeError({ status: 404, message: messages.unrecognized(req.method, req.url.pathname) });
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
