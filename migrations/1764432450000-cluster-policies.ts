import type { MigrationInterface, QueryRunner } from 'typeorm';
import { stopTouchingClusters, touchClustersOnWrite } from './1764418000000-cluster-data-versions';

/**
 * The cluster-scoped policies of policy.networking.k8s.io (ClusterNetworkPolicy, AdminNetworkPolicy,
 * BaselineAdminNetworkPolicy) in a cluster's inventory, one row per kind and name, each object as listed;
 * and the same kinds in a simulated cluster, which its driver enforces beside its NetworkPolicies.
 */
export class ClusterPolicies1764432450000 implements MigrationInterface {
  name = 'ClusterPolicies1764432450000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE cluster_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_cluster_policies_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      kind text NOT NULL,
      name text NOT NULL,
      manifest jsonb NOT NULL
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_cluster_policies_cluster_kind_name ON cluster_policies (cluster_id, kind, name)`);
    await touchClustersOnWrite(db, 'cluster_policies', 'SELECT cluster_id FROM changed_rows');
    await db.query(`CREATE TABLE simulated_cluster_policies (
      cluster_id uuid NOT NULL CONSTRAINT fk_simulated_cluster_policies_cluster REFERENCES simulated_clusters(cluster_id) ON DELETE CASCADE,
      kind text NOT NULL,
      name text NOT NULL,
      manifest jsonb NOT NULL,
      CONSTRAINT pk_simulated_cluster_policies PRIMARY KEY (cluster_id, kind, name)
    )`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE simulated_cluster_policies`);
    await stopTouchingClusters(db, 'cluster_policies');
    await db.query(`DROP TABLE cluster_policies`);
  }
}
