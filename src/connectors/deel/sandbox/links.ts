/**
 * Which person works under which contract, and when records added through `/_sandbox/changes` were created.
 * Seeded person `k` is hired with seeded contract `k`; a later hire brings a contract of its own, and a contract
 * created on its own has no worker yet. The kit's stores hold the records; this holds only what ties them.
 */
export class DeelLinks {
  private readonly contractOfPerson = new Map<number, number>();
  private readonly workerOfContract = new Map<number, number | null>();
  private readonly createdAt = { people: new Map<number, number>(), contracts: new Map<number, number>() };

  constructor(readonly seeded: number) {}

  /** The contract a person was hired with. */
  contractOf(k: number): number {
    return this.contractOfPerson.get(k) ?? k;
  }

  /** The person a contract is for, or null for one whose worker is not invited yet. */
  workerOf(c: number): number | null {
    if (c < this.seeded) return c;
    return this.workerOfContract.get(c) ?? null;
  }

  hire(k: number, c: number): void {
    this.contractOfPerson.set(k, c);
    this.workerOfContract.set(c, k);
  }

  /** When a record added by a change was created (epoch seconds); undefined for seeded ones. */
  created(stream: 'people' | 'contracts', index: number): number | undefined {
    return this.createdAt[stream].get(index);
  }

  markCreated(stream: 'people' | 'contracts', index: number, at: number): void {
    this.createdAt[stream].set(index, at);
  }
}
