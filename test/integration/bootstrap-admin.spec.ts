import { ensureBootstrapAdmin } from '@bulkhead/access';
import { TypeOrmTokenStore, TypeOrmUserStore } from '@bulkhead/persistence';
import { nodeTokenCrypto, scryptPasswordHasher } from '@bulkhead/platform';
import type { DataSource } from 'typeorm';
import { migratedTestDatabase } from './support/harness';

/** First start: the user `admin` and an admin token that user owns, made once. */
let db: DataSource;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase());
});
afterAll(() => close());

const warnings: { message: string; fields: Record<string, unknown> }[] = [];
const deps = () => ({
  users: new TypeOrmUserStore(db),
  tokens: new TypeOrmTokenStore(db),
  hasher: scryptPasswordHasher,
  crypto: nodeTokenCrypto,
  warn: (message: string, fields: Record<string, unknown>) => warnings.push({ message, fields }),
});

it('makes the admin user and a token it owns at first start, and nothing at the next', async () => {
  const first = await ensureBootstrapAdmin(deps(), {}, new Date());
  expect(first.token).toMatch(/^bh_/);
  expect(first.password).toHaveLength(20);
  const [token] = await deps().tokens.list();
  expect(token).toMatchObject({ name: 'bootstrap admin', role: 'admin', owner: { username: 'admin' }, expiresAt: null });
  expect(await ensureBootstrapAdmin(deps(), {}, new Date())).toEqual({ token: null, password: null });
});

it('adds a configured token, owned by admin, and never hands back what was configured', async () => {
  const configured = 'bh_configured-token-of-thirty-chars';
  expect(await ensureBootstrapAdmin(deps(), { token: configured, password: 'configured password' }, new Date())).toEqual({
    token: null,
    password: null,
  });
  const found = await deps().tokens.findActiveByHash(nodeTokenCrypto.hash(configured));
  expect(found?.owner.username).toBe('admin');
});

it('does not make a revoked configured token again: the next start boots, warns, and the token stays refused', async () => {
  const configured = 'bh_configured-token-revoked-later';
  await ensureBootstrapAdmin(deps(), { token: configured }, new Date());
  const stored = await deps().tokens.findActiveByHash(nodeTokenCrypto.hash(configured));
  expect(await deps().tokens.revoke(stored!.id, new Date())).toBe(true);
  warnings.length = 0;
  const tokensBefore = (await deps().tokens.list()).length;

  expect(await ensureBootstrapAdmin(deps(), { token: configured }, new Date())).toEqual({ token: null, password: null });
  expect(warnings).toEqual([
    { message: expect.stringContaining('BULKHEAD_ADMIN_TOKEN was revoked'), fields: { name: 'bootstrap admin', owner: 'admin' } },
  ]);
  expect(JSON.stringify(warnings)).not.toContain(configured);
  expect(await deps().tokens.findActiveByHash(nodeTokenCrypto.hash(configured))).toBeNull();
  expect(await deps().tokens.list()).toHaveLength(tokensBefore);
});

it('does not make a configured token again when its owner was disabled and it was left unrevoked', async () => {
  const configured = 'bh_configured-token-of-a-disabled-owner';
  await ensureBootstrapAdmin(deps(), { token: configured }, new Date());
  const stored = await deps().tokens.findByHash(nodeTokenCrypto.hash(configured));
  await deps().users.create({ username: 'second-admin', passwordHash: 'x', role: 'admin' });
  await db.query(`UPDATE users SET disabled_at = now() WHERE id = $1`, [stored!.owner.id]);
  warnings.length = 0;

  expect(await ensureBootstrapAdmin(deps(), { token: configured }, new Date())).toEqual({ token: null, password: null });
  expect(warnings).toEqual([
    { message: expect.stringContaining('its owner disabled'), fields: { name: 'bootstrap admin', owner: 'admin' } },
  ]);
  expect(await deps().tokens.findActiveByHash(nodeTokenCrypto.hash(configured))).toBeNull();
});
