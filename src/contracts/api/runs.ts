import { z } from 'zod';
import { PaginationSchema } from '../pagination.js';
import { RunSchema } from './connections.js';

export const StartRunBodySchema = z
  .object({
    streams: z.array(z.string()).min(1).optional(),
    full_refresh: z.boolean().default(false),
  })
  .default({ full_refresh: false });

export const StartRunResponseSchema = z.object({
  run: RunSchema,
  /** True when the connection already had an active run, which is returned instead of starting another. */
  existing: z.boolean(),
  message: z.string(),
});

export const RunListSchema = z.object({ data: z.array(RunSchema), pagination: PaginationSchema });

export const RunLogSchema = z.object({
  id: z.number(),
  at: z.string(),
  level: z.string(),
  message: z.string(),
  data: z.record(z.string(), z.unknown()).nullable(),
});

export const RunLogsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  after_id: z.coerce.number().int().min(0).optional(),
});

export const RunLogListSchema = z.object({ data: z.array(RunLogSchema), next_after_id: z.number().nullable() });
