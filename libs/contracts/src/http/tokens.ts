import { z } from 'zod';
import { roleSchema } from './common';
import { identifierSchema } from './text';

export const createTokenSchema = z.strictObject({
  name: identifierSchema(100).min(1),
  role: roleSchema,
  /** When the token stops working; none means until it is revoked or its owner disabled. */
  expiresAt: z.iso.datetime({ offset: true }).optional(),
});
export type CreateTokenBody = z.infer<typeof createTokenSchema>;

export interface TokenView {
  id: string;
  name: string;
  role: string;
  /** The first characters, so a person can tell tokens apart. The token itself is shown once, at creation. */
  prefix: string;
  /** The user the token acts for: who created it, or the owner of the token that created it. */
  owner: { id: string; username: string };
  createdAt: string;
  expiresAt: string | null;
  /** Updated at most once a minute. */
  lastUsedAt: string | null;
  revokedAt: string | null;
}
