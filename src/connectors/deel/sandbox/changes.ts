import type { JsonRecord } from '../../kit/index.js';
import { isoSeconds, SandboxControlError, type SandboxClock, type SimulatorContext } from '../../kit/sandbox/index.js';
import type { DeelLinks } from './links.js';

/**
 * `POST /_sandbox/changes` as Deel's organization changes. People: updates move a person's job and hiring
 * status on (and their `updated_at`), creates hire someone new together with their contract, deletes remove the
 * profile (its contract stays). Contracts: updates move the status on, creates draft a contract without a worker
 * yet, deletes remove it. One batch shares one timestamp, later than everything before it.
 */
export function deelChanges(clock: SandboxClock, links: DeelLinks) {
  return (change: { stream: string; create: number; update: number; delete: number }, ctx: SimulatorContext): JsonRecord => {
    const stream = change.stream;
    if (stream !== 'people' && stream !== 'contracts') throw new SandboxControlError(400, `stream must be "people" or "contracts", not "${stream}"`);
    if (change.create + change.update + change.delete === 0) return { at: null, created: [], updated: [], deleted: [] };
    const people = ctx.store('people');
    const contracts = ctx.store('contracts');
    const { at, result } = clock.batch((now) => {
      const store = stream === 'people' ? people : contracts;
      // Updates and deletes first: they pick among the records that were there before this batch.
      const touched = store.apply({ update: change.update, delete: change.delete });
      const created: string[] = [];
      for (let i = 0; i < change.create; i++) {
        const contractKey = contracts.apply({ create: 1 }).created[0]!;
        const c = contracts.get(contractKey)!.index;
        links.markCreated('contracts', c, now);
        if (stream === 'contracts') {
          created.push(contractKey);
          continue;
        }
        const personKey = people.apply({ create: 1 }).created[0]!;
        const k = people.get(personKey)!.index;
        links.markCreated('people', k, now);
        links.hire(k, c);
        created.push(personKey);
      }
      return { created, updated: touched.updated, deleted: touched.deleted };
    });
    return { at: isoSeconds(at), ...result };
  };
}
