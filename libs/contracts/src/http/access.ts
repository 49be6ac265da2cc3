import { z } from 'zod';
import { roleSchema } from './common';
import { identifierSchema } from './text';

export const signInSchema = z.strictObject({
  username: identifierSchema(100).min(1),
  password: z.string().min(1).max(1000),
});

export const createUserSchema = z.strictObject({
  username: z
    .string()
    .min(2)
    .max(64)
    .regex(/^[A-Za-z0-9._@-]+$/, 'letters, digits, ".", "_", "@" and "-" only'),
  password: z.string().min(1).max(1000),
  role: roleSchema,
});

export interface UserView {
  id: string;
  username: string;
  role: string;
  createdAt: string;
  /** Set once the user was disabled: no sign-in, and their sessions and tokens ended. */
  disabledAt: string | null;
}

/** Who is calling: a signed-in person (with the CSRF token their browser must echo) or an API token. */
export interface WhoAmI {
  kind: 'user' | 'token';
  name: string;
  role: string;
  csrfToken: string | null;
  expiresAt: string | null;
}
