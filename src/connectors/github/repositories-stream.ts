import { declarativeStreams, lenientState, type StreamReader, type StreamState } from '../kit/index.js';
import { manifest } from './manifest.js';
import { configuredRepositories, perPage, repoPath, type GithubObject } from './stream-support.js';

/**
 * `repositories` (full refresh): `GET /user/repos`, or `GET /repos/{owner}/{repo}` for each configured one.
 *
 * State, only while a pass is unfinished (a finished pass leaves `{}`):
 * - `{ next: "<url of the next /user/repos page>" }`, or
 * - `{ index: <position in the configured list> }`.
 * A state without either starts over.
 *
 * Every repository the token can read is a described walk of `/user/repos` by its `Link` header. The configured
 * list stays code: the choice between the two is made at run time from the config, and one request per configured
 * repository (checkpointing its position in the list) is not a list the description layer pages through.
 */
const readAccessible: StreamReader = declarativeStreams(manifest, {
  repositories: {
    requester: { path: '/user/repos', query: { per_page: perPage } },
    paginator: { type: 'link_header', resume_key: 'next' },
  },
})['repositories']!;

export const readRepositories: StreamReader = async function* (ctx) {
  const configured = configuredRepositories(ctx.config);
  if (!configured) {
    yield* readAccessible(ctx);
    return;
  }
  const saved = lenientState(ctx.state).count('index') ?? 0;
  for (let index = saved < configured.length ? saved : 0; index < configured.length; index++) {
    const response = await ctx.http.get<GithubObject>(repoPath(configured[index]!), undefined, { signal: ctx.signal });
    yield { type: 'records', records: [response.body] };
    const state: StreamState = index + 1 < configured.length ? { index: index + 1 } : {};
    yield { type: 'state', state };
  }
};
