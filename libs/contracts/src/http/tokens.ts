import { z } from 'zod';
import { roleSchema } from './common';
import { identifierSchema } from './text';
import { idParam, instantSchema, route } from './route';

export const createTokenSchema = z.strictObject({
  name: identifierSchema(100).min(1),
  role: roleSchema,
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe('When the token stops working; none means until it is revoked or its owner disabled'),
});
export type CreateTokenBody = z.infer<typeof createTokenSchema>;

export const tokenViewSchema = z.strictObject({
  id: z.string(),
  name: z.string(),
  role: roleSchema,
  prefix: z.string().describe('The first characters, so a person can tell tokens apart. The token itself is shown once, at creation'),
  owner: z
    .strictObject({ id: z.string(), username: z.string() })
    .describe('The user the token acts for: who created it, or the owner of the token that created it'),
  createdAt: instantSchema,
  expiresAt: instantSchema.nullable(),
  lastUsedAt: instantSchema.nullable().describe('Updated at most once a minute'),
  revokedAt: instantSchema.nullable(),
});
export type TokenView = z.infer<typeof tokenViewSchema>;

export const tokenRoutes = {
  listTokens: route({
    method: 'GET',
    path: '/api/v1/tokens',
    summary: 'Every API token',
    success: [200],
    response: z.array(tokenViewSchema),
  }),
  createToken: route({
    method: 'POST',
    path: '/api/v1/tokens',
    summary: "Makes a token acting for the caller's user. The only answer that ever contains the token: store it now",
    body: createTokenSchema,
    success: [201],
    response: tokenViewSchema.extend({ token: z.string() }),
  }),
  revokeToken: route({
    method: 'DELETE',
    path: '/api/v1/tokens/:tokenId',
    summary: 'Revokes a token',
    params: z.strictObject({ tokenId: idParam }),
    success: [204],
    response: null,
  }),
};
