import { AppError, type Role } from '@bulkhead/contracts';
import { authenticate, roleAllows, type TokenCrypto, type TokenStore } from '@bulkhead/inventory';
import { type CanActivate, type ExecutionContext, Inject, Injectable, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { TOKEN_CRYPTO, TOKEN_STORE } from '../stores.providers';
import type { BulkheadRequest } from './request-context';

const ROLE_KEY = 'bulkhead:role';
const PUBLIC = 'public';

/** The least role a route needs. Every route says one, or is explicitly @Public(). */
export const RequireRole = (role: Role) => SetMetadata(ROLE_KEY, role);
export const Public = () => SetMetadata(ROLE_KEY, PUBLIC);

@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(TOKEN_STORE) private readonly tokens: TokenStore,
    @Inject(TOKEN_CRYPTO) private readonly crypto: TokenCrypto,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const required = this.reflector.getAllAndOverride<Role | typeof PUBLIC | undefined>(ROLE_KEY, [context.getHandler(), context.getClass()]);
    if (required === PUBLIC) return true;
    if (!required) throw new AppError('forbidden', 'auth.route_without_role', 'this route declares no role and is closed');
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const header = req.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new AppError('unauthenticated', 'auth.missing_token', 'send an API token as "Authorization: Bearer <token>"');
    const token = await authenticate(this.tokens, this.crypto, match[1], new Date());
    req.caller = { kind: 'token', id: token.id, name: token.name, role: token.role };
    if (!roleAllows(token.role, required)) {
      throw new AppError('forbidden', 'auth.role_required', `this action needs the ${required} role; the token "${token.name}" has ${token.role}`);
    }
    return true;
  }
}
