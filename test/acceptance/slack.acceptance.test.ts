import { createSlackSandbox, SLACK_SANDBOX_CLIENT_ID, SLACK_SANDBOX_CLIENT_SECRET } from '../../src/connectors/slack/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'xoxb-1000000000001-2000000000003-AcceptanceToken0123456';

/**
 * The sandbox enforces no rate tier unless asked, and the connector's pace is unit-tested; at the manifest's pace
 * every request past the burst would wait (Slack 1.25 s, Deel 0.25 s), which is most of this suite's time. The
 * connection's own `requests_per_second` setting lifts it, as an operator would for a higher plan.
 */
const testPace = { requests_per_second: 25 };

defineAcceptanceSuite({
  connector: 'slack',
  async startSandbox(options) {
    const sandbox = await createSlackSandbox({ port: 0, records: 300, seed: options?.seed ?? 23, token: TOKEN });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: SLACK_SANDBOX_CLIENT_ID,
    clientSecret: SLACK_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: `${sandbox.url}/api`,
      ...testPace,
      authorization_url: `${sandbox.url}/oauth/v2/authorize`,
      token_url: `${sandbox.url}/api/oauth.v2.access`,
      revocation_url: `${sandbox.url}/api/auth.revoke`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: `${sandbox.url}/api`, ...testPace } }),
    bad: (sandbox) => ({ fields: { token: 'xoxb-1000000000001-2000000000003-NotTheRightToken0000' }, config: { base_url: `${sandbox.url}/api`, ...testPace } }),
    badMessage: /invalid_auth/,
  },
  mainStream: 'messages',
  change: { create: 4, update: 6, delete: 3 },
  // conversations.history has no tombstones: a deleted message is simply gone (message_deleted is an Events API event).
  deletions: 'vanish',
});
