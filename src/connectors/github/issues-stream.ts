import { laterCursor, lenientState, passState, resumePass, type LenientState, type ResumablePass, type StreamContext, type StreamMessage, type StreamReader } from '../kit/index.js';
import {
  asArray,
  fetchPage,
  fullNameFromRepositoryUrl,
  handSetStart,
  idOf,
  numberList,
  perPage,
  readRepoStates,
  repoPath,
  repositoryNames,
  snapshotState,
  type GithubObject,
} from './stream-support.js';

/**
 * `issues`: `GET /repos/{owner}/{repo}/issues?state=all&sort=updated&direction=asc&per_page=100&since=…` for
 * each repository, pull requests left out (they are the `pull_requests` stream).
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
 *   repos:  { "owner/name": { since: "<updated_at>" | null, seen: [ids read at `since`], page?: n } },
 *   cursor: "<latest updated_at read>" | null,                 // informational; see below
 *   pass?:  { full: boolean, pending: ["owner/name", …] }      // only while a pass is unfinished
 * }
 * ```
 * A checkpoint follows every page, so a resume re-reads at most that page. A repository without a position
 * (new, or newly configured) is read from its start. A state holding only `cursor` (set by hand) starts every
 * repository from it. A full refresh starts every repository over, but resumes its own unfinished pass.
 */
interface Position {
  since: string | null;
  seen: number[];
  page?: number;
}

interface IssuesState {
  repos: Record<string, Position>;
  cursor: string | null;
  pass?: { full: boolean; pending: string[] };
}

function readPosition(entry: LenientState): Position {
  const page = entry.count('page');
  return { since: entry.text('since'), seen: numberList(entry.raw['seen']), ...(page !== null && page > 1 ? { page } : {}) };
}

export const readIssues: StreamReader = async function* (ctx) {
  const saved = lenientState(ctx.state);
  const previous = readRepoStates(saved, readPosition);
  const full = ctx.mode === 'full_refresh';
  // An unfinished pass carries on over the repositories it still had to read, without listing them again.
  const savedPass = saved.object('pass');
  const carriesOn = savedPass !== null && (!full || savedPass.flag('full') === true);
  const names = carriesOn ? savedPass.texts('pending') : await repositoryNames(ctx);
  const pass: ResumablePass = resumePass(saved, names, full);
  let repos: Record<string, Position> = previous.repos;
  if (!pass.resumed) {
    // A hand-set cursor without positions applies to every repository.
    const fallback: Position = handSetStart(previous, (since): Position => ({ since, seen: [] })) ?? { since: null, seen: [] };
    repos = {};
    for (const name of names) repos[name] = full ? { since: null, seen: [] } : (previous.repos[name] ?? fallback);
  }
  const state: IssuesState = { repos, cursor: full && !pass.resumed ? null : previous.cursor, pass: passState(pass) };
  ctx.log('debug', 'issues pass', { full: pass.full, repositories: pass.pending.length });

  while (state.pass && state.pass.pending.length > 0) {
    const name = state.pass.pending[0]!;
    yield* readRepository(ctx, name, state);
  }
  delete state.pass;
  yield { type: 'state', state: snapshotState(state) };
};

async function* readRepository(ctx: StreamContext, name: string, state: IssuesState): AsyncGenerator<StreamMessage> {
  let position = state.repos[name] ?? { since: null, seen: [] };
  for (;;) {
    const query: Record<string, string | number> = { state: 'all', sort: 'updated', direction: 'asc', per_page: perPage };
    if (position.since !== null) query['since'] = position.since;
    if (position.page !== undefined) query['page'] = position.page;
    const page = await fetchPage<unknown>(ctx.http, {
      url: `${repoPath(name)}/issues`,
      query,
      signal: ctx.signal,
      // 410 Gone: the repository has issues turned off.
      acceptStatus: [410],
    });
    const items = page.response.status === 410 ? [] : asArray(page.response.body);
    const since = position.since;
    const seen = new Set(position.seen);
    const fresh = items.filter((item) => !(since !== null && item['updated_at'] === since && seen.has(idOf(item))));
    const records = fresh
      .filter((item) => item['pull_request'] === undefined)
      .map((item): GithubObject => ({ ...item, repository_full_name: fullNameFromRepositoryUrl(item['repository_url'], name) }));
    if (records.length > 0) yield { type: 'records', records };

    const last = items.at(-1)?.['updated_at'];
    if (typeof last === 'string' && last !== since) {
      position = { since: last, seen: items.filter((item) => item['updated_at'] === last).map(idOf) };
    } else if (typeof last === 'string') {
      // A whole page at one instant: step through that instant by page number.
      position = { since, seen: position.seen, page: (position.page ?? 1) + 1 };
    }
    state.repos[name] = position;
    state.cursor = laterCursor(state.cursor, position.since);
    const done = page.next === null || items.length === 0;
    if (done && state.pass) {
      state.pass.pending = state.pass.pending.filter((pending) => pending !== name);
      // Once the repository is finished, its next pass starts at `since` again, never mid-instant.
      const { page: _page, ...finished } = position;
      state.repos[name] = finished;
    }
    yield { type: 'state', state: snapshotState(state) };
    if (done) return;
  }
}
