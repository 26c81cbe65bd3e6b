/**
 * Runs an async iterable ahead of its consumer, holding at most `depth` items that the consumer has not taken
 * yet. The engine uses it so that a stream's next pages are fetched and parsed while the previous batch is
 * being committed, instead of the reader and the writer taking turns.
 *
 * - Order is kept, and the source is pulled one item at a time (never two `next()` calls at once), so any
 *   async iterable works, not only async generators.
 * - `take` is applied to each item as it arrives, before the source resumes: the engine uses it to copy what
 *   a reader might still mutate after yielding it.
 * - A source error reaches the consumer after the items that came before it.
 * - When the consumer stops early (an error, a cancellation), the source is not awaited: the item it is
 *   producing (at most one page in flight) finishes or fails on its own, then the source is closed with
 *   `return()`. Awaiting it would make a failed commit wait for a slow provider.
 */
export async function* readAhead<T>(source: AsyncIterable<T>, depth: number, take: (item: T) => T = (item) => item): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  const buffer: T[] = [];
  let ended = false;
  let failure: { error: unknown } | null = null;
  let stopped = false;
  let wakeConsumer: (() => void) | null = null;
  let wakeProducer: (() => void) | null = null;
  const wake = (which: 'consumer' | 'producer') => {
    const fn = which === 'consumer' ? wakeConsumer : wakeProducer;
    if (which === 'consumer') wakeConsumer = null;
    else wakeProducer = null;
    if (!fn) return;
    // A waiting consumer resumes on the next turn of the event loop, not in a microtask: the source first runs on
    // to its next I/O (the request for the page after this one goes out), and only then does the consumer's
    // synchronous work (hashing a page of records) start. Resumed in a microtask, the consumer ran first and the
    // provider only got the next request once it was done: the two took turns instead of overlapping.
    if (which === 'consumer') setImmediate(fn);
    else fn();
  };

  const pump = (async () => {
    try {
      while (!stopped) {
        if (buffer.length >= Math.max(1, depth)) {
          await new Promise<void>((resolve) => (wakeProducer = resolve));
          continue;
        }
        const result = await iterator.next();
        if (result.done) return;
        if (stopped) return;
        buffer.push(take(result.value));
        wake('consumer');
      }
    } catch (error) {
      failure = { error };
    } finally {
      ended = true;
      wake('consumer');
    }
  })();

  let completed = false;
  try {
    for (;;) {
      if (buffer.length > 0) {
        const item = buffer.shift()!;
        wake('producer');
        yield item;
        continue;
      }
      if (failure) throw (failure as { error: unknown }).error;
      if (ended) {
        completed = true;
        return;
      }
      await new Promise<void>((resolve) => (wakeConsumer = resolve));
    }
  } finally {
    stopped = true;
    wake('producer');
    if (!completed) {
      // Closing the source runs its `finally` blocks; queued behind the item it may still be producing. The consumer
      // has already stopped, with its own error or a cancellation that is what gets reported; a source failing to
      // close (its connector's cleanup) has nobody left to tell, and holds nothing of the run's.
      void pump.then(() => (failure ? undefined : iterator.return?.())).catch(() => undefined);
    }
  }
}
