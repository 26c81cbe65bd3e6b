/**
 * The signal one attempt runs under: the caller's signal plus a per-attempt timeout. Built by hand rather
 * than with `AbortSignal.any`, whose dependants stay attached to a long-lived run signal in Node 20 and
 * pile up over thousands of requests; `dispose` detaches explicitly. `timedOut` tells a timeout (retried)
 * apart from a cancellation (never retried).
 */
export interface AttemptSignal {
  signal: AbortSignal;
  timedOut(): boolean;
  dispose(): void;
}

export function createAttemptSignal(caller: AbortSignal | undefined, timeoutMs: number): AttemptSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = (): void => controller.abort(caller?.reason);
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new DOMException(`attempt timed out after ${timeoutMs} ms`, 'TimeoutError'));
  }, timeoutMs);
  timer.unref?.();
  if (caller?.aborted) onAbort();
  else caller?.addEventListener('abort', onAbort, { once: true });
  return {
    signal: controller.signal,
    timedOut: () => timedOut,
    dispose: () => {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    },
  };
}
