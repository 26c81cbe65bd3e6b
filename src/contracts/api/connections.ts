import { z } from 'zod';
import { PaginationSchema } from '../pagination.js';

/**
 * `pending`: saved with `verify: false`, credentials not yet proven; a passing check or a successful sync makes it
 * `connected`. Schedules, run-all and webhook triggers skip it; a manual sync may run (a sync is a check).
 */
export const connectionStatuses = ['disconnected', 'pending_auth', 'pending', 'connected', 'syncing', 'error', 'disabled'] as const;
export const ConnectionStatusSchema = z.enum(connectionStatuses);

export const ScheduleSchema = z
  .object({
    enabled: z.boolean().default(true),
    every_minutes: z.number().int().min(5).max(60 * 24 * 31).optional(),
    frequency: z.enum(['hourly', 'daily', 'weekly', 'monthly']).optional(),
  })
  .refine((s) => (s.every_minutes === undefined) !== (s.frequency === undefined), {
    message: 'give either every_minutes or frequency',
  });
export type Schedule = z.infer<typeof ScheduleSchema>;

const FieldValues = z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]));

export const CreateConnectionBodySchema = z.object({
  connector: z.string().min(1),
  name: z.string().min(1).max(200).optional(),
  fields: FieldValues.default({}),
  config: z.record(z.string(), z.unknown()).default({}),
  crew_id: z.string().optional(),
  product: z.string().min(1).max(100).optional(),
  company_id: z.string().min(1).max(100).optional(),
  schedule: ScheduleSchema.nullable().optional(),
  notify_user_ids: z.array(z.string()).default([]),
  /** OAuth installs: where the browser lands after authorizing (same allowlist as POST /oauth/:connector/authorize). */
  return_url: z.string().url().max(2000).optional(),
  /**
   * Default true: credentials are probed at the provider before anything is saved (where the connector has a
   * probe). false saves them unverified, as `pending` until POST /connections/:id/check or a sync passes.
   */
  verify: z.boolean().optional(),
});
export type CreateConnectionBody = z.infer<typeof CreateConnectionBodySchema>;

export const UpdateConnectionBodySchema = z
  .object({
    name: z.string().min(1).max(200),
    fields: FieldValues,
    config: z.record(z.string(), z.unknown()),
    status: z.enum(['connected', 'disabled']),
    product: z.string().min(1).max(100).nullable(),
    company_id: z.string().min(1).max(100).nullable(),
    schedule: ScheduleSchema.nullable(),
    notify_user_ids: z.array(z.string()),
    /**
     * New credentials that reconnect a disconnected, failed or pending connection are probed first, as at install
     * (default true); false saves them unverified, as `pending`.
     */
    verify: z.boolean(),
  })
  .partial();
export type UpdateConnectionBody = z.infer<typeof UpdateConnectionBodySchema>;

export const ListConnectionsQuerySchema = z.object({
  connector: z.string().optional(),
  status: ConnectionStatusSchema.optional(),
  product: z.string().optional(),
  company_id: z.string().optional(),
  crew_id: z.string().optional(),
  /** `1`: every connection, the workspace's own and its clients' and products'. Default: only the workspace's own. */
  include_all: z.enum(['1', 'true', '0', 'false']).transform((v) => v === '1' || v === 'true').optional(),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export const StreamCountsSchema = z.object({
  stream: z.string(),
  status: z.string(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  deleted: z.number(),
  failed: z.number(),
  error: z.string().nullable(),
});

export const RunSchema = z.object({
  id: z.string(),
  connection_id: z.string(),
  trigger: z.string(),
  mode: z.string(),
  status: z.enum(['PENDING', 'RUNNING', 'COMPLETED', 'FAILED', 'CANCELLED']),
  streams: z.array(StreamCountsSchema),
  totals: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), deleted: z.number(), failed: z.number() }),
  error: z.string().nullable(),
  error_kind: z.string().nullable(),
  attempts: z.number(),
  cancel_requested: z.boolean(),
  created_at: z.string(),
  started_at: z.string().nullable(),
  completed_at: z.string().nullable(),
  duration_ms: z.number().nullable(),
});
export type RunView = z.infer<typeof RunSchema>;

export const ConnectionSchema = z.object({
  id: z.string(),
  connector: z.string(),
  name: z.string(),
  status: ConnectionStatusSchema,
  has_credentials: z.boolean(),
  config: z.record(z.string(), z.unknown()),
  crew_id: z.string().nullable(),
  product: z.string().nullable(),
  company_id: z.string().nullable(),
  schedule: z.record(z.string(), z.unknown()).nullable(),
  notify_user_ids: z.array(z.string()),
  variant_group_id: z.string().nullable(),
  variant_label: z.string().nullable(),
  last_sync_at: z.string().nullable(),
  last_sync_status: z.string().nullable(),
  last_sync_error: z.string().nullable(),
  last_check_at: z.string().nullable(),
  last_check_ok: z.boolean().nullable(),
  last_check_message: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ConnectionView = z.infer<typeof ConnectionSchema>;

export const ConnectionDetailSchema = ConnectionSchema.extend({
  latest_run: RunSchema.nullable(),
  recent_runs: z.array(RunSchema),
});

export const CreateConnectionResponseSchema = z.object({
  id: z.string(),
  status: ConnectionStatusSchema,
  next_step: z.enum(['', 'oauth', 'mcp_oauth']),
  oauth_url: z.string().optional(),
  /** Why an OAuth install has no oauth_url yet (e.g. the MCP server's discovery failed): retry with authorize. */
  message: z.string().optional(),
  connection: ConnectionSchema,
});

export const ConnectionListSchema = z.object({ data: z.array(ConnectionSchema), pagination: PaginationSchema });

/** POST /connections/:id/variants: a connection sharing the base connection's credentials. */
export const CreateVariantBodySchema = z.object({
  name: z.string().min(1).max(200).optional(),
  /** Auto-assigned ("2", "3", …) when absent; unique within the group. */
  variant_label: z.string().trim().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9 _().-]*$/).optional(),
  /** Merged over the base connection's config; `createOwnTables: true` gives the variant its own tables. */
  config: z.record(z.string(), z.unknown()).default({}),
  schedule: ScheduleSchema.nullable().optional(),
});
export type CreateVariantBody = z.infer<typeof CreateVariantBodySchema>;
