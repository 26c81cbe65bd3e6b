/**
 * A one-shot signal for tests: one side `open`s it (a request handler, a connector's reader, an event), the other
 * `await`s `opened`. Synchronising on the event itself instead of sleeping for "long enough" is what keeps a test
 * from depending on how fast the machine is.
 */
export interface Latch<T = void> {
  readonly opened: Promise<T>;
  readonly isOpen: boolean;
  open(value: T): void;
}

export function latch<T = void>(): Latch<T> {
  let release!: (value: T) => void;
  let isOpen = false;
  const opened = new Promise<T>((resolve) => (release = resolve));
  return {
    opened,
    get isOpen() {
      return isOpen;
    },
    open(value: T) {
      isOpen = true;
      release(value);
    },
  };
}

/** Resolves never, rejects with the signal's reason once it aborts: a reader parked until its run stops it. */
export function untilAborted(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) return reject(signal.reason);
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}
