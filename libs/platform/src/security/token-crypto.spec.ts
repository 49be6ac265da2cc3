import { nodeTokenCrypto } from './token-crypto';

describe('token crypto', () => {
  it('stores a token as the hex SHA-256 of its text, so the hashes already stored still match', () => {
    // `printf %s bh_example-token | sha256sum`
    expect(nodeTokenCrypto.hash('bh_example-token')).toBe('586e6756271b419eafcdcf80b326692ae2cae5471aa56917bc38cddbf1d8abaf');
  });

  it('makes tokens of 32 random bytes behind the bh_ prefix, never the same twice', () => {
    const [first, second] = [nodeTokenCrypto.randomToken(), nodeTokenCrypto.randomToken()];
    expect(first).toMatch(/^bh_[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
  });
});
