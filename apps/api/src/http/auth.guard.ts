import { AppError, type Role } from '@bulkhead/contracts';
import { type AccessDeps, authenticate, roleAllows, sessionOf } from '@bulkhead/access';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { ACCESS_DEPS, TOKEN_STORE } from '../stores.providers';
import type { TokenStore } from '@bulkhead/access';
import type { BulkheadRequest, Caller } from './request-context';

const ROLE_KEY = 'bulkhead:role';
const PUBLIC = 'public';
export const SESSION_COOKIE = 'bh_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The roles a route admits (any one of them will do). Every route says one, or is explicitly @Public(). */
export const RequireRole = (...roles: [Role, ...Role[]]) => SetMetadata(ROLE_KEY, roles);
export const Public = () => SetMetadata(ROLE_KEY, PUBLIC);

export function readCookie(req: BulkheadRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return undefined;
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Who is calling? Pipelines send an API token (Authorization: Bearer); the dashboard sends its
 * session cookie, and with every change the CSRF token of that session (X-CSRF-Token), which another
 * site's page cannot read and so cannot forge. Sets req.caller, or throws a 401 (or 403 for CSRF).
 */
export async function identifyCaller(req: BulkheadRequest, tokens: TokenStore, access: AccessDeps): Promise<Caller> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new AppError('unauthenticated', 'auth.malformed_header', 'send an API token as "Authorization: Bearer <token>"');
    const token = await authenticate(tokens, access.crypto, match[1], new Date());
    return (req.caller = { kind: 'token', id: token.id, name: token.name, role: token.role });
  }
  const cookie = readCookie(req, SESSION_COOKIE);
  if (!cookie) throw new AppError('unauthenticated', 'auth.missing_credentials', 'sign in, or send an API token as "Authorization: Bearer <token>"');
  const session = await sessionOf(access, cookie, new Date());
  if (!SAFE_METHODS.has(req.method)) {
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
      throw new AppError('forbidden', 'auth.csrf', 'a change made with a session cookie must carry the session\'s X-CSRF-Token header');
    }
  }
  return (req.caller = { kind: 'user', id: session.user.id, name: session.user.username, role: session.user.role, csrfToken: session.csrfToken, expiresAt: session.expiresAt });
}

/** May the caller use this route? Runs before the body is read (see BodyReader). */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(ACCESS_DEPS) private readonly access: AccessDeps,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Role[] | typeof PUBLIC | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (required === PUBLIC) return true;
    if (!required) throw new AppError('forbidden', 'auth.route_without_role', 'this route declares no role and is closed');
    const caller = await identifyCaller(context.switchToHttp().getRequest<BulkheadRequest>(), this.tokens, this.access);
    if (!required.some((role) => roleAllows(caller.role, role))) {
      throw new AppError('forbidden', 'auth.role_required', `this action needs the ${required.join(' or ')} role; ${caller.kind} "${caller.name}" has ${caller.role}`);
    }
    return true;
  }
}
