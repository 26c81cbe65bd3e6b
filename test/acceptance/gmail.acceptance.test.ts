import {
  createGmailSandbox,
  DEFAULT_GMAIL_SANDBOX_CLIENT_ID,
  DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET,
} from '../../src/connectors/gmail/sandbox/index.js';
import { defineAcceptanceSuite } from './acceptance-kit.js';

const TOKEN = 'ya29.acceptance_gmail_token_0123456789abcdef';

defineAcceptanceSuite({
  connector: 'gmail',
  async startSandbox(options) {
    // 100 messages: every full read fetches each one (messages.get), paced by the manifest's rate limit.
    const sandbox = await createGmailSandbox({ port: 0, records: 100, seed: options?.seed ?? 11, token: TOKEN });
    return { url: sandbox.url, token: sandbox.token, counts: () => sandbox.info().counts, close: () => sandbox.close() };
  },
  oauth: {
    clientId: DEFAULT_GMAIL_SANDBOX_CLIENT_ID,
    clientSecret: DEFAULT_GMAIL_SANDBOX_CLIENT_SECRET,
    config: (sandbox) => ({
      base_url: sandbox.url,
      authorization_url: `${sandbox.url}/o/oauth2/v2/auth`,
      token_url: `${sandbox.url}/token`,
      revocation_url: `${sandbox.url}/revoke`,
    }),
  },
  credentials: {
    good: (sandbox) => ({ fields: { token: sandbox.token }, config: { base_url: sandbox.url } }),
    bad: (sandbox) => ({ fields: { token: 'ya29.not_the_right_token_000000000' }, config: { base_url: sandbox.url } }),
    badMessage: /invalid authentication credentials|Invalid Credentials/,
  },
  mainStream: 'messages',
  change: { create: 4, update: 6, delete: 3 },
  // users.history.list reports messagesDeleted: an incremental read sees deletions.
  deletions: 'reported',
});
