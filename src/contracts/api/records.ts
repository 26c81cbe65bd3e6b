import { z } from 'zod';
import { IsoDateTimeSchema } from './common.js';

const changeKind = z.enum(['added', 'updated', 'deleted']);

export const ListRecordsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  /** Opaque: the `next_cursor` of the previous page. Pages follow the order in which changes were written. */
  cursor: z.string().optional(),
  modified_after: IsoDateTimeSchema.optional(),
  /** Comma-separated latest changes to return: `added`, `updated`, `deleted`. Default `added,updated`. */
  filter: z
    .string()
    .transform((v, ctx) => {
      const kinds = [...new Set(v.split(',').map((k) => k.trim()).filter((k) => k !== ''))];
      for (const kind of kinds) {
        if (!changeKind.safeParse(kind).success) {
          ctx.addIssue({ code: 'custom', message: `filter: "${kind}" is not one of added, updated, deleted` });
          return z.NEVER;
        }
      }
      return kinds as z.infer<typeof changeKind>[];
    })
    .optional(),
  /** Same as adding `deleted` to the filter. */
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
  /** The row's latest change: what a change-feed client applies. */
  change: changeKind,
});

export const RecordListSchema = z.object({
  data: z.array(RecordSchema),
  next_cursor: z.string().nullable(),
  has_more: z.boolean(),
});
