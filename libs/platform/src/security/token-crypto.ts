import { hash, randomBytes } from 'node:crypto';

/**
 * API tokens: 32 random bytes, `bh_` + base64url; only their SHA-256 is stored. Every request with a
 * token hashes it, so in one call (crypto.hash), without a Hash object to make and throw away.
 */
export const nodeTokenCrypto = {
  randomToken: (): string => `bh_${randomBytes(32).toString('base64url')}`,
  hash: (token: string): string => hash('sha256', token, 'hex'),
};
