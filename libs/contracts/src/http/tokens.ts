import { z } from 'zod';
import { roleSchema } from './common';
import { identifierSchema } from './text';

export const createTokenSchema = z.strictObject({
  name: identifierSchema(100).min(1),
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
