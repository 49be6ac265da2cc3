import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * An import says what it did: the warnings it finished with (nothing attributed, and why), and what became
 * of its unattributed flows. Those an inventory change could attribute are kept in unattributed_flows
 * (a bounded number per cluster) and attributed again after every snapshot or sync.
 */
export class UnattributedFlows1764426000000 implements MigrationInterface {
  name = 'UnattributedFlows1764426000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE flow_imports
      ADD COLUMN warnings jsonb NOT NULL DEFAULT '[]',
      ADD COLUMN unattributed_waiting integer NOT NULL DEFAULT 0,
      ADD COLUMN unattributed_not_kept integer NOT NULL DEFAULT 0,
      ADD COLUMN attributed_later integer NOT NULL DEFAULT 0`);
    await db.query(`CREATE TABLE unattributed_flows (
      id bigserial CONSTRAINT pk_unattributed_flows PRIMARY KEY,
      cluster_id uuid NOT NULL CONSTRAINT fk_unattributed_flows_cluster REFERENCES clusters(id) ON DELETE CASCADE,
      import_id uuid NOT NULL CONSTRAINT fk_unattributed_flows_import REFERENCES flow_imports(id) ON DELETE CASCADE,
      record jsonb NOT NULL
    )`);
    await db.query(`CREATE INDEX ix_unattributed_flows_cluster ON unattributed_flows (cluster_id, id)`);
    await db.query(`CREATE INDEX ix_unattributed_flows_import ON unattributed_flows (import_id)`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TABLE unattributed_flows`);
    await db.query(`ALTER TABLE flow_imports
      DROP COLUMN warnings, DROP COLUMN unattributed_waiting, DROP COLUMN unattributed_not_kept, DROP COLUMN attributed_later`);
  }
}
