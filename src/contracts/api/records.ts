import { z } from 'zod';

export const ListRecordsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  cursor: z.string().optional(),
  modified_after: z.string().datetime({ offset: true }).optional(),
  include_deleted: z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .default(false),
});

export const RecordSchema = z.object({
  id: z.string(),
  data: z.record(z.string(), z.unknown()),
  first_seen_at: z.string(),
  updated_at: z.string(),
  deleted_at: z.string().nullable(),
});

export const RecordListSchema = z.object({
  data: z.array(RecordSchema),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});
