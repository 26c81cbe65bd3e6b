import { SandboxClock } from '../../kit/sandbox/index.js';

/**
 * The sandbox clock, held still during one change batch: Deel's sandbox gives every record a batch touches the
 * same timestamp (the batch's `at`), where the kit's stores tick once per record.
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
