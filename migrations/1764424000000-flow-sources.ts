import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Live flow collection. `flow_sources`: a cluster's Hubble Relay or Goldmane endpoint, its TLS material
 * sealed like a kubeconfig, the lease that lets exactly one worker collect it (owner, expiry, and an
 * epoch that goes up on every takeover and fences every write), the checkpoint a collector resumes from,
 * and the state the API shows. `flow_source_gaps`: the spans a source could not observe (the server's
 * history no longer reached back to the checkpoint, or it reported flows lost). `edge_activity`: per edge,
 * per source and per hour, what the live stream counted: when each edge was last used, and how often
 * (connection starts per reporting side; connections are the listed ones plus the largest side, so a
 * connection reported from both ends counts once, however the stream was cut into batches).
 */
export class FlowSources1764424000000 implements MigrationInterface {
  name = 'FlowSources1764424000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE flow_sources (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL CONSTRAINT fk_flow_sources_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      name text NOT NULL,
      kind text NOT NULL CONSTRAINT ck_flow_sources_kind CHECK (kind IN ('hubble-relay', 'goldmane')),
      address text NOT NULL,
      tls text NOT NULL DEFAULT 'none' CONSTRAINT ck_flow_sources_tls CHECK (tls IN ('none', 'tls', 'mtls')),
      server_name text,
      sealed_tls bytea,
      has_ca boolean NOT NULL DEFAULT false,
      enabled boolean NOT NULL DEFAULT true,
      config_version integer NOT NULL DEFAULT 1,
      lease_owner text,
      lease_epoch bigint NOT NULL DEFAULT 0,
      lease_expires_at timestamptz,
      checkpoint jsonb,
      status text NOT NULL DEFAULT 'waiting' CONSTRAINT ck_flow_sources_status CHECK (status IN ('waiting', 'connected', 'lagging', 'failing')),
      status_reason text,
      status_since timestamptz NOT NULL DEFAULT now(),
      observing_since timestamptz,
      last_flow_at timestamptz,
      flows_per_second double precision NOT NULL DEFAULT 0,
      flows_total bigint NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT uq_flow_sources_cluster_name UNIQUE (cluster_id, name)
    )`);
    await db.query(`CREATE TABLE flow_source_gaps (
      source_id uuid NOT NULL CONSTRAINT fk_flow_source_gaps_source REFERENCES flow_sources(id) ON DELETE CASCADE,
      gap_from timestamptz NOT NULL,
      gap_to timestamptz NOT NULL,
      reason text NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT pk_flow_source_gaps PRIMARY KEY (source_id, gap_from),
      CONSTRAINT ck_flow_source_gaps_order CHECK (gap_from <= gap_to)
    )`);
    await db.query(`CREATE TABLE edge_activity (
      edge_id uuid NOT NULL CONSTRAINT fk_edge_activity_edge REFERENCES edges(id) ON DELETE CASCADE,
      source_id uuid NOT NULL CONSTRAINT fk_edge_activity_source REFERENCES flow_sources(id) ON DELETE CASCADE,
      hour timestamptz NOT NULL,
      starts_src bigint NOT NULL DEFAULT 0,
      starts_dst bigint NOT NULL DEFAULT 0,
      starts_fwd bigint NOT NULL DEFAULT 0,
      starts_unknown bigint NOT NULL DEFAULT 0,
      starts_listed bigint NOT NULL DEFAULT 0,
      connections bigint NOT NULL,
      observations bigint NOT NULL,
      first_seen timestamptz,
      last_seen timestamptz,
      CONSTRAINT pk_edge_activity PRIMARY KEY (edge_id, source_id, hour)
    )`);
    await db.query(`CREATE INDEX ix_edge_activity_source_hour ON edge_activity (source_id, hour)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE edge_activity`);
    await db.query(`DROP TABLE flow_source_gaps`);
    await db.query(`DROP TABLE flow_sources`);
  }
}
