import { createGithubSandbox } from '../../src/connectors/github/sandbox/index.js';
import { defineFidelitySuite, type FidelitySpec } from './fidelity-kit.js';

const github: FidelitySpec = {
  connector: 'github',
  specFile: 'github.json',
  async start() {
    // 1,500 items, a quarter of them pull requests: enough for several pages, so pagination links are followed.
    const sandbox = await createGithubSandbox({ port: 0, records: 1500, seed: 7 });
    return { url: sandbox.url, apiBase: sandbox.url, token: sandbox.token, close: () => sandbox.close() };
  },
  change: { create: 3, update: 4, delete: 2 },
  validator: {
    pathAliases: [
      {
        // GitHub's pagination links name the repository by id ("Using pagination in the REST API",
        // https://docs.github.com/rest/using-the-rest-api/using-pagination-in-the-rest-api, shows
        // `<https://api.github.com/repositories/1300192/issues?page=2>; rel="next"`), a path its OpenAPI document
        // does not list; it is the same list as /repos/{owner}/{repo}/…, so it is checked as that one.
        pattern: /^\/repositories\/(\d+)\/(issues|pulls)$/,
        replacement: '/repos/repository-id/$1/$2',
        why: 'GitHub pagination links use /repositories/{id}/…',
      },
    ],
  },
  wrongRequest: { path: '/user/repos', query: 'per_page=10&include_archived=true' },
};

defineFidelitySuite(github);

// With `repositories` configured the repositories stream reads each one (GET /repos/{owner}/{repo}) instead
// of listing /user/repos.
defineFidelitySuite({
  ...github,
  variant: 'configured repositories',
  async start() {
    const sandbox = await createGithubSandbox({ port: 0, records: 400, seed: 8 });
    const repositories = sandbox.info().repositories.map((r) => r.full_name).join(', ');
    return { url: sandbox.url, apiBase: sandbox.url, token: sandbox.token, config: { repositories }, close: () => sandbox.close() };
  },
});
