import { z } from 'zod';
import { roleSchema } from './common';

export const createTokenSchema = z.strictObject({
  name: z.string().min(1).max(100),
  role: roleSchema,
});
export type CreateTokenBody = z.infer<typeof createTokenSchema>;

export interface TokenView {
  id: string;
  name: string;
  role: string;
  /** The first characters, so a person can tell tokens apart. The token itself is shown once, at creation. */
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}
