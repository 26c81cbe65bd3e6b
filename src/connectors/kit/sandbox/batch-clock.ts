import { SandboxClock } from './clock.js';

/**
 * A sandbox clock that can be held still for one change batch: providers that stamp every record a request touches
 * with one moment (a Graph mailbox's batch shares one `lastModifiedDateTime`), where the kit's stores tick once
 * per record.
 *
 * @example
 * ```ts
 * const clock = new BatchClock(clockStart, 60);
 * const { at, result } = clock.batch(() => store.apply({ create: 2, update: 3 })); // all five at `at`
 * ```
 */
export class BatchClock extends SandboxClock {
  private held: number | undefined;

  override tick(): number {
    return this.held ?? super.tick();
  }

  /** Runs `change` with every tick inside it answering one new moment, which it returns. */
  batch<T>(change: (at: number) => T): { at: number; result: T } {
    const at = super.tick();
    this.held = at;
    try {
      return { at, result: change(at) };
    } finally {
      this.held = undefined;
    }
  }
}
