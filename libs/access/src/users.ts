import { doesNotExist, type Role } from '@bulkhead/contracts';
import { AccessError } from './errors';
import type { SignInThrottle } from './sign-in-throttle';
import type { TokenCrypto } from './tokens';

export interface UserRecord {
  id: string;
  username: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

export interface UserStore {
  /** Fails with AccessError `user.username_taken`. */
  create(input: { username: string; passwordHash: string; role: Role }): Promise<UserRecord>;
  findByUsername(username: string): Promise<(UserRecord & { passwordHash: string }) | null>;
  list(): Promise<UserRecord[]>;
  countActive(): Promise<number>;
  /**
   * Disables the user, ends their sessions and revokes their tokens, in one transaction, once `allow`
   * (which throws to refuse) has seen the user and the ids of the enabled admins. Those admins stay
   * locked until the transaction ends, so two disables at once are decided one after the other. The
   * user as it is afterwards, or null when there is no such user.
   */
  disable(id: string, at: Date, allow: AdminGuard): Promise<UserRecord | null>;
  /** Gives the user another role, decided under the same lock as `disable`. The user afterwards, or null. */
  changeRole(id: string, role: Role, allow: AdminGuard): Promise<UserRecord | null>;
  /**
   * Deletes the user with their sessions and tokens, decided under the same lock as `disable`. The
   * user as it was, or null when there is no such user.
   */
  remove(id: string, allow: AdminGuard): Promise<UserRecord | null>;
  findById(id: string): Promise<(UserRecord & { passwordHash: string }) | null>;
  /**
   * Stores a new password hash and ends the user's sessions, all but the one whose hash is
   * `keepSessionHash`, in one transaction. The user, or null when there is no such user.
   */
  setPassword(id: string, passwordHash: string, keepSessionHash: string | null): Promise<UserRecord | null>;
}

/** Sees the user about to change and the ids of the enabled admins; throws to refuse. */
export type AdminGuard = (target: UserRecord, enabledAdminIds: string[]) => void;

export interface SessionStore {
  create(input: { userId: string; tokenHash: string; csrfToken: string; expiresAt: Date }): Promise<void>;
  /** The session and its user, when the session exists, has not expired and the user is enabled. */
  findValid(tokenHash: string, now: Date): Promise<{ csrfToken: string; expiresAt: Date; user: UserRecord } | null>;
  delete(tokenHash: string): Promise<void>;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  verify(password: string, hash: string): Promise<boolean>;
}

export interface AccessDeps {
  users: UserStore;
  sessions: SessionStore;
  hasher: PasswordHasher;
  crypto: TokenCrypto;
  throttle: SignInThrottle;
}

export const SESSION_TTL_MS = 12 * 3600 * 1000;
export const MIN_PASSWORD_LENGTH = 10;

/** A password Bulkhead makes up (the first admin's, a reset one): 20 random base64url characters, about 120 bits. */
export const generatedPassword = (crypto: Pick<TokenCrypto, 'randomToken'>): string => crypto.randomToken().slice(3, 23);

export async function createUser(
  deps: Pick<AccessDeps, 'users' | 'hasher'>,
  input: { username: string; password: string; role: Role },
): Promise<UserRecord> {
  if (input.password.length < MIN_PASSWORD_LENGTH) {
    throw new AccessError('user.weak_password', [{ field: 'password', reason: `must be at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
  return deps.users.create({ username: input.username, role: input.role, passwordHash: await deps.hasher.hash(input.password) });
}

export interface SignedIn {
  user: UserRecord;
  /** The session cookie's value: shown to the browser, stored only hashed. */
  sessionToken: string;
  csrfToken: string;
  expiresAt: Date;
}

const BAD_CREDENTIALS = () => new AccessError('auth.bad_credentials', 'unknown user name or wrong password');

/**
 * Checks a user name and password and opens a session. The same answer for an unknown user and a
 * wrong password. While the account or the address is blocked the password is not even looked at:
 * the right one is refused too, until the block ends.
 */
export async function signIn(
  deps: AccessDeps,
  input: { username: string; password: string; address: string },
  now: Date,
): Promise<SignedIn> {
  const attempt = { account: input.username.toLowerCase(), address: input.address };
  const retryAfterSeconds = await deps.throttle.admit(attempt);
  if (retryAfterSeconds > 0) {
    throw new AccessError('auth.throttled', `too many failed sign-ins; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  const user = await deps.users.findByUsername(input.username);
  // Hash even for an unknown user, so that timing does not tell which user names exist.
  const ok = await deps.hasher.verify(input.password, user?.passwordHash ?? (await deps.hasher.hash('not a password')));
  if (!user || !ok || user.disabledAt) {
    await deps.throttle.failed(attempt);
    throw BAD_CREDENTIALS();
  }
  await deps.throttle.succeeded(attempt);
  const sessionToken = deps.crypto.randomToken();
  const csrfToken = deps.crypto.randomToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await deps.sessions.create({ userId: user.id, tokenHash: deps.crypto.hash(sessionToken), csrfToken, expiresAt });
  const { passwordHash: _omit, ...record } = user;
  return { user: record, sessionToken, csrfToken, expiresAt };
}

export async function sessionOf(deps: Pick<AccessDeps, 'sessions' | 'crypto'>, sessionToken: string, now: Date) {
  const found = await deps.sessions.findValid(deps.crypto.hash(sessionToken), now);
  if (!found) throw new AccessError('auth.session_expired', 'the session has expired or was closed; sign in again');
  return found;
}

export async function signOut(deps: Pick<AccessDeps, 'sessions' | 'crypto'>, sessionToken: string): Promise<void> {
  await deps.sessions.delete(deps.crypto.hash(sessionToken));
}

/** The last enabled admin is never disabled, removed or demoted, or nobody could manage Bulkhead any more. */
const keepsAnAdmin =
  (change: string): AdminGuard =>
  (target, enabledAdminIds) => {
    if (enabledAdminIds.length === 1 && enabledAdminIds[0] === target.id) {
      throw new AccessError(
        'user.last_admin',
        `"${target.username}" is the last enabled admin and cannot be ${change}; make another admin first`,
      );
    }
  };

const notFound = (id: string) => new AccessError('user.not_found', doesNotExist('user', id));

/** Disables a user: no more sign-ins, and their sessions and tokens end at once. Never the last enabled admin. */
export async function disableUser(deps: Pick<AccessDeps, 'users'>, id: string, now: Date): Promise<UserRecord> {
  const disabled = await deps.users.disable(id, now, keepsAnAdmin('disabled'));
  if (!disabled) throw notFound(id);
  return disabled;
}

/** Gives a user another role; the last enabled admin stays an admin. */
export async function changeRole(deps: Pick<AccessDeps, 'users'>, id: string, role: Role): Promise<UserRecord> {
  const changed = await deps.users.changeRole(id, role, (target, enabledAdminIds) => {
    if (role !== 'admin') keepsAnAdmin('demoted')(target, enabledAdminIds);
  });
  if (!changed) throw notFound(id);
  return changed;
}

/** Removes a user with their sessions and tokens; never the last enabled admin. The user as it was. */
export async function removeUser(deps: Pick<AccessDeps, 'users'>, id: string): Promise<UserRecord> {
  const removed = await deps.users.remove(id, keepsAnAdmin('removed'));
  if (!removed) throw notFound(id);
  return removed;
}

/**
 * Gives a user a generated password and ends their sessions (their tokens stay). The only place
 * the password is ever seen is the answer.
 */
export async function resetPassword(
  deps: Pick<AccessDeps, 'users' | 'hasher' | 'crypto'>,
  id: string,
): Promise<{ user: UserRecord; password: string }> {
  const password = generatedPassword(deps.crypto);
  const user = await deps.users.setPassword(id, await deps.hasher.hash(password), null);
  if (!user) throw notFound(id);
  return { user, password };
}

/**
 * A user changes their own password, proving the current one. A wrong one counts as a failed
 * sign-in for the throttle, so that this is no side door for guessing. Their other sessions end.
 */
export async function changeOwnPassword(
  deps: AccessDeps,
  input: { userId: string; current: string; next: string; address: string; sessionToken: string | null },
): Promise<UserRecord> {
  const user = await deps.users.findById(input.userId);
  if (!user) throw notFound(input.userId);
  const attempt = { account: user.username.toLowerCase(), address: input.address };
  const retryAfterSeconds = await deps.throttle.admit(attempt);
  if (retryAfterSeconds > 0) {
    throw new AccessError('auth.throttled', `too many failed attempts; try again in ${retryAfterSeconds} s`, { retryAfterSeconds });
  }
  if (!(await deps.hasher.verify(input.current, user.passwordHash))) {
    await deps.throttle.failed(attempt);
    throw new AccessError('user.wrong_password', [{ field: 'current', reason: 'is not your current password' }]);
  }
  await deps.throttle.succeeded(attempt);
  if (input.next.length < MIN_PASSWORD_LENGTH) {
    throw new AccessError('user.weak_password', [{ field: 'next', reason: `must be at least ${MIN_PASSWORD_LENGTH} characters` }]);
  }
  const keep = input.sessionToken === null ? null : deps.crypto.hash(input.sessionToken);
  const changed = await deps.users.setPassword(input.userId, await deps.hasher.hash(input.next), keep);
  if (!changed) throw notFound(input.userId);
  return changed;
}
