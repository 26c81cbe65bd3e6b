import { z } from 'zod';

export const ErrorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), field: z.string().optional() }),
});

export const IdParamsSchema = z.object({ id: z.string().min(1).max(100) });
