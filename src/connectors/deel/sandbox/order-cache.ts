import type { RecordStore } from '../../kit/sandbox/index.js';

const maxCached = 8;

/**
 * Ordered, filtered lists kept until their store changes: a list is built once per change and query, then
 * sliced per page, so page 1,000 costs what page 1 does.
 */
export class OrderCache<T> {
  private readonly lists = new Map<string, { reached: number; value: T[] }>();

  order(store: RecordStore, query: unknown, build: () => T[]): T[] {
    const key = JSON.stringify(query);
    const hit = this.lists.get(key);
    if (hit && hit.reached === store.reached) return hit.value;
    const value = build();
    this.lists.delete(key);
    this.lists.set(key, { reached: store.reached, value });
    while (this.lists.size > maxCached) this.lists.delete(this.lists.keys().next().value!);
    return value;
  }
}
