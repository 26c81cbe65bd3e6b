import type { z } from 'zod';
import type { ConnectionDetailSchema, ConnectionView, CreateConnectionResponseSchema, RunView } from '../contracts/api/connections.js';
import type { RotateWebhookUrlResponseSchema, WebhookUrlResponseSchema } from '../contracts/api/webhook-url.js';
import { redactCredentialsDeep } from '../contracts/redact-credentials.js';
import type { ConnectionRow } from '../db/queries/connections.js';
import type { RunRow, RunStreamRow } from '../db/queries/runs.js';
import type { ConnectionDetail } from '../services/connections/get-connection-detail.js';
import type { InstalledConnection } from '../services/connections/install-connection.js';
import type { RotatedWebhookUrl } from '../services/connections/rotate-webhook-url.js';
import type { WebhookUrl } from '../services/connections/webhook-url.js';

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

/** POST /connections: the new connection, and what the user does next (nothing, or authorize at `oauth_url`). */
export function installedConnectionView(installed: InstalledConnection): z.infer<typeof CreateConnectionResponseSchema> {
  const connection = connectionView(installed.connection);
  return {
    id: connection.id,
    status: connection.status,
    next_step: installed.nextStep,
    ...(installed.oauthUrl !== undefined ? { oauth_url: installed.oauthUrl } : {}),
    ...(installed.message ? { message: installed.message } : {}),
    connection,
  };
}

/** GET /connections/:id: the connection with its latest run and its recent ones, newest first. */
export function connectionDetailView(detail: ConnectionDetail): z.infer<typeof ConnectionDetailSchema> {
  const runs = detail.runs.map((r) => runView(r, detail.streams));
  return { ...connectionView(detail.connection), latest_run: runs[0] ?? null, recent_runs: runs };
}

/** A revealed webhook trigger URL: the full URL once, and a prefix of the token that is safe to show again. */
export function webhookUrlView(revealed: WebhookUrl): z.infer<typeof WebhookUrlResponseSchema> {
  return { webhook_url: revealed.url, token_prefix: `${revealed.token.slice(0, 8)}…`, curl_example: `curl -X POST ${revealed.url}` };
}

export function rotatedWebhookUrlView(rotated: RotatedWebhookUrl): z.infer<typeof RotateWebhookUrlResponseSchema> {
  return { ...webhookUrlView(rotated), previous_url_expires_at: iso(rotated.previousUrlExpiresAt), grace_period_seconds: rotated.graceSeconds };
}
