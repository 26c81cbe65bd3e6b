import { type ChangeRequest, hash32, Prng, SandboxControlError } from '../../kit/sandbox/index.js';
import { JiraLayout } from './layout.js';

/**
 * The sandbox's mutable state: only what changed since the seed. Seeded issues are computed by `JiraLayout`; this
 * keeps the updated (new version and `updated`), created and deleted ones, and runs the clock changes are stamped
 * with (epoch ms, never the wall clock: the same seed and changes give the same data).
 */
interface Mutation {
  version: number;
  updatedAt: number;
}

interface Created {
  project: number;
  number: number;
  createdAt: number;
}

export interface ChangeResult {
  stream: 'issues';
  /** When the batch happened (every issue of it shares this `updated`), ISO. */
  updated_at: string | null;
  /** Issue ids (strings, as Jira has them). */
  created: string[];
  updated: string[];
  deleted: string[];
  /** The same issues by key, easier to look at. */
  keys: { created: string[]; updated: string[]; deleted: string[] };
}

export class JiraStore {
  readonly layout: JiraLayout;
  /** Bumped by every change; query caches key on it. */
  version = 0;
  private clock: number;
  private readonly mutations = new Map<number, Mutation>();
  private readonly created = new Map<number, Created>();
  private readonly byKey = new Map<string, number>();
  private readonly deleted = new Set<number>();
  private readonly createdList: number[] = [];
  private readonly nextNumber: number[];
  private nextIndex: number;
  private batches = 0;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.layout = new JiraLayout(seed, records);
    this.clock = this.layout.end + 3_600_000;
    this.nextIndex = this.layout.issueCount;
    this.nextNumber = Array.from({ length: this.layout.projectCount }, (_, p) => this.layout.seededIn(p) + 1);
  }

  /** The latest time issued to a change (or just after the seeded data), epoch ms. */
  now(): number {
    return this.clock;
  }

  exists(k: number): boolean {
    return (this.layout.isSeeded(k) || this.created.has(k)) && !this.deleted.has(k);
  }

  projectOf(k: number): number {
    return this.created.get(k)?.project ?? this.layout.projectOf(k);
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

  isNew(k: number): boolean {
    return this.created.has(k) && this.versionOf(k) === 0;
  }

  /** A live issue by project index and number, or null. */
  find(project: number, number: number): number | null {
    const created = this.byKey.get(`${project}-${number}`);
    if (created !== undefined) return this.exists(created) ? created : null;
    if (!Number.isInteger(number) || number < 1) return null;
    const k = (number - 1) * this.layout.projectCount + project;
    return this.layout.isSeeded(k) && this.exists(k) ? k : null;
  }

  /** Seeded issues that no longer sit at their seeded place (changed or deleted), ascending. */
  displacedSeeded(): number[] {
    const out = new Set<number>();
    for (const k of this.deleted) if (this.layout.isSeeded(k)) out.add(k);
    for (const k of this.mutations.keys()) if (this.layout.isSeeded(k)) out.add(k);
    return [...out].sort((a, b) => a - b);
  }

  /** Live issues that changed after the seed (updated or created), in no particular order. */
  changedLive(): number[] {
    return [...this.mutations.keys()].filter((k) => !this.deleted.has(k));
  }

  /** Live issues per project. */
  counts(): number[] {
    const counts = Array.from({ length: this.layout.projectCount }, (_, p) => this.layout.seededIn(p));
    for (const k of this.created.keys()) counts[this.projectOf(k)]! += 1;
    for (const k of this.deleted) counts[this.projectOf(k)]! -= 1;
    return counts;
  }

  /**
   * Applies `POST /_sandbox/changes`: updates and deletes pick live issues at random (seeded by the batch number),
   * creates add new issues round-robin over the projects. One batch shares one `updated`, a few tens of seconds after
   * the previous batch and at an odd millisecond, so it rarely falls on a minute boundary (as JQL's minutes do not).
   */
  applyChanges(change: ChangeRequest, describe: (k: number) => { id: string; key: string }): ChangeResult {
    if (change.stream !== 'issues') {
      throw new SandboxControlError(400, `stream must be "issues" (projects are fixed by the seed), not "${change.stream}"`);
    }
    this.batches += 1;
    const result: ChangeResult = { stream: 'issues', updated_at: null, created: [], updated: [], deleted: [], keys: { created: [], updated: [], deleted: [] } };
    if (change.create + change.update + change.delete === 0) return result;

    const rng = new Prng(hash32(this.seed, 0x1a2a, this.batches));
    this.clock += 20_000 + rng.int(40_000) + 1 + rng.int(998);
    const at = this.clock;
    result.updated_at = new Date(at).toISOString();
    const record = (list: 'created' | 'updated' | 'deleted', k: number) => {
      const { id, key } = describe(k);
      result[list].push(id);
      result.keys[list].push(key);
    };
    const picked = this.pickLive(change.update + change.delete, rng);
    for (const k of picked.slice(0, change.update)) {
      this.mutations.set(k, { version: this.versionOf(k) + 1, updatedAt: at });
      record('updated', k);
    }
    for (const k of picked.slice(change.update)) {
      record('deleted', k);
      this.deleted.add(k);
    }
    for (let i = 0; i < change.create; i++) {
      const k = this.nextIndex++;
      const project = k % this.layout.projectCount;
      const number = this.nextNumber[project]!;
      this.nextNumber[project] = number + 1;
      this.created.set(k, { project, number, createdAt: at });
      this.byKey.set(`${project}-${number}`, k);
      this.createdList.push(k);
      this.mutations.set(k, { version: 0, updatedAt: at });
      record('created', k);
    }
    this.version += 1;
    return result;
  }

  /** Up to `count` distinct live issues, chosen by `rng`. */
  private pickLive(count: number, rng: Prng): number[] {
    const seeded = this.layout.issueCount;
    const candidates = seeded + this.createdList.length;
    const at = (i: number) => (i < seeded ? i : this.createdList[i - seeded]!);
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20 && candidates > 0; attempt++) {
      const k = at(rng.int(candidates));
      if (this.exists(k)) chosen.add(k);
    }
    // Few live issues left: take them in order rather than hoping the dice find them.
    for (let i = 0; chosen.size < count && i < candidates; i++) {
      const k = at(i);
      if (this.exists(k)) chosen.add(k);
    }
    return [...chosen];
  }
}
