import { createSlackSandbox } from '../../src/connectors/slack/sandbox/index.js';
import { at, defineFidelitySuite } from './fidelity-kit.js';

type Json = Record<string, unknown>;

const okSchema = (document: Json, method: string) => at(document, 'paths', method, 'get', 'responses', '200', 'content', 'application/json', 'schema');

/** Slack's message `edited` marker: `{ user, ts }` (https://api.slack.com/events/message#edited). */
const edited = {
  type: 'object',
  additionalProperties: false,
  properties: { user: { $ref: '#/components/schemas/defs_user_id' }, ts: { $ref: '#/components/schemas/defs_ts' } },
  required: ['user', 'ts'],
};

defineFidelitySuite({
  connector: 'slack',
  specFile: 'slack.json',
  async start() {
    // Enough messages that channel histories and threads take several pages.
    const sandbox = await createSlackSandbox({ port: 0, records: 10000, seed: 3 });
    return { url: sandbox.url, apiBase: `${sandbox.url}/api`, token: sandbox.token, close: () => sandbox.close() };
  },
  change: { create: 3, update: 4, delete: 2 },
  amendments: [
    {
      // The 2.0 document models the credential as a required `token` header on auth.test, while Slack sends
      // tokens as `Authorization: Bearer xoxb-…` ("Authentication", https://api.slack.com/web#authentication),
      // which is what every connector request carries (and what the validator leaves to the security scheme).
      why: 'Slack takes the token in the Authorization header',
      apply(document) {
        const parameters = at(document, 'paths', '/auth.test', 'get', 'parameters') as unknown as Json[];
        const token = parameters.find((p) => p['name'] === 'token' && p['in'] === 'header');
        if (!token) throw new Error('auth.test has no token header parameter any more');
        token['required'] = false;
      },
    },
    {
      // conversations.history and conversations.replies are cursor-paginated: their reference pages
      // (https://api.slack.com/methods/conversations.history, https://api.slack.com/methods/conversations.replies)
      // show `response_metadata.next_cursor` in the response, as "Pagination through cursors"
      // (https://api.slack.com/docs/pagination) says every cursor-paginated method returns; the document's
      // closed schemas (additionalProperties: false) leave it out.
      why: 'cursor-paginated methods return response_metadata',
      apply(document) {
        for (const method of ['/conversations.history', '/conversations.replies']) {
          const properties = at(okSchema(document, method), 'properties');
          if ('response_metadata' in properties) throw new Error(`${method} declares response_metadata now: drop this amendment`);
          properties['response_metadata'] = { $ref: '#/components/schemas/objs_response_metadata' };
        }
      },
    },
    {
      // An edited message carries `edited: { user, ts }` ("message" event, https://api.slack.com/events/message:
      // "If the message has been edited after posting it will include an edited property"); the document's
      // message schemas are closed and leave it out.
      why: 'edited messages carry `edited`',
      apply(document) {
        const message = at(document, 'components', 'schemas', 'objs_message', 'properties');
        if ('edited' in message) throw new Error('objs_message declares edited now: drop this amendment');
        message['edited'] = edited;
        // conversations.replies describes its parent and reply shapes one level too deep (`items.items.anyOf`,
        // which applies to arrays, not to the message objects), so its messages are not constrained; its shapes
        // get the same correction for when that is fixed.
        const replyShapes = at(okSchema(document, '/conversations.replies'), 'properties', 'messages', 'items', 'items', 'anyOf') as unknown as Json[];
        for (const shape of replyShapes) at(shape, 'properties')['edited'] = edited;
      },
    },
  ],
  wrongRequest: { path: '/conversations.list', query: 'limit=5&sort=name' },
});
