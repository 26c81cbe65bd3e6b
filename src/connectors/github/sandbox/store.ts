import {
  type ChangeRequest,
  hash32,
  isoSeconds,
  Prng,
  SandboxClock,
  SandboxControlError,
} from '../../kit/sandbox/index.js';
import { GithubLayout, type ItemKind, type KindFilter } from './layout.js';

/**
 * The sandbox's mutable state: only what changed since the seed. Seeded items are computed by `GithubLayout`;
 * this keeps the updated (new version and `updated_at`), created and deleted ones.
 */
interface Mutation {
  version: number;
  updatedAt: number;
}

interface Created {
  repo: number;
  number: number;
  kind: ItemKind;
  createdAt: number;
}

/** What an item's filters look at, without building its JSON. */
export interface ItemFacts {
  open: boolean;
  /** Indexes into the label catalogue. */
  labels: number[];
  /** Index into the user pool (0 is the owner). */
  author: number;
}

export const userPoolSize = 12;
export const labelCatalogueSize = 9;

export interface ChangeResult {
  stream: 'issues' | 'pull_requests';
  updated_at: string | null;
  created: number[];
  updated: number[];
  deleted: number[];
}

export class GithubStore {
  readonly layout: GithubLayout;
  readonly clock: SandboxClock;
  /** Bumped by every change; caches key on it. */
  version = 0;
  private readonly mutations = new Map<number, Mutation>();
  private readonly created = new Map<number, Created>();
  private readonly createdByNumber = new Map<string, number>();
  private readonly createdOfKind: Record<ItemKind, number[]> = { issue: [], pull: [] };
  private readonly deleted = new Set<number>();
  private nextIndex: number;
  private readonly nextNumber: number[];
  private batches = 0;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.layout = new GithubLayout(seed, records);
    this.clock = new SandboxClock(this.layout.end + 3600, 60);
    this.nextIndex = this.layout.total;
    this.nextNumber = Array.from({ length: this.layout.repoCount }, (_, r) => this.layout.seededCount(r, 'any') + 1);
  }

  exists(k: number): boolean {
    return (this.layout.isSeeded(k) || this.created.has(k)) && !this.deleted.has(k);
  }

  kindOf(k: number): ItemKind {
    return this.created.get(k)?.kind ?? this.layout.kindOf(k);
  }

  repoOf(k: number): number {
    return this.created.get(k)?.repo ?? this.layout.repoOf(k);
  }

  numberOf(k: number): number {
    return this.created.get(k)?.number ?? this.layout.numberOf(k);
  }

  createdAt(k: number): number {
    return this.created.get(k)?.createdAt ?? this.layout.createdAt(k);
  }

  updatedAt(k: number): number {
    return this.mutations.get(k)?.updatedAt ?? this.layout.updatedAt(k);
  }

  versionOf(k: number): number {
    return this.mutations.get(k)?.version ?? 0;
  }

  /** A live item by repository and number, or null. */
  findByNumber(repo: number, number: number): number | null {
    const k = this.createdByNumber.get(`${repo}#${number}`) ?? this.layout.indexOfNumber(repo, number);
    return k !== null && this.exists(k) ? k : null;
  }

  facts(k: number): ItemFacts {
    const version = this.versionOf(k);
    const isNew = this.created.has(k) && version === 0;
    const open = isNew || hash32(this.seed, k, 10, version) % 100 >= (version === 0 ? 70 : 50);
    const mask = hash32(this.seed, k, 20, version);
    const labelCount = mask % 4 === 3 ? 0 : mask % 4;
    const labels: number[] = [];
    for (let i = 0; i < labelCount; i++) {
      const label = (mask >>> (4 + i * 5)) % labelCatalogueSize;
      if (!labels.includes(label)) labels.push(label);
    }
    labels.sort((a, b) => a - b);
    return { open, labels, author: hash32(this.seed, k, 30) % userPoolSize };
  }

  /** Overridden items (updated, created or deleted) of one repository's list, for the views. */
  overridden(repo: number, filter: KindFilter): { excluded: number[]; live: number[] } {
    const excluded: number[] = [];
    const live: number[] = [];
    const matches = (k: number) => this.repoOf(k) === repo && (filter === 'any' || this.kindOf(k) === 'pull');
    for (const k of this.deleted) if (this.layout.isSeeded(k) && matches(k)) excluded.push(k);
    for (const k of this.mutations.keys()) {
      if (!matches(k)) continue;
      if (this.layout.isSeeded(k)) excluded.push(k);
      if (!this.deleted.has(k)) live.push(k);
    }
    return { excluded, live };
  }

  /** Live items per repository and kind, for `/_sandbox/info` and repository objects. */
  counts(repo: number): { issues: number; pulls: number } {
    let issues = this.layout.seededCount(repo, 'any') - this.layout.seededCount(repo, 'pull');
    let pulls = this.layout.seededCount(repo, 'pull');
    for (const k of this.created.keys()) {
      if (this.repoOf(k) !== repo) continue;
      if (this.kindOf(k) === 'pull') pulls += 1;
      else issues += 1;
    }
    for (const k of this.deleted) {
      if (this.repoOf(k) !== repo) continue;
      if (this.kindOf(k) === 'pull') pulls -= 1;
      else issues -= 1;
    }
    return { issues, pulls };
  }

  /**
   * Applies `POST /_sandbox/changes`: updates and deletes pick live items of the stream at random (seeded by
   * the batch number), creates add new open items spread over the repositories. One batch shares one
   * timestamp, strictly later than every existing `updated_at`.
   */
  applyChanges(change: ChangeRequest, ids: { issue(k: number): number; pull(k: number): number }): ChangeResult {
    if (change.stream !== 'issues' && change.stream !== 'pull_requests') {
      throw new SandboxControlError(400, `stream must be "issues" or "pull_requests", not "${change.stream}"`);
    }
    const stream = change.stream;
    const kind: ItemKind = stream === 'issues' ? 'issue' : 'pull';
    const idOf = kind === 'issue' ? ids.issue : ids.pull;
    this.batches += 1;
    const result: ChangeResult = { stream, updated_at: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;

    const at = this.clock.tick();
    result.updated_at = isoSeconds(at);
    const rng = new Prng(hash32(this.seed, 0xc4a46e, this.batches));
    const picked = this.pickLive(kind, change.update + change.delete, rng);
    for (const k of picked.slice(0, change.update)) {
      this.mutations.set(k, { version: this.versionOf(k) + 1, updatedAt: at });
      result.updated.push(idOf(k));
    }
    for (const k of picked.slice(change.update)) {
      this.deleted.add(k);
      result.deleted.push(idOf(k));
    }
    for (let i = 0; i < change.create; i++) {
      const k = this.nextIndex++;
      const repo = k % this.layout.repoCount;
      const number = this.nextNumber[repo]!;
      this.nextNumber[repo] = number + 1;
      this.created.set(k, { repo, number, kind, createdAt: at });
      this.createdByNumber.set(`${repo}#${number}`, k);
      this.createdOfKind[kind].push(k);
      this.mutations.set(k, { version: 0, updatedAt: at });
      result.created.push(idOf(k));
    }
    this.version += 1;
    return result;
  }

  /** Up to `count` distinct live items of a kind, chosen by `rng`. */
  private pickLive(kind: ItemKind, count: number, rng: Prng): number[] {
    const seeded = kind === 'issue' ? this.layout.issueCount : this.layout.pullCount;
    const createdList = this.createdOfKind[kind];
    const candidates = seeded + createdList.length;
    const at = (i: number) =>
      i < seeded ? (kind === 'issue' ? this.layout.issueIndex(i) : this.layout.pullIndex(i)) : createdList[i - seeded]!;
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) {
      const k = at(rng.int(candidates));
      if (this.exists(k)) chosen.add(k);
    }
    // Few live items left: take them in order rather than hoping the dice find them.
    for (let i = 0; chosen.size < count && i < candidates; i++) {
      const k = at(i);
      if (this.exists(k)) chosen.add(k);
    }
    return [...chosen];
  }
}
