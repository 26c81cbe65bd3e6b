import { declarativeStreams, isObject, lenientState, type JsonRecord, type StreamReader, type StreamState } from '../kit/index.js';
import { manifest } from './manifest.js';
import { configuredRepositories, fullNameFromRepositoryUrl, numberList, perPage } from './stream-support.js';

/**
 * `issues`: `GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=asc&per_page=100&since=…` for
 * each configured repository (or, with none configured, each one `GET /user/repos` lists), pull requests left
 * out (they are the `pull_requests` stream); 410 Gone (issues turned off) reads as an empty repository.
 *
 * Pages are walked by *keyset*, not by page number: each request asks for `since=<updated_at of the last item
 * read>`. GitHub's `since` is inclusive, so the items already read at that instant come back; their ids are
 * kept in `seen` and skipped. Keyset paging means an issue updated or deleted while a pass runs cannot shift
 * an unread one onto a page already read (page numbers would skip it); the updated issue simply comes back
 * later in the same pass. Only when a whole page shares one `updated_at` does the walk fall back to `page`
 * numbers until the timestamp moves on.
 *
 * State:
 * ```
 * {
 *   repos: { "owner/name": { cursor: "<updated_at>" | null, seen: ["<ids read at cursor>"], page?: n } },
 *   pass?: { full: boolean, pending: ["owner/name", …] }      // only while a pass is unfinished
 * }
 * ```
 * A checkpoint follows every page, so a resume re-reads at most that page. A repository without a position
 * (new, or newly configured) is read from its start. A state holding only `cursor` (set by hand) starts every
 * repository without a position from it. A full refresh starts every repository over, but resumes its own
 * unfinished pass.
 *
 * Before the stream was described, a repository's position was `{ since, seen: [numbers], page? }` and the state
 * also held an informational `cursor` (the latest `since`); `upgradeIssuesState` reads that format.
 */

/**
 * The hand-written reader's state in the described format: `since` → `cursor`, ids as text. Its top-level
 * `cursor` goes: it was only informational, and kept beside `repos` it would read as a hand-set cursor for every
 * repository without a position.
 */
export function upgradeIssuesState(state: StreamState): StreamState {
  if (!isObject(state['repos'])) return state;
  const repos: Record<string, unknown> = {};
  for (const [name, entry] of lenientState(state).entries('repos')) {
    if (!('since' in entry.raw)) {
      repos[name] = entry.raw;
      continue;
    }
    const since = entry.text('since');
    const page = entry.count('page');
    repos[name] = since === null ? {} : { cursor: since, seen: numberList(entry.raw['seen']).map(String), ...(page !== null && page > 1 ? { page } : {}) };
  }
  const { cursor: _informational, ...rest } = state;
  return { ...rest, repos };
}

function withRepositoryName(record: JsonRecord): JsonRecord {
  const name = fullNameFromRepositoryUrl(record['repository_url'], '');
  return name === '' ? record : { ...record, repository_full_name: name };
}

const described = declarativeStreams(manifest, {
  issues: {
    requester: { path: '/repos/{{partition.id}}/issues', query: { state: 'all', sort: 'updated', direction: 'asc', per_page: perPage } },
    records: { filter: [{ path: 'pull_request', exists: false }] },
    paginator: { type: 'keyset', size: perPage, page_param: 'page' },
    incremental: { type: 'datetime', field: 'updated_at', format: 'iso_seconds', send: { param: 'since' }, sorted: true },
    partitions: {
      config: 'repositories',
      parent: { requester: { path: '/user/repos', query: { per_page: perPage } }, records: {}, paginator: { type: 'link_header' }, id: 'full_name' },
      state_key: 'repos',
    },
    errors: [{ status: [410], action: 'ignore' }],
    hooks: {
      // The configured list is checked before a request names a repository; `owner/name` is two path segments.
      request: (request, ctx) => {
        configuredRepositories(ctx.config);
        return { ...request, path: request.path.replace(/%2F/gi, '/') };
      },
      record: withRepositoryName,
      state: upgradeIssuesState,
    },
  },
});

export const readIssues: StreamReader = described['issues']!;
