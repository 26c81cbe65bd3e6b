import {
  createGoogleCalendarSandbox,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID,
  DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET,
} from '../../src/connectors/google_calendar/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'ya29.acceptance-token-0123456789abcdef';

defineAcceptanceSuite({
  connector: 'google_calendar',
  async startSandbox(options) {
    const sandbox = await createGoogleCalendarSandbox({ port: 0, records: 240, seed: options?.seed ?? 23, token: TOKEN });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_ID,
    clientSecret: DEFAULT_GOOGLE_CALENDAR_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: sandbox.url,
      authorization_url: `${sandbox.url}/o/oauth2/v2/auth`,
      token_url: `${sandbox.url}/token`,
      revocation_url: `${sandbox.url}/revoke`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: sandbox.url } }),
    bad: (sandbox) => ({ fields: { token: 'ya29.not-the-right-token-000000' }, config: { base_url: sandbox.url } }),
    badMessage: /Invalid Credentials|invalid authentication credentials/,
  },
  mainStream: 'events',
  change: { create: 4, update: 6, delete: 3 },
  // Google reports a deleted event to the next sync-token read as a `status: "cancelled"` event.
  deletions: 'reported',
});
