import { AppError, type Role } from '@bulkhead/contracts';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface TokenStore {
  create(input: { name: string; role: Role; tokenHash: string; prefix: string }): Promise<TokenRecord>;
  findActiveByHash(hash: string): Promise<TokenRecord | null>;
  touch(id: string, at: Date): Promise<void>;
  list(): Promise<TokenRecord[]>;
  revoke(id: string, at: Date): Promise<boolean>;
  countActive(): Promise<number>;
}

/** What the use cases need from the outside world to mint tokens: randomness and hashing. */
export interface TokenCrypto {
  randomToken(): string;
  hash(token: string): string;
}

const PREFIX_LENGTH = 10;

export async function createToken(store: TokenStore, crypto: TokenCrypto, input: { name: string; role: Role }, token = crypto.randomToken()) {
  const record = await store.create({ ...input, tokenHash: crypto.hash(token), prefix: token.slice(0, PREFIX_LENGTH) });
  return { record, token };
}

export async function authenticate(store: TokenStore, crypto: TokenCrypto, token: string, now: Date): Promise<TokenRecord> {
  const record = await store.findActiveByHash(crypto.hash(token));
  if (!record) throw new AppError('unauthenticated', 'auth.invalid_token', 'the API token is unknown or revoked');
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > 60_000) await store.touch(record.id, now);
  return record;
}

/**
 * Who may do what. Roles are not a ladder: an operator changes things, an approver approves them,
 * and neither can do the other's job (separation of duties); admin can do everything; anyone
 * signed in can read.
 */
export function roleAllows(role: Role, required: Role): boolean {
  if (role === 'admin' || required === 'viewer') return true;
  return role === required;
}

/**
 * At first start there is no token at all: mint an admin one (or take the configured one) so the
 * person who started Bulkhead can get in. Returns the token only when one was created now.
 */
export async function ensureBootstrapAdmin(store: TokenStore, crypto: TokenCrypto, configured?: string): Promise<string | null> {
  if (configured) {
    if (await store.findActiveByHash(crypto.hash(configured))) return null;
    await createToken(store, crypto, { name: 'bootstrap admin', role: 'admin' }, configured);
    return configured;
  }
  if ((await store.countActive()) > 0) return null;
  const { token } = await createToken(store, crypto, { name: 'bootstrap admin', role: 'admin' });
  return token;
}
