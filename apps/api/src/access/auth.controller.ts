import { createUserSchema, signInSchema, type UserView, type WhoAmI } from '@bulkhead/contracts';
import { type AccessDeps, createUser, disableUser, signIn, signOut, type UserRecord } from '@bulkhead/access';
import { Controller, Get, HttpCode, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { z } from 'zod';
import { Audited } from '../http/audit.interceptor';
import { Public, readCookie, RequireRole, SESSION_COOKIE } from '../http/auth.guard';
import { parseBody, UuidPipe } from '../http/body';
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
@Controller('api/v1')
export class AuthController {
  constructor(@Inject(ACCESS_DEPS) private readonly access: AccessDeps) {}

  /**
   * Signs a person in: sets an HttpOnly session cookie and returns the CSRF token to send with every
   * change. Failed sign-ins are throttled per account and per address (429 with Retry-After) and
   * audited as `auth.login_failed` under the name tried.
   */
  @Post('auth/login')
  @HttpCode(200)
  @Public()
  @Audited('auth.sign_in', (_req, r) => ({ actor: `user:${(r as WhoAmI).name}` }))
  @ApiBody({ schema: z.toJSONSchema(signInSchema) as object })
  async login(@Req() req: BulkheadRequest, @Res({ passthrough: true }) res: Response): Promise<WhoAmI> {
    const credentials = parseBody(req, signInSchema);
    req.claimedActor = `user:${auditable(credentials.username)}`;
    const session = await signIn(this.access, { ...credentials, address: clientAddress(req) }, new Date());
    res.setHeader('Set-Cookie', sessionCookie(req, session.sessionToken, Math.floor((session.expiresAt.getTime() - Date.now()) / 1000)));
    return { kind: 'user', name: session.user.username, role: session.user.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt.toISOString() };
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Audited('auth.sign_out')
  @RequireRole('viewer')
  async logout(@Req() req: BulkheadRequest, @Res({ passthrough: true }) res: Response): Promise<void> {
    const cookie = readCookie(req, SESSION_COOKIE);
    if (cookie) await signOut(this.access, cookie);
    res.setHeader('Set-Cookie', sessionCookie(req, '', 0));
  }

  @Get('auth/me')
  @RequireRole('viewer')
  @ApiBearerAuth()
  me(@Req() req: BulkheadRequest): WhoAmI {
    const c = req.caller!;
    return { kind: c.kind, name: c.name, role: c.role, csrfToken: c.csrfToken ?? null, expiresAt: c.expiresAt?.toISOString() ?? null };
  }

  @Get('users')
  @RequireRole('admin')
  @ApiBearerAuth()
  async users(): Promise<UserView[]> {
    return (await this.access.users.list()).map(userView);
  }

  @Post('users')
  @Audited('user.create', (_req, r) => ({ target: (r as { username: string }).username, details: { role: (r as { role: string }).role } }))
  @RequireRole('admin')
  @ApiBearerAuth()
  @ApiBody({ schema: z.toJSONSchema(createUserSchema) as object })
  async createUser(@Req() req: BulkheadRequest): Promise<UserView> {
    return userView(await createUser(this.access, parseBody(req, createUserSchema)));
  }

  /** Disables a user: they can no longer sign in, and their sessions, tokens and open event streams end now. */
  @Post('users/:userId/disable')
  @HttpCode(200)
  @Audited('user.disable', (_req, r) => ({ target: (r as UserView).username }))
  @RequireRole('admin')
  @ApiBearerAuth()
  async disable(@Param('userId', UuidPipe) id: string): Promise<UserView> {
    return userView(await disableUser(this.access, id, new Date()));
  }
}
