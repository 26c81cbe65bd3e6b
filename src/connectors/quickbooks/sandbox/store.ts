import {
  assignWorldPeople,
  businessWorld,
  type ChangeRequest,
  hash32,
  Prng,
  SandboxClock,
  SandboxControlError,
  type WorldPerson,
} from '../../kit/sandbox/index.js';
import { EntityTable } from './entity-table.js';
import { QuickBooksLayout, type EntityName } from './layout.js';
import { qboTime } from './time.js';

/** The streams `POST /_sandbox/changes` accepts, and the entity behind each. */
export const changeStreams: Record<string, EntityName> = { invoices: 'Invoice', customers: 'Customer' };

export interface ChangeResult {
  stream: string;
  /** `Metadata.LastUpdatedTime` shared by the whole batch. */
  updated_at: string | null;
  created: string[];
  updated: string[];
  /** Invoices: deleted (reported by CDC with `status: "Deleted"`). */
  deleted: string[];
  /** Customers cannot be deleted in QuickBooks, only made inactive (`Active: false`): an update. */
  deactivated: string[];
}

/** The simulated company: its seeded layout, what changed since, and the clock changes are stamped with. */
export class QuickBooksStore {
  readonly layout: QuickBooksLayout;
  readonly clock: SandboxClock;
  readonly invoices: EntityTable;
  readonly customers: EntityTable;
  private batches = 0;
  /** Seeded customers who are client companies of the shared business world (each person at most once), by index. */
  private readonly worldPeople: Map<number, WorldPerson>;

  constructor(
    readonly seed: number,
    records: number,
    world?: number,
  ) {
    this.layout = new QuickBooksLayout(seed, records);
    this.clock = new SandboxClock(this.layout.end + 3600, 60);
    this.invoices = new EntityTable('Invoice', this.layout);
    this.customers = new EntityTable('Customer', this.layout);
    // About half of the seeded customers are the world's client companies, through one of their people.
    this.worldPeople = assignWorldPeople(businessWorld(world), seed, 0xc0e1d, this.layout.customers, 0.5, { freeMail: false });
  }

  /** The shared business world's person (and company) this customer is, if any. */
  worldPerson(k: number): WorldPerson | undefined {
    return this.worldPeople.get(k);
  }

  table(entity: EntityName): EntityTable {
    return entity === 'Invoice' ? this.invoices : this.customers;
  }

  /**
   * Updates and deletes pick live entities at random (seeded by the batch number); creates add new ones.
   * A batch shares one timestamp, strictly later than every existing one. Deleting a customer makes it
   * inactive, as QuickBooks does (customers with history cannot be removed).
   */
  applyChanges(change: ChangeRequest): ChangeResult {
    const entity = changeStreams[change.stream];
    if (!entity) throw new SandboxControlError(400, `stream must be one of ${Object.keys(changeStreams).join(', ')}, not "${change.stream}"`);
    const table = this.table(entity);
    this.batches += 1;
    const result: ChangeResult = { stream: change.stream, updated_at: null, created: [], updated: [], deleted: [], deactivated: [] };
    if (change.create + change.update + change.delete === 0) return result;
    const at = this.clock.tick();
    result.updated_at = qboTime(at);
    const rng = new Prng(hash32(this.seed, 0x9b0c, this.batches));
    const picked = this.pickLive(table, change.update + change.delete, rng, entity === 'Customer');
    for (const k of picked.slice(0, change.update)) {
      table.update(k, at);
      result.updated.push(String(k + 1));
    }
    for (const k of picked.slice(change.update)) {
      if (entity === 'Customer') {
        table.update(k, at, { active: false });
        result.deactivated.push(String(k + 1));
      } else {
        table.delete(k, at);
        result.deleted.push(String(k + 1));
      }
    }
    for (let i = 0; i < change.create; i++) result.created.push(String(table.create(at) + 1));
    return result;
  }

  /** Up to `count` distinct live entities chosen by `rng` (active ones only when deactivating customers). */
  private pickLive(table: EntityTable, count: number, rng: Prng, activeOnly: boolean): number[] {
    const candidates = table.indexCount;
    const usable = (k: number | null): k is number => k !== null && (!activeOnly || table.active(k));
    const chosen = new Set<number>();
    for (let attempt = 0; chosen.size < count && attempt < count * 20; attempt++) {
      const k = table.liveAt(rng.int(candidates));
      if (usable(k)) chosen.add(k);
    }
    // Few live entities left: take them in order rather than hoping the dice find them.
    for (let i = 0; chosen.size < count && i < candidates; i++) {
      const k = table.liveAt(i);
      if (usable(k)) chosen.add(k);
    }
    return [...chosen];
  }
}
