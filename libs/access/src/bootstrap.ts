import { AppError } from '@bulkhead/contracts';
import { createToken, type TokenStore } from './tokens';
import { type AccessDeps, createUser } from './users';

export const BOOTSTRAP_ADMIN = 'admin';

/** What first start created and must show its operator once: only what was generated, never what was configured. */
export interface BootstrapSecrets {
  token: string | null;
  password: string | null;
}

/**
 * At first start there is nobody: create the user `admin` (with the configured password or a
 * generated one), and an admin API token owned by that user (the configured one or a generated
 * one), so the person who started Bulkhead can get in.
 */
export async function ensureBootstrapAdmin(
  deps: Pick<AccessDeps, 'users' | 'hasher' | 'crypto'> & { tokens: TokenStore },
  configured: { token?: string; password?: string },
  now: Date,
): Promise<BootstrapSecrets> {
  let password: string | null = null;
  if ((await deps.users.countActive()) === 0) {
    password = configured.password ?? deps.crypto.randomToken().slice(3, 23);
    await createUser(deps, { username: BOOTSTRAP_ADMIN, password, role: 'admin' });
  }
  const needsToken = configured.token ? !(await deps.tokens.findActiveByHash(deps.crypto.hash(configured.token))) : (await deps.tokens.countActive()) === 0;
  let token: string | null = null;
  if (needsToken) {
    const admins = (await deps.users.list()).filter((u) => u.role === 'admin' && !u.disabledAt);
    const owner = admins.find((u) => u.username === BOOTSTRAP_ADMIN) ?? admins[0];
    if (!owner) throw new AppError('conflict', 'bootstrap.no_admin', 'there is no enabled admin user to own the first admin token');
    const created = await createToken(deps.tokens, deps.crypto, { name: 'bootstrap admin', role: 'admin', ownerId: owner.id, expiresAt: null }, now, configured.token);
    token = configured.token ? null : created.token;
  }
  return { token, password: configured.password ? null : password };
}
