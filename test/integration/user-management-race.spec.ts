import { AccessError, changeRole, createUser, disableUser, removeUser } from '@bulkhead/access';
import { TypeOrmUserStore } from '@bulkhead/persistence';
import { scryptPasswordHasher } from '@bulkhead/platform';
import type { DataSource } from 'typeorm';
import { migratedTestDatabase } from './support/harness';

/**
 * The last-admin rule decided in PostgreSQL, under the lock on the enabled admins: two changes that
 * would each leave one admin, started together, never leave none. Straight on the store, so that both
 * reach the lock together (through the API the second is often refused at the edge first).
 */
let db: DataSource;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase());
});
afterAll(() => close());

const deps = () => ({ users: new TypeOrmUserStore(db), hasher: scryptPasswordHasher });

async function twoAdmins(prefix: string) {
  await db.query(`UPDATE users SET disabled_at = now() WHERE role = 'admin' AND disabled_at IS NULL`);
  const a = await createUser(deps(), { username: `${prefix}-a`, password: 'a long enough secret', role: 'admin' });
  const b = await createUser(deps(), { username: `${prefix}-b`, password: 'a long enough secret', role: 'admin' });
  return [a.id, b.id] as const;
}

const enabledAdmins = async () => (await db.query(`SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL`)).length;

it.each([
  ['demote and demote', (id: string) => changeRole(deps(), id, 'viewer'), (id: string) => changeRole(deps(), id, 'operator')],
  ['demote and remove', (id: string) => changeRole(deps(), id, 'viewer'), (id: string) => removeUser(deps(), id)],
  ['remove and disable', (id: string) => removeUser(deps(), id), (id: string) => disableUser(deps(), id, new Date())],
])('%s of the last two admins at once leaves one admin', async (name, first, second) => {
  const [a, b] = await twoAdmins(name.replaceAll(' ', '-'));
  const outcomes = await Promise.allSettled([first(a), second(b)]);
  const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  expect(refused).toHaveLength(1);
  expect(refused[0]).toBeInstanceOf(AccessError);
  expect((refused[0] as AccessError).code).toBe('user.last_admin');
  expect(await enabledAdmins()).toBe(1);
});
