import { expect } from 'vitest';
import { newId } from '../../src/core/ids.js';
import type { Db } from '../../src/db/db.js';
import { insertRunUnlessActive, type RunRow } from '../../src/db/queries/runs.js';
import type { ApiResponse, RunLogList, RunView, StartRunResponse } from './api-types.js';
import type { TestRuntime } from './test-runtime.js';
import { waitForRun } from './wait-for-run.js';

/** The run view's per-stream counts (GET /api/v1/runs/:id). */
export type StreamCounts = RunView['streams'][number];

export interface InstallInput {
  fields: Record<string, string>;
  config?: Record<string, unknown>;
  /** false: save without the provider's probe, as `pending` (for hosts nothing answers on). */
  verify?: boolean;
}

/** POST /api/v1/connections; returns the new connection's id. */
export async function install(rt: TestRuntime, key: string, connector: string, input: InstallInput & { name?: string; schedule?: unknown; company_id?: string; product?: string }): Promise<string> {
  const res = await rt.inject<{ id: string }>({ method: 'POST', url: '/api/v1/connections', key, body: { connector, ...input } });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id;
}

/** POST /api/v1/connections/:id/runs (202); returns the response body `{ run, existing, message }`. */
export async function startRun(rt: TestRuntime, key: string, connectionId: string, body: { streams?: string[]; full_refresh?: boolean } = {}): Promise<StartRunResponse> {
  const res = await rt.inject<StartRunResponse>({ method: 'POST', url: `/api/v1/connections/${connectionId}/runs`, key, body });
  expect(res.status, JSON.stringify(res.body)).toBe(202);
  return res.body;
}

/** Starts a run and waits for its final status. */
export async function syncAndWait(
  rt: TestRuntime,
  key: string,
  connectionId: string,
  body: { streams?: string[]; full_refresh?: boolean } = {},
  timeoutMs = 60_000,
): Promise<RunView> {
  const started = await startRun(rt, key, connectionId, body);
  expect(started.existing, 'a run was already active').toBe(false);
  return waitForRun(rt, key, started.run.id, timeoutMs);
}

export function countsOf(run: { streams: StreamCounts[] }, stream: string): StreamCounts {
  const found = run.streams.find((s) => s.stream === stream);
  if (!found) throw new Error(`run has no stream ${stream}: ${JSON.stringify(run.streams)}`);
  return found;
}

/** Every log line of a run (GET /api/v1/runs/:id/logs, paged). */
export async function runLogMessages(rt: TestRuntime, key: string, runId: string): Promise<string[]> {
  const messages: string[] = [];
  let after: number | null = null;
  for (;;) {
    const res: ApiResponse<RunLogList> = await rt.inject<RunLogList>({ method: 'GET', url: `/api/v1/runs/${runId}/logs?limit=500${after === null ? '' : `&after_id=${after}`}`, key });
    expect(res.status).toBe(200);
    messages.push(...res.body.data.map((l) => l.message));
    if (res.body.next_after_id === null) return messages;
    after = res.body.next_after_id;
  }
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `probe` until it returns a truthy value or the deadline passes (then throws with `what`). */
export async function eventually<T>(probe: () => Promise<T | undefined | null | false>, what: string, timeoutMs = 20_000, everyMs = 50): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/**
 * A PENDING run written straight to the database, as a job would find it: for suites that drive the engine
 * (`executeRun`) themselves instead of going through the API and the queue.
 */
export async function insertPendingRun(
  db: Db,
  run: { workspaceId: string; connectionId: string; streams: string[]; mode?: 'incremental' | 'full_refresh' },
): Promise<RunRow> {
  const { run: row } = await insertRunUnlessActive(db, {
    id: newId('run'),
    workspaceId: run.workspaceId,
    connectionId: run.connectionId,
    trigger: 'api',
    mode: run.mode ?? 'full_refresh',
    status: 'PENDING',
    streams: run.streams,
  });
  return row;
}
