import { hash32, hashUnit, RecordStore, SandboxClock, SandboxControlError, type StoredRecord } from '../../kit/sandbox/index.js';

/**
 * Jira's issues in the kit's record store, which keeps their order, changes and deletions; this adds what Jira
 * numbers and times differently.
 *
 * - Issue `k` (the store's index) is number `floor(k / projects) + 1` of project `k % projects`, with id
 *   `10000 + k`: each project's keys run PROJ-1, PROJ-2…, and issues created later continue them.
 * - The store keeps seconds; Jira prints milliseconds. An issue's `updated` is its store second plus a millisecond
 *   part drawn from that second (never zero, so it rarely sits on a JQL minute): issues of one change batch share
 *   it, and ordering by `updated` stays the store's order.
 * - Seeded issues span three years before the end of 2024 (a day earlier per seed step); a change batch is one
 *   moment of the clock, 47 seconds after the previous.
 */
const threeYears = 3 * 365 * 86_400;

/** An issue as its JSON is made from it. */
export interface IssueFacts {
  index: number;
  id: string;
  project: number;
  number: number;
  /** Updates since the seed: each edit draws new field values. */
  version: number;
  createdMs: number;
  updatedMs: number;
  /** Created after the seed and never edited: still "To Do". */
  fresh: boolean;
}

/** What `POST /_sandbox/changes` answers (with the simulator's `stream` and `counts`). */
export interface ChangeResult {
  /** When the batch happened (every issue of it shares this `updated`), ISO. */
  updated_at: string | null;
  /** Issue ids (strings, as Jira has them). */
  created: string[];
  updated: string[];
  deleted: string[];
  /** The same issues by key, easier to look at. */
  keys: { created: string[]; updated: string[]; deleted: string[] };
}

export class JiraIssues {
  readonly projectCount: number;
  readonly clock: SandboxClock;
  readonly store: RecordStore;
  private readonly step: number;
  private readonly seededEnd: number;
  private readonly count: number;
  private readonly versions = new Map<number, number>();
  private readonly created = new Map<number, number>();

  constructor(
    private readonly seed: number,
    records: number,
  ) {
    const count = Math.max(0, Math.floor(records));
    this.count = count;
    this.projectCount = Math.max(2, Math.min(8, Math.ceil(count / 1500)));
    this.step = Math.max(60, Math.floor(threeYears / Math.max(1, count)));
    this.seededEnd = Date.UTC(2025, 0, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 97) * 86_400;
    this.clock = new SandboxClock(this.seededEnd, 47);
    this.store = new RecordStore({
      make: (k) => ({ id: issueId(k) }),
      keyOf: (record) => String(record['id']),
      keyAt: issueId,
      count,
      clock: this.clock,
      secret: hash32(seed, 0x155e),
      stepSeconds: this.step,
      partitionOf: (k) => String(k % this.projectCount),
    });
  }

  /** Jira's `updated` (epoch ms) for a store time (epoch seconds). */
  ms(at: number): number {
    return at * 1000 + 1 + (hash32(this.seed, at, 0x3d) % 999);
  }

  facts(entry: StoredRecord): IssueFacts {
    const k = entry.index;
    const updatedMs = this.ms(entry.at);
    // A seeded issue was created up to half a step before its seeded update (which a later edit leaves behind).
    const seededAt = this.seededEnd - this.step * (this.count - k);
    const createdMs = this.created.get(k) ?? this.ms(seededAt) - Math.floor(hashUnit(this.seed, k, 1) * this.step * 500);
    const version = this.versions.get(k) ?? 0;
    return { index: k, id: entry.key, ...this.place(k), version, createdMs, updatedMs, fresh: this.created.has(k) && version === 0 };
  }

  private place(k: number): { project: number; number: number } {
    return { project: k % this.projectCount, number: Math.floor(k / this.projectCount) + 1 };
  }

  /** A live issue by project index and number, or by id. */
  find(project: number, number: number): StoredRecord | undefined {
    if (!Number.isInteger(number) || number < 1) return undefined;
    return this.byId(issueId((number - 1) * this.projectCount + project));
  }

  byId(id: string): StoredRecord | undefined {
    const entry = this.store.get(id);
    return entry && !entry.deleted ? entry : undefined;
  }

  /**
   * `POST /_sandbox/changes` for issues: the store picks which to update and delete, and creates new ones
   * round-robin over the projects; the batch shares one moment. `keyOf` names an issue by its project and number.
   */
  apply(change: { stream: string; create: number; update: number; delete: number }, keyOf: (project: number, number: number) => string): ChangeResult {
    if (change.stream !== 'issues') {
      throw new SandboxControlError(400, `stream must be "issues" (projects are fixed by the seed), not "${change.stream}"`);
    }
    const empty: ChangeResult = { updated_at: null, created: [], updated: [], deleted: [], keys: { created: [], updated: [], deleted: [] } };
    if (change.create + change.update + change.delete === 0) return empty;
    const { at, result } = this.clock.batch(() => this.store.apply(change));
    const indexOf = (id: string) => Number(id) - 10000;
    for (const id of result.updated) this.versions.set(indexOf(id), (this.versions.get(indexOf(id)) ?? 0) + 1);
    for (const id of result.created) this.created.set(indexOf(id), this.ms(at));
    const keys = (ids: string[]) => ids.map((id) => {
      const { project, number } = this.place(indexOf(id));
      return keyOf(project, number);
    });
    return { ...result, updated_at: new Date(this.ms(at)).toISOString(), keys: { created: keys(result.created), updated: keys(result.updated), deleted: keys(result.deleted) } };
  }
}

export function issueId(k: number): string {
  return String(10000 + k);
}
