import { createGithubSandbox, GITHUB_SANDBOX_CLIENT_ID, GITHUB_SANDBOX_CLIENT_SECRET } from '../../src/connectors/github/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'ghp_acceptance_token_0123456789abcdef';

defineAcceptanceSuite({
  connector: 'github',
  async startSandbox(options) {
    const sandbox = await createGithubSandbox({ port: 0, records: 600, seed: options?.seed ?? 11, token: TOKEN });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: GITHUB_SANDBOX_CLIENT_ID,
    clientSecret: GITHUB_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: sandbox.url,
      authorization_url: `${sandbox.url}/login/oauth/authorize`,
      token_url: `${sandbox.url}/login/oauth/access_token`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: sandbox.url } }),
    bad: (sandbox) => ({ fields: { token: 'ghp_not_the_right_token_000000000' }, config: { base_url: sandbox.url } }),
    badMessage: /Bad credentials/,
  },
  mainStream: 'issues',
  change: { create: 4, update: 6, delete: 3 },
  // GitHub has no tombstones for issues: a deleted issue is simply gone from the list.
  deletions: 'vanish',
});
