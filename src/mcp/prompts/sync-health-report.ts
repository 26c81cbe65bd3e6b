import type { GetPromptResult } from '@modelcontextprotocol/sdk/types.js';
import type { AppDeps } from '../../api/app-deps.js';
import type { McpCaller } from '../mcp-caller.js';
import { listConnectionsTool } from '../tools/connections/list-connections.js';

/** Connections put in the report; the prompt says when there are more. */
const reportLimit = 100;

/**
 * The health of every connection the caller may see (status, last sync and its error, last credentials check),
 * with the instruction to report what is broken, why, and what to do first.
 */
export async function syncHealthReport(deps: AppDeps, caller: McpCaller, signal: AbortSignal): Promise<GetPromptResult> {
  const page = await listConnectionsTool.run({ deps, caller, signal }, { include_all: true, limit: reportLimit, status: undefined, connector: undefined, product: undefined });
  const rows = page.connections.map((c) => ({
    id: c.id,
    name: c.name,
    connector: c.connector,
    product: c.product,
    status: c.status,
    last_sync_at: c.last_sync_at,
    last_sync_status: c.last_sync_status,
    last_sync_error: c.last_sync_error,
    last_check_ok: c.last_check_ok,
    last_check_message: c.last_check_message,
    schedule: c.schedule,
  }));
  const text = [
    'Write a short health report of these Tributary connections for the operator.',
    'Group them: failing (status error, or last sync FAILED), stale (no successful sync for longer than their schedule suggests), waiting (pending, pending_auth, disconnected, disabled), healthy.',
    'For each problem give the likely cause from its error and the first thing to do. get_connection, get_run and get_run_logs give details; start_sync retries one.',
    page.next_cursor ? `Only the first ${reportLimit} connections are listed: say so.` : '',
    '',
    JSON.stringify(rows),
  ].join('\n');
  return { description: 'Health of the connections', messages: [{ role: 'user', content: { type: 'text', text } }] };
}
