import { ensureBootstrapAdmin } from '@bulkhead/access';
import { migrations } from '@bulkhead/migrations';
import { openDatabase, TypeOrmTokenStore, TypeOrmUserStore } from '@bulkhead/persistence';
import { nodeTokenCrypto, scryptPasswordHasher } from '@bulkhead/platform';
import type { DataSource } from 'typeorm';
import { testDatabase } from './support/harness';

/** First start: the user `admin` and an admin token that user owns, made once. */
let db: DataSource;
let drop: () => Promise<void>;
beforeAll(async () => {
  const database = await testDatabase();
  drop = database.drop;
  db = (await openDatabase(database.url, migrations)).db;
});
afterAll(async () => {
  await db.destroy();
  await drop();
});

const deps = () => ({ users: new TypeOrmUserStore(db), tokens: new TypeOrmTokenStore(db), hasher: scryptPasswordHasher, crypto: nodeTokenCrypto });

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
  expect(await ensureBootstrapAdmin(deps(), { token: configured, password: 'configured password' }, new Date())).toEqual({ token: null, password: null });
  const found = await deps().tokens.findActiveByHash(nodeTokenCrypto.hash(configured));
  expect(found?.owner.username).toBe('admin');
});
