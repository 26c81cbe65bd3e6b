import type { SandboxHandle, SandboxOptions, StreamSpecInput } from '../../kit/index.js';
import { createSimulator, SandboxClock, isoSeconds, oauthOverrides, type RecordStore, type StatsSnapshot } from '../../kit/sandbox/index.js';
import { manifest } from '../manifest.js';
import { messagesSpec } from '../streams.js';
import { DeltaRounds } from './delta.js';
import { DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, IdentityPlatform } from './identity.js';
import { Mailbox } from './mailbox.js';
import { graphErrorBody, graphFault, graphFinish } from './responses.js';
import { graphRoutes } from './routes.js';
import { calendarWindow, folders, MailboxWorld, type MailFolder } from './world.js';

export { DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET };

/** Accepted when no token is given; printed by `tributary sandbox microsoft`. JWT-shaped, as Graph's tokens are. */
export const DEFAULT_MICROSOFT_SANDBOX_TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJzYW5kYm94IjoidHJpYnV0YXJ5In0.sandbox-static-token';

export interface MicrosoftSandboxOptions extends SandboxOptions {
  clientId?: string;
  clientSecret?: string;
  /** Requests per 10 minutes (default 10,000, the Outlook service's limit per mailbox). */
  rateLimit?: number;
  /** Answer 429 once the budget is spent. Default false: the window restarts. */
  enforceRateLimit?: boolean;
  /** Delta tokens the sandbox remembers before the oldest ones expire (default 1,000). */
  deltaTokenCapacity?: number;
}

/** What `GET /_sandbox/info` returns. */
export interface MicrosoftSandboxInfo {
  provider: 'microsoft';
  seed: number;
  user: { id: string; userPrincipalName: string; displayName: string };
  /** The change clock: the `lastModifiedDateTime` of the latest change (or just after the seeded data). */
  clock: string;
  counts: { events: number; messages: number };
  folders: Record<MailFolder, { id: string; messages: number }>;
  /** A calendar view window holding every event of the sandbox. */
  calendar_window: { start: string; end: string };
}

export interface MicrosoftSandboxHandle extends SandboxHandle {
  oauth: NonNullable<SandboxHandle['oauth']>;
  connectConfig: Record<string, unknown>;
  info(): MicrosoftSandboxInfo;
  stats(): StatsSnapshot;
  /** Forgets every delta token issued so far, so the next delta request gets `410 syncStateNotFound`; how many. */
  expireDeltaTokens(): number;
}

/**
 * How the sandbox serves the hand-written `events` stream: Graph's calendar view delta, described as the
 * connector's `messages` stream is (the router serves both; the descriptions give the kit's stores their records
 * and keep deleted items for delta rounds to report).
 */
const eventsSpec: StreamSpecInput = {
  requester: { path: '/me/calendarView/delta' },
  records: { path: 'value' },
  paginator: { type: 'next_url', next: '@odata.nextLink' },
  incremental: { type: 'token', from: '@odata.deltaLink', as: 'url' },
  deletions: { type: 'flag', when: { path: '@removed', exists: true } },
};

/** Four in five messages are in the Inbox, the rest in Sent Items (the store spreads records over these in turn). */
const messageFolders: MailFolder[] = ['inbox', 'inbox', 'inbox', 'inbox', 'sentitems'];

/**
 * Starts the Microsoft Graph simulator on the kit's simulator: one mailbox with `records` calendar events and
 * `records` messages in the kit's stores, plus the identity platform's authorize and token endpoints; Graph's
 * paths, delta rounds, error bodies, OData headers and throttling as overrides and hooks.
 *
 * @example
 * const sandbox = await createMicrosoftSandbox({ port: 0, records: 1000, seed: 42 });
 * const me = await fetch(`${sandbox.url}/v1.0/me`, { headers: { authorization: `Bearer ${sandbox.token}` } });
 * await sandbox.close();
 */
export async function createMicrosoftSandbox(options: MicrosoftSandboxOptions): Promise<MicrosoftSandboxHandle> {
  const world = new MailboxWorld(options.seed);
  const records = Math.max(0, Math.floor(options.records));
  const mailbox = new Mailbox(world, records);
  // Changes come an hour after the anchor, later than all seeded data; one batch shares one moment.
  const clock = new SandboxClock(world.anchor + 3600, 60);
  const oauth = new IdentityPlatform(options.clientId ?? DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID, options.clientSecret ?? DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET, options.seed);
  const delta = new DeltaRounds(mailbox, options.deltaTokenCapacity ?? 1000);
  // Set once the simulator runs; `/_sandbox/info` is only asked after that.
  let messages: RecordStore | undefined;
  const window = calendarWindow(world.anchor);
  const sandbox = await createSimulator({
    manifest,
    streams: { events: eventsSpec, messages: messagesSpec },
    provider: {
      name: 'microsoft',
      oauth,
      errorBody: graphErrorBody,
      fault: graphFault,
      finish: graphFinish(options.seed),
      rateLimit: { limit: options.rateLimit ?? 10_000, windowSeconds: 600, headers: false },
      partitions: { messages: messageFolders },
      // Exchange-style item ids, the stores' keys: a function of the index, so no record is made to know one.
      keys: { events: (index) => world.itemId('event', index), messages: (index) => world.itemId('message', index) },
      overrides: { graph: graphRoutes(world, delta) },
      changes: (change, ctx) => {
        const store = ctx.store(change.stream);
        if (change.create + change.update + change.delete === 0) return { modified_at: null, created: [], updated: [], deleted: [] };
        const { at, result } = clock.batch(() => store.apply(change));
        return { modified_at: isoSeconds(at), ...result };
      },
      info: () => ({
        user: { id: world.owner.id, userPrincipalName: world.owner.address, displayName: world.owner.name },
        folders: Object.fromEntries(folders.map((f) => [f, { id: world.folderId(f), messages: messages!.liveCount(f) }])),
        calendar_window: window,
      }),
    },
    options: {
      port: options.port,
      records,
      seed: options.seed,
      token: options.token ?? DEFAULT_MICROSOFT_SANDBOX_TOKEN,
      ...(options.host === undefined ? {} : { host: options.host }),
      clock,
      enforceRateLimit: options.enforceRateLimit ?? false,
      // The budget's window is ten minutes of real time; the sandbox clock only moves with changes.
      nowMs: Date.now,
    },
  });
  messages = sandbox.store('messages');
  const endpoints = sandbox.oauth!;
  return {
    url: sandbox.url,
    port: sandbox.port,
    token: sandbox.token,
    oauth: endpoints,
    connectConfig: {
      base_url: sandbox.apiUrl,
      tenant: 'common',
      calendar_start: window.start,
      calendar_end: window.end,
      mail_folders: 'inbox, sentitems',
      ...oauthOverrides(endpoints),
    },
    info: () => sandbox.info() as unknown as MicrosoftSandboxInfo,
    stats: () => sandbox.stats(),
    expireDeltaTokens: () => delta.expireTokens(),
    close: () => sandbox.close(),
  };
}
