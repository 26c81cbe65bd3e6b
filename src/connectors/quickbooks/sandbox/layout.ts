import { hashUnit } from '../../kit/sandbox/index.js';

/**
 * Where every seeded customer and invoice sits in time, computed from `(seed, index)` alone so that a million
 * invoices cost no memory. Entity `k` of a kind has the Id `k + 1`. Timestamps grow strictly with `k`:
 * `CreateTime(k) <= LastUpdatedTime(k) < CreateTime(k + 1)`, so ordering by Id, by CreateTime or by
 * LastUpdatedTime is the same order and a `LastUpdatedTime >= t` filter is a binary search. Changes made
 * later get timestamps after all of these.
 */
export type EntityName = 'Invoice' | 'Customer';

const threeYears = 3 * 365 * 86_400;

export class QuickBooksLayout {
  readonly invoices: number;
  readonly customers: number;
  /** Seeded timestamps are before this (epoch seconds); the change clock starts after it. */
  readonly end: number;
  private readonly start: number;

  constructor(
    readonly seed: number,
    records: number,
  ) {
    this.invoices = Math.max(0, Math.floor(records));
    // A small business: about one customer for every five invoices, and never none.
    this.customers = Math.max(3, Math.ceil(this.invoices / 5));
    this.end = Date.UTC(2025, 0, 1) / 1000 - (Math.abs(Math.trunc(seed)) % 89) * 86_400;
    this.start = this.end - threeYears;
  }

  seeded(entity: EntityName): number {
    return entity === 'Invoice' ? this.invoices : this.customers;
  }

  private step(entity: EntityName): number {
    return Math.max(2, Math.floor(threeYears / Math.max(1, this.seeded(entity))));
  }

  createdAt(entity: EntityName, k: number): number {
    const step = this.step(entity);
    const salt = entity === 'Invoice' ? 1 : 11;
    return this.start + k * step + Math.floor(hashUnit(this.seed, k, salt) * Math.floor(step / 2));
  }

  updatedAt(entity: EntityName, k: number): number {
    const step = this.step(entity);
    const salt = entity === 'Invoice' ? 2 : 12;
    return this.createdAt(entity, k) + Math.floor(hashUnit(this.seed, k, salt) * Math.floor(step / 2));
  }
}
