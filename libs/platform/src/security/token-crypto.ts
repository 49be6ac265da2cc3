import { createHash, randomBytes } from 'node:crypto';

/** API tokens: 32 random bytes, `bh_` + base64url; only their SHA-256 is stored. */
export const nodeTokenCrypto = {
  randomToken: (): string => `bh_${randomBytes(32).toString('base64url')}`,
  hash: (token: string): string => createHash('sha256').update(token).digest('hex'),
};
