import { migrations } from '@bulkhead/migrations';
import { openDatabase } from '@bulkhead/persistence';
import { testDatabase } from './support/harness';

/** Plans made before plans had a cluster layer are given an empty one when the migration runs, and its down() takes it away. */
const index = migrations.findIndex((m) => m.name === 'PlanClusterLayer1764432400000');
const before = migrations.slice(0, index);

it('gives stored plans a cluster layer with no piece asked for, and its down() takes it away', async () => {
  const database = await testDatabase();
  try {
    const old = (await openDatabase(database.url, before)).db;
    const [cluster] = await old.query(`INSERT INTO clusters (name, cni) VALUES ('old', 'calico') RETURNING id`);
    await old.query(
      `INSERT INTO plans (cluster_id, version, created_by, policies, report, summary) VALUES ($1, 1, 'ann', '[]', '{"plan": {"tiers": {}}}', '{}')`,
      [cluster.id],
    );
    await old.destroy();

    const { db, applied } = await openDatabase(database.url, migrations.slice(0, index + 1));
    expect(applied).toEqual(['PlanClusterLayer1764432400000']);
    const [{ report }] = await db.query(`SELECT report FROM plans`);
    expect(report.plan).toEqual({
      tiers: {},
      clusterLayer: {
        pieces: [
          { piece: 'tierIsolation', requested: false, included: false, policies: [] },
          { piece: 'baselineDefaultDeny', requested: false, included: false, policies: [] },
          { piece: 'intraTierPass', requested: false, included: false, policies: [] },
        ],
        policies: [],
      },
    });

    await db.undoLastMigration();
    expect((await db.query(`SELECT report FROM plans`))[0].report).toEqual({ plan: { tiers: {} } });
    await db.destroy();
  } finally {
    await database.drop();
  }
});
