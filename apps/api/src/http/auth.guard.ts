import type { Role } from '@bulkhead/contracts';
import { type AccessDeps, authenticate, roleAllows, sessionOf, TokenExpiredError } from '@bulkhead/access';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { timingSafeEqual } from 'node:crypto';
import { ACCESS_DEPS, TOKEN_STORE } from '../stores.providers';
import type { TokenStore } from '@bulkhead/access';
import type { BulkheadRequest, Caller } from './request-context';
import { RequestError } from './request-error';

const ROLE_KEY = 'bulkhead:role';
const PUBLIC = 'public';
export const SESSION_COOKIE = 'bh_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** The roles a route admits (any one of them will do). Every route says one, or is explicitly @Public(). */
export const RequireRole = (...roles: [Role, ...Role[]]) => SetMetadata(ROLE_KEY, roles);
export const Public = () => SetMetadata(ROLE_KEY, PUBLIC);

/** A cookie's value, or undefined when it is missing or not validly percent-encoded (`bh_session=%`). */
export function readCookie(req: BulkheadRequest, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodedOrNothing(part.slice(eq + 1).trim());
  }
  return undefined;
}

function decodedOrNothing(encoded: string): string | undefined {
  try {
    return decodeURIComponent(encoded);
  } catch {
    return undefined;
  }
}

const sameSecret = (a: string, b: string) => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** What identifying a caller reads: API tokens, and sessions with their users. */
export interface CredentialStores {
  tokens: TokenStore;
  access: Pick<AccessDeps, 'sessions' | 'crypto'>;
}

/**
 * Who sent this request, from its API token (Authorization: Bearer) or its session cookie, as of
 * now: a revoked or expired token, a closed or expired session, a disabled user are refused (401).
 * Checks the CSRF token of a session on changes. Long requests (event streams) call it again to
 * learn whether their caller still may be there.
 */
export async function identifyCaller(req: BulkheadRequest, stores: CredentialStores, now: Date): Promise<Caller> {
  const header = req.headers.authorization;
  if (typeof header === 'string' && header.length > 0) {
    const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
    if (bearer === undefined) throw new RequestError('auth.malformed_header', 'send an API token as "Authorization: Bearer <token>"');
    const token = await authenticate(stores.tokens, stores.access.crypto, bearer, now).catch((error: unknown) => {
      if (error instanceof TokenExpiredError) req.claimedActor = `token:${error.token.name}`;
      throw error;
    });
    return { kind: 'token', id: token.id, name: token.name, role: token.role, userId: token.owner.id };
  }
  const cookie = readCookie(req, SESSION_COOKIE);
  if (!cookie) throw new RequestError('auth.missing_credentials', 'sign in, or send an API token as "Authorization: Bearer <token>"');
  const session = await sessionOf(stores.access, cookie, now);
  const user = session.user;
  if (!SAFE_METHODS.has(req.method)) {
    req.claimedActor = `user:${user.username}`;
    const sent = req.headers['x-csrf-token'];
    if (typeof sent !== 'string' || !sameSecret(sent, session.csrfToken)) {
      throw new RequestError('auth.csrf', "a change made with a session cookie must carry the session's X-CSRF-Token header");
    }
  }
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    userId: user.id,
    csrfToken: session.csrfToken,
    expiresAt: session.expiresAt,
  };
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
    const required = this.reflector.getAllAndOverride<Role[] | typeof PUBLIC | undefined>(ROLE_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (required === PUBLIC) return true;
    if (!required) throw new RequestError('auth.route_without_role', 'this route declares no role and is closed');
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const caller = await identifyCaller(req, { tokens: this.tokens, access: this.access }, new Date());
    req.caller = caller;
    checkRole(caller, required);
    return true;
  }
}

/** Throws the 403 for a caller whose role allows none of the roles required. */
export function checkRole(caller: Caller, required: Role[]): void {
  if (!required.some((role) => roleAllows(caller.role, role))) {
    throw new RequestError(
      'auth.role_required',
      `this action needs the ${required.join(' or ')} role; ${caller.kind} "${caller.name}" has ${caller.role}`,
    );
  }
}
