import type { GithubSandboxHandle } from '../../src/connectors/github/sandbox/index.js';

/**
 * The ids of every issue (pull requests left out) that the GitHub sandbox serves, read through its own REST API
 * page by page, independently of the connector under test: the provider's truth to compare a sync against.
 */
export async function sandboxIssueIds(sandbox: GithubSandboxHandle): Promise<Set<string>> {
  const ids = new Set<string>();
  const headers = { authorization: `Bearer ${sandbox.token}`, accept: 'application/vnd.github+json' };
  await Promise.all(
    sandbox.info().repositories.map(async (repo) => {
      for (let page = 1; ; page++) {
        const res = await fetch(`${sandbox.url}/repos/${repo.full_name}/issues?state=all&sort=created&direction=asc&per_page=100&page=${page}`, { headers });
        if (res.status !== 200) throw new Error(`sandbox answered ${res.status} for ${repo.full_name} page ${page}`);
        const items = (await res.json()) as { id: number; pull_request?: unknown }[];
        for (const item of items) if (item.pull_request === undefined) ids.add(String(item.id));
        if (items.length < 100) break;
      }
    }),
  );
  return ids;
}
