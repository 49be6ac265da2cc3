import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Webhook notifications: the endpoints configured per cluster (their secret sealed), and an outbox of
 * deliveries, one row per event and endpoint.
 *
 * The outbox is filled by a trigger on the audit log: every change that notifies (a stage asking for
 * approval, a rollout halted or completed, drift found) writes its audit entry in the transaction of the
 * change, so the delivery rows are written in that same transaction, whichever store wrote it. A
 * delivery's idempotency key is unique: the entry and the endpoint name it, so one event reaches one
 * endpoint under one key however often it is sent. Drift found again, with the same findings as the
 * cluster's check before, is not news and notifies nobody.
 */
export class Webhooks1764422000000 implements MigrationInterface {
  name = 'Webhooks1764422000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`CREATE TABLE webhook_endpoints (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      cluster_id uuid NOT NULL REFERENCES clusters (id) ON DELETE CASCADE,
      url text NOT NULL,
      events text[] NOT NULL,
      format text NOT NULL,
      sealed_secret bytea NOT NULL,
      created_by text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT ck_webhook_endpoints_format CHECK (format IN ('json', 'slack')),
      CONSTRAINT ck_webhook_endpoints_events CHECK (cardinality(events) > 0
        AND events <@ ARRAY['approval.needed', 'rollout.halted', 'rollout.completed', 'drift.found'])
    )`);
    await db.query(`CREATE INDEX ix_webhook_endpoints_cluster ON webhook_endpoints (cluster_id)`);
    await db.query(`CREATE TABLE webhook_deliveries (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      endpoint_id uuid NOT NULL REFERENCES webhook_endpoints (id) ON DELETE CASCADE,
      event text NOT NULL,
      audit_position bigint NOT NULL,
      idempotency_key text NOT NULL,
      status text NOT NULL DEFAULT 'pending',
      attempts integer NOT NULL DEFAULT 0,
      body text,
      last_status integer,
      last_error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      queued_at timestamptz,
      last_attempt_at timestamptz,
      finished_at timestamptz,
      CONSTRAINT uq_webhook_deliveries_idempotency_key UNIQUE (idempotency_key),
      CONSTRAINT ck_webhook_deliveries_status CHECK (status IN ('pending', 'delivered', 'failed'))
    )`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_endpoint_created ON webhook_deliveries (endpoint_id, created_at DESC)`);
    await db.query(`CREATE INDEX ix_webhook_deliveries_pending ON webhook_deliveries (created_at) WHERE status = 'pending'`);
    await db.query(`CREATE FUNCTION webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        notified text := CASE NEW.action
          WHEN 'rollout.stage.request_approval' THEN 'approval.needed'
          WHEN 'rollout.status.halted' THEN 'rollout.halted'
          WHEN 'rollout.status.completed' THEN 'rollout.completed'
          WHEN 'drift.detected' THEN 'drift.found'
        END;
      BEGIN
        IF notified IS NULL OR NEW.cluster_id IS NULL THEN RETURN NULL; END IF;
        -- Drift is re-checked every few minutes: it is news when its findings differ from the check before.
        IF notified = 'drift.found' AND NEW.details->'findings' = (SELECT findings FROM drift_checks
            WHERE cluster_id = NEW.cluster_id ORDER BY checked_at DESC, id DESC OFFSET 1 LIMIT 1) THEN
          RETURN NULL;
        END IF;
        INSERT INTO webhook_deliveries (endpoint_id, event, audit_position, idempotency_key)
          SELECT e.id, notified, NEW.position, notified || '.' || NEW.position || '.' || e.id
          FROM webhook_endpoints e WHERE e.cluster_id = NEW.cluster_id AND notified = ANY (e.events)
          ON CONFLICT (idempotency_key) DO NOTHING;
        RETURN NULL;
      END $$`);
    await db.query(`CREATE TRIGGER tr_audit_log_webhook_outbox AFTER INSERT ON audit_log FOR EACH ROW
      WHEN (NEW.action IN ('rollout.stage.request_approval', 'rollout.status.halted', 'rollout.status.completed', 'drift.detected'))
      EXECUTE FUNCTION webhook_outbox()`);
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`DROP TRIGGER tr_audit_log_webhook_outbox ON audit_log`);
    await db.query(`DROP FUNCTION webhook_outbox()`);
    await db.query(`DROP TABLE webhook_deliveries`);
    await db.query(`DROP TABLE webhook_endpoints`);
  }
}
