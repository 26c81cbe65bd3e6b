import { z } from 'zod';
import { PaginationSchema } from '../pagination.js';

const columnType = z.enum(['text', 'bigint', 'numeric', 'boolean', 'timestamptz', 'jsonb']);

export const TableColumnSchema = z.object({
  name: z.string(),
  /** The field's path in the payload: `['user', 'login']` for the column `user__login`. */
  path: z.array(z.string()),
  type: columnType,
  /** Declared by the stream's JSON Schema (its type holds; misfits go to `_variants`), or inferred from data (it widens). */
  source: z.enum(['schema', 'data']),
});

export const TableSchemaSchema = z.object({
  /** `<schema>.<table>`: query it with plain SQL. */
  schema: z.string(),
  table: z.string(),
  exists: z.boolean(),
  /** Columns every record table has (primary key, payload, timestamps, change number, variants). */
  system_columns: z.array(z.object({ name: z.string(), type: z.string() })),
  columns: z.array(TableColumnSchema),
});

export const SchemaChangeSchema = z.object({
  seq: z.number().int(),
  /** `added` (a new column), `widened` (its type changed), `variant` (a value did not fit and is kept in `_variants`), `capped` (the table has the most typed columns it may). */
  kind: z.enum(['added', 'widened', 'variant', 'capped']),
  column: z.string().nullable(),
  path: z.array(z.string()).nullable(),
  old_type: z.string().nullable(),
  new_type: z.string().nullable(),
  example_record_id: z.string().nullable(),
  connection_id: z.string().nullable(),
  run_id: z.string().nullable(),
  detail: z.string().nullable(),
  at: z.string(),
});

export const SchemaChangeListSchema = z.object({ data: z.array(SchemaChangeSchema), pagination: PaginationSchema });
