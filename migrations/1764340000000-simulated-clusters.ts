import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The embedded stand-in for a cluster: its objects, its live policies and the faults switched on (its CNI is the cluster's). */
export class SimulatedClusters1764340000000 implements MigrationInterface {
  name = 'SimulatedClusters1764340000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE simulated_clusters (
      cluster_id uuid PRIMARY KEY CONSTRAINT fk_simulated_clusters_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      objects jsonb NOT NULL,
      faults jsonb NOT NULL DEFAULT '{}',
      policy_version bigint NOT NULL DEFAULT 0
    )`);
    await db.query(`CREATE TABLE simulated_policies (
      cluster_id uuid NOT NULL CONSTRAINT fk_simulated_policies_cluster REFERENCES simulated_clusters(cluster_id) ON DELETE CASCADE,
      namespace text NOT NULL,
      name text NOT NULL,
      manifest jsonb NOT NULL,
      CONSTRAINT pk_simulated_policies PRIMARY KEY (cluster_id, namespace, name)
    )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE simulated_policies`);
    await db.query(`DROP TABLE simulated_clusters`);
  }
}
