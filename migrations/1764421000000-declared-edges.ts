import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Edges a source declares (Otterize ClientIntents, an advised NetworkPolicy) are stored as `declared`,
 * apart from observed traffic and from a person's declaration (`manual`). Which import declared them
 * stays in edge_observations.
 */
export class DeclaredEdges1764421000000 implements MigrationInterface {
  name = 'DeclaredEdges1764421000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE edges DROP CONSTRAINT ck_edges_origin`);
    await db.query(`ALTER TABLE edges ADD CONSTRAINT ck_edges_origin CHECK (origin IN ('observed','manual','declared'))`);
  }

  async down(db: QueryRunner): Promise<void> {
    // Before this migration an imported edge was observed: declared ones go back to that, their imports kept.
    await db.query(`UPDATE edges SET origin = 'observed' WHERE origin = 'declared'`);
    await db.query(`ALTER TABLE edges DROP CONSTRAINT ck_edges_origin`);
    await db.query(`ALTER TABLE edges ADD CONSTRAINT ck_edges_origin CHECK (origin IN ('observed','manual'))`);
  }
}
