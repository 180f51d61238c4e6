import { z } from 'zod';

export const ErrorSchema = z
  .object({
    detail: z.string().describe('What went wrong, written for a person'),
    errors: z.record(z.string(), z.array(z.string())).optional().describe('Problems per request field'),
  })
  .meta({ id: 'Error' });

export const uuidParam = (name: string, what: string) =>
  z.uuid({ message: `${name} must be a UUID` }).describe(`UUID of the ${what}`);

export const PageQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).optional().describe('At most this many items'),
  offset: z.coerce.number().int().min(0).optional().describe('Skip this many items'),
});

/** The error responses every authenticated route may give. */
export const authErrors = { 401: ErrorSchema, 404: ErrorSchema } as const;
