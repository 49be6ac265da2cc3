import type { Role } from '@bulkhead/contracts';
import { AccessError } from './errors';

export interface TokenRecord {
  id: string;
  name: string;
  role: Role;
  prefix: string;
  /** The user the token acts for. */
  owner: { id: string; username: string };
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewToken {
  name: string;
  role: Role;
  ownerId: string;
  expiresAt: Date | null;
}

export interface TokenStore {
  create(input: NewToken & { tokenHash: string; prefix: string }): Promise<TokenRecord>;
  /** The token with this hash unless it was revoked or its owner is disabled (disabling a user revokes their tokens too). */
  findActiveByHash(hash: string): Promise<TokenRecord | null>;
  /** The token with this hash, revoked or not, whatever its owner's state. */
  findByHash(hash: string): Promise<TokenRecord | null>;
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
/** lastUsedAt is written at most this often per token, not on every request. */
const TOKEN_TOUCH_INTERVAL_MS = 60_000;

export async function createToken(store: TokenStore, crypto: TokenCrypto, input: NewToken, now: Date, token = crypto.randomToken()) {
  if (input.expiresAt && input.expiresAt <= now) {
    throw new AccessError('token.expiry_in_past', [{ field: 'expiresAt', reason: 'must be in the future' }]);
  }
  const record = await store.create({ ...input, tokenHash: crypto.hash(token), prefix: token.slice(0, PREFIX_LENGTH) });
  return { record, token };
}

/** A token that exists but whose time is over; it names the token so that the refusal can be audited under it. */
export class TokenExpiredError extends AccessError {
  constructor(readonly token: TokenRecord) {
    super('auth.token_expired', `the API token expired at ${token.expiresAt?.toISOString()}; ask for a new one`);
  }
}

export async function authenticate(store: TokenStore, crypto: TokenCrypto, token: string, now: Date): Promise<TokenRecord> {
  const record = await store.findActiveByHash(crypto.hash(token));
  if (!record) throw new AccessError('auth.invalid_token', 'the API token is unknown or revoked');
  if (record.expiresAt && record.expiresAt <= now) throw new TokenExpiredError(record);
  if (!record.lastUsedAt || now.getTime() - record.lastUsedAt.getTime() > TOKEN_TOUCH_INTERVAL_MS) await store.touch(record.id, now);
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
