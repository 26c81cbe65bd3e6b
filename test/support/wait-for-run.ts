import type { RunView } from './api-types.js';
import type { TestRuntime } from './test-runtime.js';

const finished: readonly string[] = ['COMPLETED', 'FAILED', 'CANCELLED'];

/** Polls a run until it reaches a final status (or the deadline, which fails the test with the last state). */
export async function waitForRun(rt: TestRuntime, key: string, runId: string, timeoutMs = 60_000): Promise<RunView> {
  const deadline = Date.now() + timeoutMs;
  let last: RunView | undefined;
  while (Date.now() < deadline) {
    last = (await rt.inject<RunView>({ method: 'GET', url: `/api/v1/runs/${runId}`, key })).body;
    if (finished.includes(last.status)) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`run ${runId} did not finish in ${timeoutMs} ms: ${JSON.stringify(last)}`);
}
