import { type ChangeRequest, hash32, Prng, SandboxClock, SandboxControlError } from '../../kit/sandbox/index.js';
import type { DeelWorld } from './world.js';

/**
 * The sandbox's mutable state, holding only what changed since the seed. Seeded people are indexes `0..n-1`,
 * each with one contract of the same index; people and contracts created later get the next indexes. Times are
 * epoch milliseconds; the seeded ones lie in the two years before the clock's start, so every change (one
 * clock tick per batch) is later than anything seeded.
 */
interface Revision {
  version: number;
  updatedAt: number;
}

/** 2025-06-01T00:00:00Z: fixed, so the same seed gives the same timestamps on any day. */
const clockStart = Date.UTC(2025, 5, 1) / 1000;
const seededSpan = 2 * 365 * 86_400;

export interface ChangeResult {
  stream: 'people' | 'contracts';
  at: string | null;
  created: string[];
  updated: string[];
  deleted: string[];
}

export class DeelStore {
  readonly clock = new SandboxClock(clockStart, 60);
  /** Bumped by every change; list caches key on it. */
  version = 0;
  private nextPerson: number;
  private nextContract: number;
  private readonly personRevisions = new Map<number, Revision>();
  private readonly contractRevisions = new Map<number, Revision>();
  private readonly createdPeople = new Map<number, { createdAt: number; contract: number }>();
  private readonly createdContracts = new Map<number, { createdAt: number; worker: number | null }>();
  private readonly deletedPeople = new Set<number>();
  private readonly deletedContracts = new Set<number>();
  private batches = 0;

  constructor(
    readonly seed: number,
    readonly seeded: number,
    private readonly world: DeelWorld,
  ) {
    this.nextPerson = seeded;
    this.nextContract = seeded;
  }

  /** Every person index ever issued (live or deleted), in creation order. */
  get personIndexes(): number {
    return this.nextPerson;
  }

  get contractIndexes(): number {
    return this.nextContract;
  }

  personExists(k: number): boolean {
    return k >= 0 && k < this.nextPerson && !this.deletedPeople.has(k);
  }

  contractExists(c: number): boolean {
    return c >= 0 && c < this.nextContract && !this.deletedContracts.has(c);
  }

  personCreatedAt(k: number): number {
    const created = this.createdPeople.get(k);
    if (created) return created.createdAt;
    return (clockStart - seededSpan) * 1000 + Math.floor((hash32(this.seed, 11, k) / 0x1_0000_0000) * (seededSpan - 7200) * 1000);
  }

  personUpdatedAt(k: number): number {
    const revised = this.personRevisions.get(k);
    if (revised) return revised.updatedAt;
    const created = this.personCreatedAt(k);
    const room = clockStart * 1000 - 3_600_000 - created;
    return created + Math.floor((hash32(this.seed, 12, k) / 0x1_0000_0000) * room);
  }

  personVersion(k: number): number {
    return this.personRevisions.get(k)?.version ?? 0;
  }

  /** The contract a person was hired with. */
  contractOf(k: number): number {
    return this.createdPeople.get(k)?.contract ?? k;
  }

  contractCreatedAt(c: number): number {
    const created = this.createdContracts.get(c);
    if (created) return created.createdAt;
    // A seeded contract is drafted a few hours before its worker's profile is completed.
    return this.personCreatedAt(c) - (hash32(this.seed, 13, c) % 86_400) * 1000;
  }

  contractVersion(c: number): number {
    return this.contractRevisions.get(c)?.version ?? 0;
  }

  /** The person a contract is for, or null for a contract whose worker is not invited yet. */
  workerOf(c: number): number | null {
    const created = this.createdContracts.get(c);
    return created ? created.worker : c;
  }

  counts(): { people: number; contracts: number } {
    return { people: this.nextPerson - this.deletedPeople.size, contracts: this.nextContract - this.deletedContracts.size };
  }

  /**
   * `POST /_sandbox/changes`. People: updates change a person's job, seniority or hiring status (and its
   * `updated_at`), creates hire someone new together with their contract, deletes remove the profile (its
   * contract stays). Contracts: updates move the status on, creates draft a contract without a worker yet,
   * deletes remove it. One batch shares one timestamp, later than everything before it.
   */
  applyChanges(change: ChangeRequest): ChangeResult {
    if (change.stream !== 'people' && change.stream !== 'contracts') {
      throw new SandboxControlError(400, `stream must be "people" or "contracts", not "${change.stream}"`);
    }
    const stream = change.stream;
    this.batches += 1;
    const result: ChangeResult = { stream, at: null, created: [], updated: [], deleted: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const at = this.clock.tick() * 1000;
    result.at = new Date(at).toISOString();
    const rng = new Prng(hash32(this.seed, 0xde31, this.batches));

    if (stream === 'people') {
      const picked = this.pickLive(this.nextPerson, (k) => this.personExists(k), change.update + change.delete, rng);
      for (const k of picked.slice(0, change.update)) {
        this.personRevisions.set(k, { version: this.personVersion(k) + 1, updatedAt: at });
        result.updated.push(this.world.personId(k));
      }
      for (const k of picked.slice(change.update)) {
        this.deletedPeople.add(k);
        result.deleted.push(this.world.personId(k));
      }
      for (let i = 0; i < change.create; i++) {
        const k = this.nextPerson++;
        const c = this.nextContract++;
        this.createdPeople.set(k, { createdAt: at, contract: c });
        this.createdContracts.set(c, { createdAt: at, worker: k });
        this.personRevisions.set(k, { version: 0, updatedAt: at });
        result.created.push(this.world.personId(k));
      }
    } else {
      const picked = this.pickLive(this.nextContract, (c) => this.contractExists(c), change.update + change.delete, rng);
      for (const c of picked.slice(0, change.update)) {
        this.contractRevisions.set(c, { version: this.contractVersion(c) + 1, updatedAt: at });
        result.updated.push(this.world.contractId(c));
      }
      for (const c of picked.slice(change.update)) {
        this.deletedContracts.add(c);
        result.deleted.push(this.world.contractId(c));
      }
      for (let i = 0; i < change.create; i++) {
        const c = this.nextContract++;
        this.createdContracts.set(c, { createdAt: at, worker: null });
        result.created.push(this.world.contractId(c));
      }
    }
    this.version += 1;
    return result;
  }

  /** Up to `count` distinct live indexes below `total`, chosen by `rng`. */
  private pickLive(total: number, live: (i: number) => boolean, count: number, rng: Prng): number[] {
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20 && total > 0; attempt++) {
      const i = rng.int(total);
      if (live(i)) chosen.add(i);
    }
    // Few live ones left: take them in order rather than hoping the dice find them.
    for (let i = 0; chosen.size < count && i < total; i++) if (live(i)) chosen.add(i);
    return [...chosen];
  }
}
