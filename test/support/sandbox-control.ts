import type { FaultRequest } from '../../src/connectors/kit/sandbox/faults.js';
import type { StatsSnapshot } from '../../src/connectors/kit/sandbox/stats.js';

/**
 * The control endpoints every sandbox serves under `/_sandbox/` (src/connectors/kit/sandbox/server.ts), over
 * HTTP as a user or a CI script would call them.
 */
async function control<T>(baseUrl: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${baseUrl}/_sandbox/${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} /_sandbox/${path} answered ${res.status}: ${text}`);
  return (text === '' ? undefined : JSON.parse(text)) as T;
}

export interface SandboxChangeRequest {
  stream: string;
  create?: number;
  update?: number;
  delete?: number;
}

export const sandboxChanges = <T = unknown>(baseUrl: string, change: SandboxChangeRequest): Promise<T> => control<T>(baseUrl, 'POST', 'changes', change);

export const injectFaults = (baseUrl: string, fault: FaultRequest): Promise<unknown> => control(baseUrl, 'POST', 'faults', fault);

export const clearFaults = (baseUrl: string): Promise<unknown> => control(baseUrl, 'DELETE', 'faults');

export const pendingFaults = async (baseUrl: string): Promise<{ kind: string; remaining: number; after: number }[]> =>
  (await control<{ pending: { kind: string; remaining: number; after: number }[] }>(baseUrl, 'GET', 'faults')).pending;

export const sandboxStats = (baseUrl: string): Promise<StatsSnapshot> => control<StatsSnapshot>(baseUrl, 'GET', 'stats');

export const resetSandboxStats = (baseUrl: string): Promise<StatsSnapshot> => control<StatsSnapshot>(baseUrl, 'DELETE', 'stats');
