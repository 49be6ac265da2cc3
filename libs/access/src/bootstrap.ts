import { AccessError } from './errors';
import { createToken, type TokenStore } from './tokens';
import { type AccessDeps, createUser, generatedPassword } from './users';

export const BOOTSTRAP_ADMIN = 'admin';

/** What first start created and must show its operator once: only what was generated, never what was configured. */
export interface BootstrapSecrets {
  token: string | null;
  password: string | null;
}

/**
 * At first start there is nobody: create the user `admin` (with the configured password or a
 * generated one), and an admin API token owned by that user (the configured one or a generated
 * one), so the person who started Bulkhead can get in. A configured token that was revoked, or whose
 * owner was disabled, stays so: it is not made again, and `warn` says why it does not work.
 */
export async function ensureBootstrapAdmin(
  deps: Pick<AccessDeps, 'users' | 'hasher' | 'crypto'> & {
    tokens: TokenStore;
    warn: (message: string, fields: Record<string, unknown>) => void;
  },
  configured: { token?: string; password?: string },
  now: Date,
): Promise<BootstrapSecrets> {
  let password: string | null = null;
  if ((await deps.users.countActive()) === 0) {
    password = configured.password ?? generatedPassword(deps.crypto);
    await createUser(deps, { username: BOOTSTRAP_ADMIN, password, role: 'admin' });
  }
  const needsToken = configured.token ? !(await configuredTokenExists(deps, configured.token)) : (await deps.tokens.countActive()) === 0;
  let token: string | null = null;
  if (needsToken) {
    const admins = (await deps.users.list()).filter((u) => u.role === 'admin' && !u.disabledAt);
    const owner = admins.find((u) => u.username === BOOTSTRAP_ADMIN) ?? admins[0];
    if (!owner) throw new AccessError('bootstrap.no_admin', 'there is no enabled admin user to own the first admin token');
    const created = await createToken(
      deps.tokens,
      deps.crypto,
      { name: 'bootstrap admin', role: 'admin', ownerId: owner.id, expiresAt: null },
      now,
      configured.token,
    );
    token = configured.token ? null : created.token;
  }
  return { token, password: configured.password ? null : password };
}

/** Whether the configured token is stored, in any state; warns when it is stored but no longer lets anyone in. */
async function configuredTokenExists(
  deps: { tokens: TokenStore; crypto: AccessDeps['crypto']; warn: (message: string, fields: Record<string, unknown>) => void },
  token: string,
): Promise<boolean> {
  const hash = deps.crypto.hash(token);
  const stored = await deps.tokens.findByHash(hash);
  if (stored && !(await deps.tokens.findActiveByHash(hash))) {
    deps.warn('BULKHEAD_ADMIN_TOKEN was revoked or its owner disabled; it is not created again and does not sign anyone in', {
      name: stored.name,
      owner: stored.owner.username,
    });
  }
  return stored !== null;
}
