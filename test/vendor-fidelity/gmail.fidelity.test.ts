import { createGmailSandbox } from '../../src/connectors/gmail/sandbox/index.js';
import { defineFidelitySuite } from './fidelity-kit.js';

/** Gmail's traffic with the default connection, then with spam and trash included (`includeSpamTrash=true`). */
for (const variant of [undefined, 'spam and trash included'] as const) {
  defineFidelitySuite({
    connector: 'gmail',
    specFile: 'gmail.json',
    ...(variant === undefined ? {} : { variant }),
    async start() {
      // 1,100 messages: messages.list and threads.list take more than one page (500) over what is not spam or
      // trash, and each message gets a metadata read; the second configuration only
      // adds a parameter, so a small mailbox does.
      const sandbox = await createGmailSandbox({ port: 0, records: variant === undefined ? 1100 : 60, seed: 11 });
      return {
        url: sandbox.url,
        apiBase: sandbox.url,
        token: sandbox.token,
        ...(variant === undefined ? {} : { config: { include_spam_trash: true } }),
        close: () => sandbox.close(),
      };
    },
    change: { create: 3, update: 4, delete: 2 },
    wrongRequest: { path: '/gmail/v1/users/me/messages', query: 'maxResults=10&includeArchived=true' },
  });
}
