import {
  createMicrosoftSandbox,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID,
  DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET,
  type MicrosoftSandboxHandle,
} from '../../src/connectors/microsoft/sandbox/index.js';
import { defineAcceptanceSuite, type AcceptanceSandbox } from './acceptance-kit.js';

const TOKEN = 'eyJ0eXAiOiJKV1QiLCJhbGciOiJub25lIn0.eyJhY2NlcHRhbmNlIjp0cnVlfQ.acceptance-token-0123456789';

/** Each sandbox's own connection config (Graph base URL, the window holding its events, both folders). */
const handles = new Map<string, MicrosoftSandboxHandle>();
const settings = (sandbox: AcceptanceSandbox): Record<string, unknown> => {
  const { base_url, tenant, calendar_start, calendar_end, mail_folders } = handles.get(sandbox.url)!.connectConfig;
  return { base_url, tenant, calendar_start, calendar_end, mail_folders };
};

defineAcceptanceSuite({
  connector: 'microsoft',
  async startSandbox(options) {
    const sandbox = await createMicrosoftSandbox({ port: 0, records: 200, seed: options?.seed ?? 11, token: TOKEN });
    handles.set(sandbox.url, sandbox);
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: DEFAULT_MICROSOFT_SANDBOX_CLIENT_ID,
    clientSecret: DEFAULT_MICROSOFT_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => {
      const { authorization_url, token_url } = handles.get(sandbox.url)!.connectConfig;
      return { ...settings(sandbox), authorization_url, token_url };
    },
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: settings(sandbox) }),
    bad: (sandbox) => ({ fields: { token: 'not-a-graph-token-0000000000' }, config: settings(sandbox) }),
    badMessage: /InvalidAuthenticationToken/,
  },
  mainStream: 'events',
  change: { create: 4, update: 6, delete: 3 },
  // Graph's delta rounds report deletions: `{ id, "@removed": { reason: "deleted" } }`.
  deletions: 'reported',
});
