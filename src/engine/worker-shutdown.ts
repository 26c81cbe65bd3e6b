/**
 * A worker's shutdown as its runs see it, in two steps: `request()` asks every run to stop at its next page
 * boundary, commit what it has read and hand itself back; `abort()` (at the end of the grace period) also cuts
 * the provider request in flight, for a run stuck waiting on a slow page. Built once per process.
 */
export class WorkerShutdown {
  #requested = false;
  readonly #hard = new AbortController();

  get requested(): boolean {
    return this.#requested;
  }

  /** Aborted when runs must stop now, without waiting for a page boundary. */
  get signal(): AbortSignal {
    return this.#hard.signal;
  }

  request(): void {
    this.#requested = true;
  }

  abort(): void {
    this.#requested = true;
    this.#hard.abort();
  }
}
