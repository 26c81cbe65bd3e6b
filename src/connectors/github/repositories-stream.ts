import { paginateLinkHeader, type StreamReader, type StreamState } from '../kit/index.js';
import { asArray, configuredRepositories, perPage, repoPath, type GithubObject } from './stream-support.js';

/**
 * `repositories` (full refresh): `GET /user/repos`, or `GET /repos/{owner}/{repo}` for each configured one.
 *
 * State, only while a pass is unfinished (a finished pass leaves `{}`):
 * - `{ next: "<url of the next /user/repos page>" }`, or
 * - `{ index: <position in the configured list> }`.
 * A state without either starts over.
 */
export const readRepositories: StreamReader = async function* (ctx) {
  const configured = configuredRepositories(ctx.config);
  const resume = ctx.state ?? {};

  if (configured) {
    const start = typeof resume['index'] === 'number' && resume['index'] < configured.length ? resume['index'] : 0;
    for (let index = start; index < configured.length; index++) {
      const response = await ctx.http.get<GithubObject>(repoPath(configured[index]!), undefined, { signal: ctx.signal });
      yield { type: 'records', records: [response.body] };
      const state: StreamState = index + 1 < configured.length ? { index: index + 1 } : {};
      yield { type: 'state', state };
    }
    return;
  }

  const startUrl = typeof resume['next'] === 'string' ? resume['next'] : undefined;
  const pages = paginateLinkHeader<GithubObject[]>(
    ctx.http,
    { url: '/user/repos', query: { per_page: perPage }, signal: ctx.signal },
    startUrl,
  );
  for await (const page of pages) {
    const records = asArray(page.response.body);
    if (records.length > 0) yield { type: 'records', records };
    yield { type: 'state', state: page.next === null ? {} : { next: page.next } };
  }
};
