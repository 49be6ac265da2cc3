import { z } from 'zod';
import { roleSchema } from './common';
import { identifierSchema } from './text';
import { idParam, instantSchema, route } from './route';

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

export const changeRoleSchema = z.strictObject({ role: roleSchema });

export const changeOwnPasswordSchema = z.strictObject({
  current: z.string().min(1).max(1000),
  next: z.string().min(1).max(1000),
});

export const userViewSchema = z.strictObject({
  id: z.string(),
  username: z.string(),
  role: roleSchema,
  createdAt: instantSchema,
  disabledAt: instantSchema.nullable().describe('Set once the user was disabled: no sign-in, and their sessions and tokens ended'),
});
export type UserView = z.infer<typeof userViewSchema>;

export const passwordResetSchema = z.strictObject({
  user: userViewSchema,
  password: z.string().describe('The new password. The only answer that ever contains it: hand it over now'),
});
export type PasswordReset = z.infer<typeof passwordResetSchema>;

/** Who is calling: a signed-in person (with the CSRF token their browser must echo) or an API token. */
export const whoAmISchema = z.strictObject({
  kind: z.enum(['user', 'token']),
  name: z.string(),
  role: roleSchema,
  csrfToken: z.string().nullable().describe('Of a session: send it as X-CSRF-Token with every change'),
  expiresAt: instantSchema.nullable(),
});
export type WhoAmI = z.infer<typeof whoAmISchema>;

export const accessRoutes = {
  signIn: route({
    method: 'POST',
    path: '/api/v1/auth/login',
    summary:
      'Signs a person in: sets an HttpOnly session cookie and returns the CSRF token to send with every change. Failed sign-ins are throttled (429 with Retry-After)',
    body: signInSchema,
    success: [200],
    response: whoAmISchema,
  }),
  signOut: route({ method: 'POST', path: '/api/v1/auth/logout', summary: 'Ends the session', success: [204], response: null }),
  changeOwnPassword: route({
    method: 'POST',
    path: '/api/v1/auth/password',
    summary:
      "Changes the caller's own password, given the current one (a wrong one is a 403 naming current, throttled like sign-ins). Their other sessions end",
    body: changeOwnPasswordSchema,
    success: [204],
    response: null,
  }),
  whoAmI: route({ method: 'GET', path: '/api/v1/auth/me', summary: 'Who is calling', success: [200], response: whoAmISchema }),
  listUsers: route({ method: 'GET', path: '/api/v1/users', summary: 'Every user', success: [200], response: z.array(userViewSchema) }),
  createUser: route({
    method: 'POST',
    path: '/api/v1/users',
    summary: 'Adds a user',
    body: createUserSchema,
    success: [201],
    response: userViewSchema,
  }),
  disableUser: route({
    method: 'POST',
    path: '/api/v1/users/:userId/disable',
    summary: 'Disables a user: they can no longer sign in, and their sessions, tokens and open event streams end now',
    params: z.strictObject({ userId: idParam }),
    success: [200],
    response: userViewSchema,
  }),
  changeRole: route({
    method: 'PATCH',
    path: '/api/v1/users/:userId',
    summary: 'Gives a user another role. The last enabled admin stays an admin (409)',
    params: z.strictObject({ userId: idParam }),
    body: changeRoleSchema,
    success: [200],
    response: userViewSchema,
  }),
  resetPassword: route({
    method: 'POST',
    path: '/api/v1/users/:userId/reset-password',
    summary: 'Gives a user a generated password, answered this once, and ends their sessions (their tokens stay)',
    params: z.strictObject({ userId: idParam }),
    success: [200],
    response: passwordResetSchema,
  }),
  removeUser: route({
    method: 'DELETE',
    path: '/api/v1/users/:userId',
    summary: 'Removes a user with their sessions and tokens. Never the last enabled admin (409)',
    params: z.strictObject({ userId: idParam }),
    success: [204],
    response: null,
  }),
};
