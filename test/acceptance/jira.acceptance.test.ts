import { createJiraSandbox, JIRA_SANDBOX_CLIENT_ID, JIRA_SANDBOX_CLIENT_SECRET } from '../../src/connectors/jira/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'ATATT3xFfGF0acceptance0token0123456789abcdef';
const EMAIL = 'acceptance@tributary.dev';

defineAcceptanceSuite({
  connector: 'jira',
  async startSandbox(options) {
    const sandbox = await createJiraSandbox({ port: 0, records: 240, seed: options?.seed ?? 11, token: TOKEN, email: EMAIL });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  // Atlassian 3LO against the sandbox: the connection starts on the sandbox (standing in for api.atlassian.com), and
  // afterAuthorization moves it to `<sandbox>/ex/jira/<cloud id>` found through accessible-resources.
  oauth: {
    clientId: JIRA_SANDBOX_CLIENT_ID,
    clientSecret: JIRA_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: sandbox.url,
      authorization_url: `${sandbox.url}/authorize`,
      token_url: `${sandbox.url}/oauth/token`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { email: EMAIL, api_token: sandbox.token }, config: { base_url: sandbox.url } }),
    bad: (sandbox) => ({ fields: { email: EMAIL, api_token: 'ATATT3xFfGF0not0the0right0token000000' }, config: { base_url: sandbox.url } }),
    // What Jira Cloud answers a wrong API token (or email) with: it cannot tell one from a password.
    badMessage: /Basic authentication with passwords is deprecated/,
  },
  mainStream: 'issues',
  change: { create: 4, update: 6, delete: 3 },
  // The JQL search reports no deletions: a deleted issue just stops matching.
  deletions: 'vanish',
});
