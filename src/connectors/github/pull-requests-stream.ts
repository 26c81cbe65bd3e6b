import { laterCursor, lenientState, paginateLinkHeader, timeOf, type LenientState, type StreamContext, type StreamMessage, type StreamReader, valueAt } from '../kit/index.js';
import {
  asArray,
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
 * `pull_requests`: `GET /repos/{owner}/{repo}/pulls?state=all&sort=updated&direction=desc&per_page=100` for
 * each repository, following `Link: rel="next"`. The pulls endpoint has no `since`, so an incremental read
 * walks from the most recently updated and stops at the first item older than the repository's mark.
 *
 * The mark is taken from the *top of the first page* when a read starts, never from the last item read:
 * a pull request updated during the read jumps to the front, behind the reader, and must still be newer than
 * the mark next time. That jump also shifts the unread ones by one place (one is read twice; none is lost),
 * and after a read of several pages a short catch-up read from the top collects what changed meanwhile, so a
 * full refresh sees everything.
 *
 * State:
 * ```
 * {
 *   repos:  { "owner/name": { cursor: "<updated_at>" | null, seen: [ids at cursor] } },   // per-repo marks
 *   cursor: "<latest mark>" | null,                                                      // informational
 *   pass?:  { full, pending: [names…], stop: mark | null, next?: "<url>", top?: mark, pages: n }
 * }
 * ```
 * `pass` describes the repository being read (`pending[0]`): where to stop, the next page's URL, and the
 * mark found on its first page. A checkpoint follows every page, so a resume re-reads at most one page.
 */
interface Mark {
  cursor: string | null;
  seen: number[];
}

interface Pass {
  full: boolean;
  pending: string[];
  /** Items at or before this mark were read by an earlier pass. */
  stop: Mark | null;
  next?: string;
  top?: Mark;
  /** Pages read so far of the current walk; a walk of several pages earns a catch-up walk. */
  pages: number;
  /** Catch-up walks done for the current repository. */
  rounds: number;
}

interface PullsState {
  repos: Record<string, Mark>;
  cursor: string | null;
  pass?: Pass;
}

const maxCatchUpRounds = 3;

function readMark(entry: LenientState | null): Mark | null {
  return entry === null ? null : { cursor: entry.text('cursor'), seen: numberList(entry.raw['seen']) };
}

/** The saved unfinished pass, when the state holds one. */
function readPass(saved: LenientState): Pass | null {
  const raw = saved.object('pass');
  if (raw === null) return null;
  const top = readMark(raw.object('top'));
  const next = raw.text('next');
  return {
    full: raw.flag('full') === true,
    pending: raw.texts('pending'),
    stop: readMark(raw.object('stop')),
    pages: raw.count('pages') ?? 0,
    rounds: raw.count('rounds') ?? 0,
    ...(next === null ? {} : { next }),
    ...(top ? { top } : {}),
  };
}

/** The mark for the first item of a page and every item sharing its `updated_at`. */
function markOf(items: GithubObject[]): Mark | undefined {
  const first = items[0]?.['updated_at'];
  if (typeof first !== 'string') return undefined;
  return { cursor: first, seen: items.filter((item) => item['updated_at'] === first).map(idOf) };
}

export const readPullRequests: StreamReader = async function* (ctx) {
  const saved = lenientState(ctx.state);
  const previous = readRepoStates(saved, readMark);
  const savedPass = readPass(saved);
  const full = ctx.mode === 'full_refresh';
  let state: PullsState;
  if (savedPass && (!full || savedPass.full)) {
    state = { ...previous, pass: savedPass };
  } else {
    const names = await repositoryNames(ctx);
    const fallback = handSetStart(previous, (cursor): Mark => ({ cursor, seen: [] }));
    const repos: Record<string, Mark> = {};
    for (const name of names) {
      const mark = full ? null : (previous.repos[name] ?? fallback);
      if (mark) repos[name] = mark;
    }
    state = { repos, cursor: full ? null : previous.cursor, pass: { full, pending: names, stop: null, pages: 0, rounds: 0 } };
    if (names[0] !== undefined) state.pass!.stop = repos[names[0]] ?? null;
  }

  while (state.pass && state.pass.pending.length > 0) {
    yield* readRepository(ctx, state.pass.pending[0]!, state, state.pass);
  }
  delete state.pass;
  yield { type: 'state', state: snapshotState(state) };
};

async function* readRepository(ctx: StreamContext, name: string, state: PullsState, pass: Pass): AsyncGenerator<StreamMessage> {
  const pages = paginateLinkHeader<unknown>(
    ctx.http,
    { url: `${repoPath(name)}/pulls`, query: { state: 'all', sort: 'updated', direction: 'desc', per_page: perPage }, signal: ctx.signal },
    pass.next,
  );
  for await (const page of pages) {
    const items = asArray(page.response.body);
    if (pass.pages === 0 && pass.next === undefined) {
      const top = markOf(items);
      if (top) pass.top = top;
    }
    pass.pages += 1;
    const stop = pass.stop;
    const stopAt = stop?.cursor == null ? null : timeOf(stop.cursor);
    const records: GithubObject[] = [];
    let reachedMark = false;
    for (const item of items) {
      const updated = timeOf(item['updated_at']);
      if (stopAt !== null && updated < stopAt) {
        reachedMark = true;
        break;
      }
      if (stopAt !== null && updated === stopAt && stop!.seen.includes(idOf(item))) continue;
      records.push({ ...item, repository_full_name: baseRepoName(item) ?? name });
    }
    if (records.length > 0) yield { type: 'records', records };

    if (reachedMark || page.next === null) {
      finishWalk(name, state, pass);
    } else {
      pass.next = page.next;
    }
    yield { type: 'state', state: snapshotState(state) };
    if (reachedMark || page.next === null) return;
  }
}

/** Ends one walk: either starts a catch-up walk from the top, or records the mark and moves on. */
function finishWalk(name: string, state: PullsState, pass: Pass): void {
  const top = pass.top ?? pass.stop ?? undefined;
  delete pass.next;
  delete pass.top;
  if (pass.pages > 1 && top && pass.rounds < maxCatchUpRounds) {
    pass.stop = top;
    pass.pages = 0;
    pass.rounds += 1;
    return;
  }
  if (top) {
    state.repos[name] = top;
    state.cursor = laterCursor(state.cursor, top.cursor);
  }
  pass.pending = pass.pending.filter((pending) => pending !== name);
  const following = pass.pending[0];
  pass.stop = pass.full || following === undefined ? null : (state.repos[following] ?? null);
  pass.pages = 0;
  pass.rounds = 0;
}

function baseRepoName(item: GithubObject): string | undefined {
  const fullName = valueAt(item, 'base.repo.full_name');
  return typeof fullName === 'string' ? fullName : undefined;
}
