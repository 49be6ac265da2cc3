import { type PasswordReset, routes, type RouteInput, type UserView, type WhoAmI } from '@bulkhead/contracts';
import {
  type AccessDeps,
  changeOwnPassword,
  changeRole,
  createUser,
  disableUser,
  removeUser,
  resetPassword,
  signIn,
  signOut,
  type UserRecord,
} from '@bulkhead/access';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { Audited } from '../http/audit.interceptor';
import { Public, readCookie, RequireRole, SESSION_COOKIE } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { clientAddress } from '../http/client-address';
import { auditable } from '../http/refusal-audit';
import type { BulkheadRequest } from '../http/request-context';
import { ACCESS_DEPS } from '../stores.providers';

const userView = (u: UserRecord): UserView => ({
  id: u.id,
  username: u.username,
  role: u.role,
  createdAt: u.createdAt.toISOString(),
  disabledAt: u.disabledAt?.toISOString() ?? null,
});

function sessionCookie(req: BulkheadRequest, value: string, maxAgeSeconds: number): string {
  const parts = [`${SESSION_COOKIE}=${encodeURIComponent(value)}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${maxAgeSeconds}`];
  if (req.secure) parts.push('Secure');
  return parts.join('; ');
}

@ApiTags('access')
@Controller()
export class AuthController {
  constructor(@Inject(ACCESS_DEPS) private readonly access: AccessDeps) {}

  /**
   * Signs a person in: sets an HttpOnly session cookie and returns the CSRF token to send with every
   * change. Failed sign-ins are throttled per account and per address (429 with Retry-After) and
   * audited as `auth.login_failed` under the name tried.
   */
  @Route(routes.signIn)
  @Public()
  @Audited('auth.sign_in', (_req, r) => ({ actor: `user:${(r as WhoAmI).name}` }))
  async login(
    @Input() { body: credentials }: RouteInput<typeof routes.signIn>,
    @Req() req: BulkheadRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<WhoAmI> {
    req.claimedActor = `user:${auditable(credentials.username)}`;
    const session = await signIn(this.access, { ...credentials, address: clientAddress(req) }, new Date());
    res.setHeader('Set-Cookie', sessionCookie(req, session.sessionToken, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)));
    return {
      kind: 'user',
      name: session.user.username,
      role: session.user.role,
      csrfToken: session.csrfToken,
      expiresAt: session.expiresAt.toISOString(),
    };
  }

  @Route(routes.signOut)
  @Audited('auth.sign_out')
  @RequireRole('viewer')
  async logout(@Req() req: BulkheadRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const cookie = readCookie(req, SESSION_COOKIE);
    if (cookie) await signOut(this.access, cookie);
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
  }

  @Route(routes.whoAmI)
  @RequireRole('viewer')
  @ApiBearerAuth()
  me(@Req() req: BulkheadRequest): WhoAmI {
    const c = req.caller!;
    return { kind: c.kind, name: c.name, role: c.role, csrfToken: c.csrfToken ?? null, expiresAt: c.expiresAt?.toISOString() ?? null };
  }

  @Route(routes.listUsers)
  @RequireRole('admin')
  @ApiBearerAuth()
  async users(): Promise<UserView[]> {
    return (await this.access.users.list()).map(userView);
  }

  @Route(routes.createUser)
  @Audited('user.create', (_req, r) => ({ target: (r as { username: string }).username, details: { role: (r as { role: string }).role } }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async createUser(@Input() { body }: RouteInput<typeof routes.createUser>): Promise<UserView> {
    return userView(await createUser(this.access, body));
  }

  @Route(routes.disableUser)
  @Audited('user.disable', (_req, r) => ({ target: (r as UserView).username }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async disable(@Input() { params }: RouteInput<typeof routes.disableUser>): Promise<UserView> {
    return userView(await disableUser(this.access, params.userId, new Date()));
  }

  /** A person's own password: the current one proves it is them; every other session of theirs ends. */
  @Route(routes.changeOwnPassword)
  @Audited('user.change_password', (req) => ({ target: req.caller!.name }))
  @RequireRole('viewer')
  @ApiBearerAuth()
  async changeOwnPassword(@Input() { body }: RouteInput<typeof routes.changeOwnPassword>, @Req() req: BulkheadRequest): Promise<void> {
    const caller = req.caller!;
    await changeOwnPassword(this.access, {
      userId: caller.userId,
      current: body.current,
      next: body.next,
      address: clientAddress(req),
      sessionToken: caller.kind === 'user' ? (readCookie(req, SESSION_COOKIE) ?? null) : null,
    });
  }

  @Route(routes.changeRole)
  @Audited('user.change_role', (_req, r) => ({ target: (r as UserView).username, details: { role: (r as UserView).role } }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async changeRole(@Input() { params, body }: RouteInput<typeof routes.changeRole>): Promise<UserView> {
    return userView(await changeRole(this.access, params.userId, body.role));
  }

  /** The new password is in this answer only: never stored in the clear, never audited. */
  @Route(routes.resetPassword)
  @Audited('user.reset_password', (_req, r) => ({ target: (r as PasswordReset).user.username }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async resetPassword(@Input() { params }: RouteInput<typeof routes.resetPassword>): Promise<PasswordReset> {
    const { user, password } = await resetPassword(this.access, params.userId);
    return { user: userView(user), password };
  }

  @Route(routes.removeUser)
  @Audited('user.remove', (req) => ({ target: String(req.params.userId) }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async remove(@Input() { params }: RouteInput<typeof routes.removeUser>): Promise<void> {
    await removeUser(this.access, params.userId);
  }
}
