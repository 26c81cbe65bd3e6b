import { createDeelSandbox, DEEL_SANDBOX_CLIENT_ID, DEEL_SANDBOX_CLIENT_SECRET } from '../../src/connectors/deel/sandbox/index.js';
import { defineAcceptanceSuite, type AcceptanceSandbox } from './acceptance-kit.js';

const TOKEN = 'deel_acceptance_org_token_0123456789abcdef';

/** The kit's sandbox URL is the server (control and OAuth endpoints at its root); Deel's API is under /rest/v2. */
const apiOf = (sandbox: AcceptanceSandbox) => `${sandbox.url}/rest/v2`;

/**
 * The sandbox enforces no rate tier unless asked, and the connector's pace is unit-tested; at the manifest's pace
 * every request past the burst would wait (Slack 1.25 s, Deel 0.25 s), which is most of this suite's time. The
 * connection's own `requests_per_second` setting lifts it, as an operator would for a higher plan.
 */
const testPace = { requests_per_second: 25 };

defineAcceptanceSuite({
  connector: 'deel',
  async startSandbox(options) {
    const sandbox = await createDeelSandbox({ port: 0, records: 190, seed: options?.seed ?? 23, token: TOKEN });
    return {
      url: sandbox.url,
      token: sandbox.token,
      counts: () => sandbox.info().counts,
      close: () => sandbox.close(),
    };
  },
  oauth: {
    clientId: DEEL_SANDBOX_CLIENT_ID,
    clientSecret: DEEL_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: apiOf(sandbox),
      ...testPace,
      authorization_url: `${sandbox.url}/oauth2/authorize`,
      token_url: `${sandbox.url}/oauth2/tokens`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: apiOf(sandbox), ...testPace } }),
    bad: (sandbox) => ({ fields: { token: 'deel_not_the_right_token_00000000' }, config: { base_url: apiOf(sandbox), ...testPace } }),
    badMessage: /Unauthorized/,
  },
  mainStream: 'people',
  change: { create: 4, update: 6, delete: 3 },
  // Deel reports no deletions in its lists (webhooks only): a removed person is simply gone from GET /people.
  deletions: 'vanish',
  // Deel allows 5 requests a second; the manifest paces a connection at 4, so runs take a few seconds.
  runTimeoutMs: 90_000,
});
