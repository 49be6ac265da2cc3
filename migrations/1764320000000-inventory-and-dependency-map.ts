import type { MigrationInterface, QueryRunner } from 'typeorm';

export class InventoryAndDependencyMap1764320000000 implements MigrationInterface {
  name = 'InventoryAndDependencyMap1764320000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE clusters (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      cni text NOT NULL,
      description text,
      inventory_imported_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_clusters_cni CHECK (cni IN ('calico','cilium','flannel','canal','weave','antrea','kube-router','unknown'))
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_clusters_name ON clusters (name)`);

    await db.query(`CREATE TABLE namespaces (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_namespaces_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      name text NOT NULL,
      labels jsonb NOT NULL DEFAULT '{}',
      label_tier text,
      tier_override text,
      CONSTRAINT ck_namespaces_label_tier CHECK (label_tier IN ('dev','staging','prod')),
      CONSTRAINT ck_namespaces_tier_override CHECK (tier_override IN ('dev','staging','prod'))
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_namespaces_cluster_name ON namespaces (cluster_id, name)`);

    await db.query(`CREATE TABLE workloads (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_workloads_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      namespace text NOT NULL,
      name text NOT NULL,
      kind text NOT NULL,
      labels jsonb NOT NULL DEFAULT '{}',
      ports jsonb NOT NULL DEFAULT '[]',
      pod_count integer NOT NULL,
      from_template boolean NOT NULL DEFAULT false
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_workloads_cluster_ns_kind_name ON workloads (cluster_id, namespace, kind, name)`);

    await db.query(`CREATE TABLE pods (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_pods_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      namespace text NOT NULL,
      name text NOT NULL,
      labels jsonb NOT NULL DEFAULT '{}',
      ips text[] NOT NULL DEFAULT '{}',
      phase text,
      workload_kind text NOT NULL,
      workload_name text NOT NULL,
      ports jsonb NOT NULL DEFAULT '[]',
      synthetic boolean NOT NULL DEFAULT false
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_pods_cluster_ns_name ON pods (cluster_id, namespace, name)`);

    await db.query(`CREATE TABLE network_policies (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_network_policies_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      namespace text NOT NULL,
      name text NOT NULL,
      manifest jsonb NOT NULL
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_network_policies_cluster_ns_name ON network_policies (cluster_id, namespace, name)`);

    await db.query(`CREATE TABLE flow_imports (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_flow_imports_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      status text NOT NULL,
      format text,
      file_name text,
      sha256 text NOT NULL,
      size_bytes bigint NOT NULL,
      storage_path text,
      progress jsonb NOT NULL DEFAULT '{}',
      error text,
      duplicate_of uuid CONSTRAINT fk_flow_imports_duplicate_of REFERENCES flow_imports(id) ON DELETE SET NULL,
      created_by text,
      created_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      CONSTRAINT ck_flow_imports_status CHECK (status IN ('queued','running','succeeded','failed'))
    )`);
    await db.query(`CREATE INDEX ix_flow_imports_cluster_created ON flow_imports (cluster_id, created_at)`);
    // One live import per content and cluster: the same file uploaded again becomes a duplicate record.
    await db.query(`CREATE UNIQUE INDEX uq_flow_imports_cluster_content ON flow_imports (cluster_id, sha256)
      WHERE duplicate_of IS NULL AND status <> 'failed'`);

    await db.query(`CREATE TABLE edges (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_edges_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      key text NOT NULL,
      src_key text NOT NULL,
      dst_key text NOT NULL,
      port integer NOT NULL,
      protocol text NOT NULL,
      origin text NOT NULL,
      review text NOT NULL DEFAULT 'unreviewed',
      connections bigint NOT NULL DEFAULT 0,
      first_seen timestamptz,
      last_seen timestamptz,
      verdicts text[] NOT NULL DEFAULT '{}',
      created_by text,
      reviewed_by text,
      review_comment text,
      reviewed_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_edges_origin CHECK (origin IN ('observed','manual')),
      CONSTRAINT ck_edges_review CHECK (review IN ('unreviewed','confirmed','rejected')),
      CONSTRAINT ck_edges_port CHECK (port BETWEEN 0 AND 65535)
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_edges_cluster_key ON edges (cluster_id, key)`);
    await db.query(`CREATE INDEX ix_edges_cluster_src ON edges (cluster_id, src_key)`);
    await db.query(`CREATE INDEX ix_edges_cluster_dst ON edges (cluster_id, dst_key)`);

    await db.query(`CREATE TABLE edge_observations (
      edge_id uuid NOT NULL CONSTRAINT fk_edge_observations_edge REFERENCES edges(id) ON DELETE CASCADE,
      import_id uuid NOT NULL CONSTRAINT fk_edge_observations_import REFERENCES flow_imports(id) ON DELETE CASCADE,
      connections bigint NOT NULL,
      first_seen timestamptz,
      last_seen timestamptz,
      verdicts text[] NOT NULL DEFAULT '{}',
      CONSTRAINT pk_edge_observations PRIMARY KEY (edge_id, import_id)
    )`);
    await db.query(`CREATE INDEX ix_edge_observations_import ON edge_observations (import_id)`);

    await db.query(`CREATE TABLE api_tokens (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      role text NOT NULL,
      token_hash text NOT NULL,
      prefix text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      last_used_at timestamptz,
      revoked_at timestamptz,
      CONSTRAINT ck_api_tokens_role CHECK (role IN ('viewer','operator','approver','admin'))
    )`);
    await db.query(`CREATE UNIQUE INDEX uq_api_tokens_hash ON api_tokens (token_hash)`);
  }

  async down(db: QueryRunner): Promise<void> {
    for (const table of [
      'api_tokens',
      'edge_observations',
      'edges',
      'flow_imports',
      'network_policies',
      'pods',
      'workloads',
      'namespaces',
      'clusters',
    ]) {
      await db.query(`DROP TABLE ${table}`);
    }
  }
}
