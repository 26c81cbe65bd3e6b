import { z } from 'zod';

export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const IdParamsSchema = z.object({ id: z.string().min(1).max(100) });

// The instants both PostgreSQL and JS Date hold and print back in the same 4-digit-year ISO form.
const EARLIEST = Date.parse('0001-01-01T00:00:00Z');
const LATEST = Date.parse('9999-12-31T23:59:59.999Z');

/**
 * An ISO 8601 date-time with an offset, between 0001-01-01 and 9999-12-31 UTC: every date the API reads. Year 0000
 * and beyond 9999 parse in JS but PostgreSQL refuses them or answers with a year JS prints differently.
 */
export const IsoDateTimeSchema = z
  .string()
  .datetime({ offset: true })
  .refine((value) => {
    const ms = Date.parse(value);
    return ms >= EARLIEST && ms <= LATEST;
  }, 'must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z');
