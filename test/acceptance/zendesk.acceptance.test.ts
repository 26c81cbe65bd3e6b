import { createZendeskSandbox, ZENDESK_SANDBOX_CLIENT_ID, ZENDESK_SANDBOX_CLIENT_SECRET, ZENDESK_SANDBOX_EMAIL } from '../../src/connectors/zendesk/sandbox/index.js';
import { defineAcceptanceSuite, type AcceptanceSandbox } from './acceptance-kit.js';

const TOKEN = 'zendesk_acceptance_api_token_0123456789abcdef';

/** Zendesk's API is under /api/v2 of the account's host; the sandbox serves it under its own /api/v2. */
const apiOf = (sandbox: AcceptanceSandbox) => `${sandbox.url}/api/v2`;

/** The manifest paces a connection at Zendesk's 10 export requests a minute; the suite lifts it, as an operator would for the add-on. */
const config = (sandbox: AcceptanceSandbox) => ({ base_url: apiOf(sandbox), requests_per_second: 25 });

defineAcceptanceSuite({
  connector: 'zendesk',
  async startSandbox(options) {
    const sandbox = await createZendeskSandbox({ port: 0, records: 120, seed: options?.seed ?? 31, token: TOKEN });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: ZENDESK_SANDBOX_CLIENT_ID,
    clientSecret: ZENDESK_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({ ...config(sandbox), authorization_url: `${sandbox.url}/oauth/authorizations/new`, token_url: `${sandbox.url}/oauth/tokens` }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { email: ZENDESK_SANDBOX_EMAIL, api_token: sandbox.token }, config: config(sandbox) }),
    bad: (sandbox) => ({ fields: { email: ZENDESK_SANDBOX_EMAIL, api_token: 'zendesk_not_the_right_token_000' }, config: config(sandbox) }),
    badMessage: /Couldn't authenticate you/,
  },
  mainStream: 'tickets',
  // A deleted ticket comes back from the export with status "deleted": the incremental read reports it.
  deletions: 'reported',
});
