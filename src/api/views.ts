import type { ConnectionView, RunView } from '../contracts/api/connections.js';
import { redactCredentialsDeep } from '../contracts/redact-credentials.js';
import type { ConnectionRow } from '../db/queries/connections.js';
import type { RunRow, RunStreamRow } from '../db/queries/runs.js';

const iso = (d: Date | null | undefined): string | null => (d ? new Date(d).toISOString() : null);

/** A connection as the API shows it: never its credentials, only whether it has some. */
export function connectionView(row: ConnectionRow): ConnectionView {
  return {
    id: row.id,
    connector: row.connectorId,
    name: row.name,
    status: row.status as ConnectionView['status'],
    has_credentials: row.credentials !== null,
    // Saving refuses credentials in settings (credentials_in_url); a row saved before that rule is shown without them.
    config: redactCredentialsDeep(row.config),
    crew_id: row.crewId,
    product: row.product,
    company_id: row.companyId,
    schedule: row.schedule ?? null,
    notify_user_ids: row.notifyUserIds,
    variant_group_id: row.variantGroupId,
    variant_label: row.variantLabel,
    last_sync_at: iso(row.lastSyncAt),
    last_sync_status: row.lastSyncStatus,
    last_sync_error: row.lastSyncError,
    last_check_at: iso(row.lastCheckAt),
    last_check_ok: row.lastCheckOk,
    last_check_message: row.lastCheckMessage,
    created_at: iso(row.createdAt)!,
    updated_at: iso(row.updatedAt)!,
  };
}

export function runView(row: RunRow, streams: RunStreamRow[]): RunView {
  const mine = streams.filter((s) => s.runId === row.id);
  const totals = { created: 0, updated: 0, unchanged: 0, deleted: 0, failed: 0 };
  for (const s of mine) {
    totals.created += s.created;
    totals.updated += s.updated;
    totals.unchanged += s.unchanged;
    totals.deleted += s.deleted;
    totals.failed += s.failed;
  }
  const byName = new Map(mine.map((s) => [s.stream, s]));
  return {
    id: row.id,
    connection_id: row.connectionId,
    trigger: row.trigger,
    mode: row.mode,
    status: row.status as RunView['status'],
    // Every requested stream is listed, PENDING until the worker reaches it.
    streams: row.streams.map((name) => {
      const s = byName.get(name);
      return {
        stream: name,
        status: s?.status ?? 'PENDING',
        created: s?.created ?? 0,
        updated: s?.updated ?? 0,
        unchanged: s?.unchanged ?? 0,
        deleted: s?.deleted ?? 0,
        failed: s?.failed ?? 0,
        error: s?.error ?? null,
      };
    }),
    totals,
    error: row.error,
    error_kind: row.errorKind,
    attempts: row.attempts,
    cancel_requested: row.cancelRequestedAt !== null,
    created_at: iso(row.createdAt)!,
    started_at: iso(row.startedAt),
    completed_at: iso(row.completedAt),
    duration_ms: row.startedAt && row.completedAt ? new Date(row.completedAt).getTime() - new Date(row.startedAt).getTime() : null,
  };
}
