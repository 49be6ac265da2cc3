import { ACTIVE_STATUSES } from '@bulkhead/contracts';
import type { DataSource } from 'typeorm';
import { migratedTestDatabase } from './support/harness';

/**
 * "Active" has one definition, the contract's ACTIVE_STATUSES. The partial unique index that allows one
 * active rollout per cluster is written in a migration (history, never edited), so this holds the index
 * of a migrated database to the constant: a status added to one and not the other fails here.
 */
let db: DataSource;
let close: () => Promise<void>;
beforeAll(async () => {
  ({ db, close } = await migratedTestDatabase());
});
afterAll(() => close());

it('the one-active-rollout-per-cluster index covers exactly the active statuses', async () => {
  const [index] = await db.query(
    `SELECT pg_get_expr(i.indpred, i.indrelid) AS predicate, i.indisunique AS unique FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = 'uq_rollouts_one_active_per_cluster'`,
  );
  expect(index.unique).toBe(true);
  // Postgres keeps `status IN (...)` as `status = ANY (ARRAY['scheduled'::text, ...])`
  expect(index.predicate).toMatch(/^\(status = ANY \(ARRAY\[.*\]\)\)$/);
  const statuses = [...(index.predicate as string).matchAll(/'([a-z_]+)'::text/g)].map((m) => m[1]);
  expect(statuses.sort()).toEqual([...ACTIVE_STATUSES].sort());
});
