import type { JsonRecord, SandboxOptions } from '../../kit/index.js';
import { createSimulator, isoSeconds, SandboxOAuth, type SimulatorHandle, type SimulatorOverride } from '../../kit/sandbox/index.js';
import { manifest } from '../manifest.js';
import { specs } from '../streams.js';

/** The admin the sandbox's API token belongs to: the `email` field of a connection to it. */
export const ZENDESK_SANDBOX_EMAIL = 'admin@sandbox.zendesk.test';
/** The sandbox's OAuth client; `tributary sandbox zendesk` prints them. */
export const ZENDESK_SANDBOX_CLIENT_ID = 'zendesk_sandbox_client';
export const ZENDESK_SANDBOX_CLIENT_SECRET = 'zendesk_sandbox_client_secret_0000000000000000';

const statuses = ['new', 'open', 'pending', 'hold', 'solved', 'closed'];
const maxPage = 1000;

/**
 * Zendesk's incremental exports as the generic simulator cannot guess them: one `cursor` parameter for the next
 * page and the next export alike (every page names `after_cursor`), and the time-based export's `start_time` /
 * `end_time`. `start_time` is required, in Unix seconds, and at least a minute old (by the real clock: the
 * sandbox's own only moves with changes).
 */
function exportRoute(stream: 'tickets' | 'users' | 'organizations'): SimulatorOverride {
  const path = stream === 'organizations' ? '/incremental/organizations' : `/incremental/${stream}/cursor`;
  return (req, ctx) => {
    if (req.method !== 'GET' || req.url.pathname.replace(/\.json$/, '') !== ctx.basePath + path) return undefined;
    const store = ctx.store(stream);
    const q = req.url.searchParams;
    const size = Math.min(Number(q.get('per_page') ?? maxPage) || maxPage, maxPage);
    const cursor = q.get('cursor');
    const after = cursor === null || stream === 'organizations' ? null : store.readPosition(cursor);
    if (cursor !== null && after === null && stream !== 'organizations') return ctx.error(422, 'invalid_cursor', 'Invalid cursor');
    const start = Number(q.get('start_time'));
    if (after === null && !/^\d+$/.test(q.get('start_time') ?? '')) return ctx.error(400, 'bad_request', 'start_time is required, in Unix seconds');
    if (after === null && start > Date.now() / 1000 - 60) return ctx.error(422, 'bad_request', 'Too recent start_time: use one at least a minute old');
    const items = store.list(after === null ? { since: start, deleted: 'include' } : { afterSeq: after, deleted: 'include' });
    const page = items.slice(0, size);
    const last = items.length <= size;
    const records = page.map((e): JsonRecord => ({ ...e.record, updated_at: isoSeconds(e.at) }));
    if (stream === 'organizations') {
      const end = page.at(-1)?.at ?? start;
      const next = `${req.origin}${req.url.pathname}?start_time=${end}`;
      return { status: 200, body: { organizations: records, count: records.length, end_time: end, next_page: next, end_of_stream: last } };
    }
    const position = store.positionToken(page.at(-1)?.seq ?? after ?? store.reached);
    const afterUrl = `${req.origin}${req.url.pathname}?cursor=${position}`;
    return { status: 200, body: { [stream]: records, after_cursor: position, after_url: afterUrl, before_cursor: null, before_url: null, end_of_stream: last } };
  };
}

/**
 * Starts the Zendesk Support simulator: `records` tickets, users and organizations made from the stream schemas
 * for `seed`, served under `/api/v2` with Zendesk's refusals (`{"error":"Couldn't authenticate you"}`).
 *
 * @example
 * const sandbox = await createZendeskSandbox({ port: 0, records: 100, seed: 42 });
 * const auth = `Basic ${Buffer.from(`${ZENDESK_SANDBOX_EMAIL}/token:${sandbox.token}`).toString('base64')}`;
 * const res = await fetch(`${sandbox.apiUrl}/incremental/tickets/cursor?start_time=0`, { headers: { authorization: auth } });
 */
export function createZendeskSandbox(options: SandboxOptions): Promise<SimulatorHandle> {
  return createSimulator({
    manifest,
    streams: specs,
    options: { ...options, token: options.token ?? 'zendesk_sandbox_api_token_0000000000' },
    provider: {
      name: 'zendesk',
      fields: { email: ZENDESK_SANDBOX_EMAIL },
      // Zendesk's token endpoint takes JSON or form bodies, the client secret in the body.
      oauth: new SandboxOAuth({ clientId: ZENDESK_SANDBOX_CLIENT_ID, clientSecret: ZENDESK_SANDBOX_CLIENT_SECRET, paths: { authorize: '/oauth/authorizations/new', token: '/oauth/tokens' }, acceptJsonBody: true }),
      errorBody: (status, code, message) => (status === 401 ? { error: "Couldn't authenticate you" } : { error: code, description: message }),
      // A live ticket's status is never "deleted"; users get addresses, by which the CRM mapping finds contacts.
      fieldOverrides: {
        tickets: { status: ({ rng }) => rng.pick(statuses) },
        users: { email: ({ index }) => `user${index}@example.com` },
      },
      overrides: {
        me: (req, ctx) => (req.url.pathname === `${ctx.basePath}/users/me` ? { status: 200, body: { user: { id: 1, email: ZENDESK_SANDBOX_EMAIL, role: 'admin' } } } : undefined),
        tickets: exportRoute('tickets'),
        users: exportRoute('users'),
        organizations: exportRoute('organizations'),
      },
    },
  });
}
