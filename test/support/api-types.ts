import type { z } from 'zod';
import type { ConnectionListSchema, ConnectionView, RunView } from '../../src/contracts/api/connections.js';
import type { AuthorizeResponseSchema } from '../../src/contracts/api/oauth.js';
import type { RecordListSchema } from '../../src/contracts/api/records.js';
import type { RunLogListSchema, StartRunResponseSchema } from '../../src/contracts/api/runs.js';
import type { ErrorBody } from '../../src/contracts/errors.js';

/**
 * The bodies the test helpers return, taken from the API's own response schemas (src/contracts/api), so a test
 * reads `run.totals.created` with the type the API promises instead of `any`.
 */
export type { ConnectionView, ErrorBody, RunView };
export type StartRunResponse = z.infer<typeof StartRunResponseSchema>;
export type RunLogList = z.infer<typeof RunLogListSchema>;
export type RecordList = z.infer<typeof RecordListSchema>;
export type ConnectionList = z.infer<typeof ConnectionListSchema>;
export type AuthorizeResponse = z.infer<typeof AuthorizeResponseSchema>;
/** POST /connectors/:id/verify, /connections/test, /connections/:id/check (its schema lives beside its route). */
export interface ProbeResponse {
  ok: boolean;
  message: string;
  success?: boolean;
}

/** One answer of the API as a test sees it: the status, the parsed body (typed by the caller) and the raw text. */
export interface ApiResponse<T> {
  status: number;
  body: T;
  headers: Record<string, unknown>;
  raw: string;
}
