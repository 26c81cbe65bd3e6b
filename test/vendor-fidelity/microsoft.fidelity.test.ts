import { createMicrosoftSandbox } from '../../src/connectors/microsoft/sandbox/index.js';
import { at, defineFidelitySuite } from './fidelity-kit.js';

type Json = Record<string, unknown>;

const calendarViewDelta = '/me/calendarView/microsoft.graph.delta()';
const messagesDelta = '/me/mailFolders/{mailFolder-id}/messages/microsoft.graph.delta()';

function deltaOperations(document: Json): Json[] {
  return [calendarViewDelta, messagesDelta].map((path) => at(document, 'paths', path, 'get'));
}

function parametersOf(operation: Json): Json[] {
  const parameters = operation['parameters'];
  if (!Array.isArray(parameters)) throw new Error('a delta operation has no parameter list any more');
  return parameters as Json[];
}

defineFidelitySuite({
  connector: 'microsoft',
  specFile: 'microsoft.json',
  async start() {
    // 450 events and messages: several delta pages of each (events 100 a page, messages 50).
    const sandbox = await createMicrosoftSandbox({ port: 0, records: 450, seed: 11 });
    const { base_url, calendar_start, calendar_end, mail_folders, tenant } = sandbox.connectConfig;
    return {
      url: sandbox.url,
      apiBase: String(base_url),
      token: sandbox.token,
      // The calendar window the sandbox's events fall in, and the folders it holds.
      config: { tenant, calendar_start, calendar_end, mail_folders },
      close: () => sandbox.close(),
    };
  },
  validator: {
    // Graph's document spells two things differently from Graph's own URLs, which Microsoft documents as the
    // same request: delta functions are `…/microsoft.graph.delta()` there and `…/delta` in Microsoft's pages
    // ("event: delta", "message: delta") and in every link Graph returns (Graph serves both); and the
    // `@odata.nextLink` / `@odata.deltaLink` URLs address a folder with OData's key syntax, `mailFolders('<id>')`,
    // which OData defines as the same resource as the key segment `mailFolders/<id>` of the document's template.
    // The aliased exchange is otherwise checked in full.
    pathAliases: [
      {
        pattern: /^\/me\/mailFolders\('([^'/]*)'\)\/messages\/delta$/,
        replacement: '/me/mailFolders/$1/messages/microsoft.graph.delta()',
        why: "Graph's delta links: OData key syntax and /delta for the document's key segment and microsoft.graph.delta()",
      },
      {
        pattern: /^\/me\/(calendarView|mailFolders\/[^/]+\/messages)\/delta$/,
        replacement: '/me/$1/microsoft.graph.delta()',
        why: "Microsoft's documentation and Graph's links write /delta for the document's microsoft.graph.delta()",
      },
    ],
  },
  change: { create: 3, update: 4, delete: 2 },
  amendments: [
    {
      // The links Graph hands back carry its opaque state as `$skiptoken` (next page) or `$deltatoken` (next
      // round); Microsoft's "Use delta query to track changes in Microsoft Graph data" page says to follow them as
      // they are, and the document declares neither on the delta functions.
      why: 'Graph delta links carry $skiptoken / $deltatoken',
      apply(document) {
        for (const operation of deltaOperations(document)) {
          for (const name of ['$skiptoken', '$deltatoken']) parametersOf(operation).push({ name, in: 'query', schema: { type: 'string' } });
        }
      },
    },
    {
      // "event: delta" (calendarView) makes startDateTime and endDateTime required on the first request of a
      // round ("Query parameters"); the document declares neither. Required in Microsoft's words, but a
      // follow-up link carries only its token, so they are declared optional here.
      why: "calendarView delta's startDateTime/endDateTime",
      apply(document) {
        const operation = at(document, 'paths', calendarViewDelta, 'get');
        for (const name of ['startDateTime', 'endDateTime']) parametersOf(operation).push({ name, in: 'query', schema: { type: 'string' } });
      },
    },
    {
      // The document's generator makes `@odata.type` required on every entity (its discriminator), but Graph
      // answers with OData's minimal metadata, which leaves `@odata.type` out when the entity is of the type the
      // URL already says: Microsoft's "Get user" page shows `GET /me` answering `@odata.context`, `id` and the
      // profile, without it. Relaxed on the user's chain of schemas only (user, directoryObject, entity; entity is
      // every type's base, so events and messages lose the requirement too).
      why: 'Graph omits @odata.type on GET /me (minimal metadata)',
      apply(document) {
        for (const name of ['microsoft.graph.user', 'microsoft.graph.directoryObject', 'microsoft.graph.entity']) {
          const schema = at(document, 'components', 'schemas', name);
          const parts = [schema, ...(((schema['allOf'] as Json[] | undefined) ?? []))];
          let relaxed = false;
          for (const part of parts) {
            const required = part['required'];
            if (!Array.isArray(required) || !required.includes('@odata.type')) continue;
            part['required'] = required.filter((r) => r !== '@odata.type');
            relaxed = true;
          }
          if (!relaxed) throw new Error(`${name} no longer requires @odata.type: drop this amendment`);
        }
      },
    },
  ],
  wrongRequest: { path: '/me', query: '$select=id&$top=5' },
});
