import {
  AppError,
  configList,
  type LenientState,
  paginateLinkHeader,
  type StreamContext,
  type StreamState,
} from '../kit/index.js';

/** What the GitHub streams share: the repository list, paths, page fetching and reading saved states. */

export type GithubObject = Record<string, unknown>;

/** GitHub's largest page. */
export const perPage = 100;

const repoName = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/;

/** The `repositories` config field (a comma list, or an array) as `owner/name` strings; null when unset. */
export function configuredRepositories(config: Record<string, unknown>): string[] | null {
  const names = configList(config, 'repositories');
  if (names.length === 0) return null;
  for (const name of names) {
    if (!repoName.test(name)) {
      throw new AppError('validation_failed', `repositories: "${name}" is not of the form owner/name`, { field: 'repositories' });
    }
  }
  return names;
}

/** The repositories a stream reads: the configured ones, or every one `GET /user/repos` returns. */
export async function repositoryNames(ctx: StreamContext): Promise<string[]> {
  const configured = configuredRepositories(ctx.config);
  if (configured) return configured;
  const names: string[] = [];
  const pages = paginateLinkHeader<GithubObject[]>(ctx.http, { url: '/user/repos', query: { per_page: perPage }, signal: ctx.signal });
  for await (const page of pages) {
    for (const repo of asArray(page.response.body)) {
      if (typeof repo['full_name'] === 'string') names.push(repo['full_name']);
    }
  }
  return names;
}

export function repoPath(fullName: string): string {
  const [owner = '', name = ''] = fullName.split('/');
  return `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}

export function asArray(body: unknown): GithubObject[] {
  return Array.isArray(body) ? (body as GithubObject[]) : [];
}

export function idOf(record: GithubObject): number {
  return Number(record['id']);
}

/** `owner/name` from an API URL ending in `/repos/{owner}/{name}`, else the fallback. */
export function fullNameFromRepositoryUrl(url: unknown, fallback: string): string {
  if (typeof url !== 'string') return fallback;
  const match = /\/repos\/([^/]+)\/([^/?#]+)$/.exec(url);
  return match ? `${decodeURIComponent(match[1]!)}/${decodeURIComponent(match[2]!)}` : fallback;
}

/** The numbers of a state's array (ids are numbers in GitHub's objects and in the saved states). */
export function numberList(value: unknown): number[] {
  return Array.isArray(value) ? value.filter((item): item is number => typeof item === 'number') : [];
}

/**
 * The per-repository part every GitHub stream state shares: `{ repos: { "owner/name": … }, cursor }`, read
 * leniently (a hand-edited state, an older version's), each repository's entry by `readOne`.
 */
export function readRepoStates<T>(state: LenientState, readOne: (entry: LenientState) => T | null): { repos: Record<string, T>; cursor: string | null } {
  const repos: Record<string, T> = {};
  for (const [name, entry] of state.entries('repos')) {
    const read = readOne(entry);
    if (read) repos[name] = read;
  }
  return { repos, cursor: state.text('cursor') };
}

/**
 * A hand-set cursor (`PATCH /connections/:id/state` with only `cursor`) applies to every repository: the entry
 * to start a repository from when the state holds no per-repository position, else null.
 */
export function handSetStart<T>(previous: { repos: Record<string, unknown>; cursor: string | null }, make: (cursor: string) => T): T | null {
  return Object.keys(previous.repos).length === 0 && previous.cursor !== null ? make(previous.cursor) : null;
}

/** A deep copy for a checkpoint: the engine may hold it while the reader keeps changing its own. */
export function snapshotState(state: object): StreamState {
  return JSON.parse(JSON.stringify(state)) as StreamState;
}
