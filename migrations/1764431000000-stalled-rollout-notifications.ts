import type { MigrationInterface, QueryRunner } from 'typeorm';

/** The outbox function as it maps audit actions to webhook events; `stalled` says whether a stall notifies. */
const outboxFunction = (stalled: boolean) => `CREATE OR REPLACE FUNCTION webhook_outbox() RETURNS trigger LANGUAGE plpgsql AS $$
  DECLARE
    notified text := CASE NEW.action
      WHEN 'rollout.stage.request_approval' THEN 'approval.needed'
      WHEN 'rollout.status.halted' THEN 'rollout.halted'
      WHEN 'rollout.status.completed' THEN 'rollout.completed'
      ${stalled ? "WHEN 'rollout.stalled' THEN 'rollout.stalled'" : ''}
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
  END $$`;

const trigger = (actions: string[]) => `CREATE TRIGGER tr_audit_log_webhook_outbox AFTER INSERT ON audit_log FOR EACH ROW
  WHEN (NEW.action IN (${actions.map((a) => `'${a}'`).join(', ')}))
  EXECUTE FUNCTION webhook_outbox()`;

const NOTIFYING = ['rollout.stage.request_approval', 'rollout.status.halted', 'rollout.status.completed', 'drift.detected'];
const EVENTS = ['approval.needed', 'rollout.halted', 'rollout.completed', 'drift.found'];

const eventsCheck = (events: string[]) =>
  `ALTER TABLE webhook_endpoints ADD CONSTRAINT ck_webhook_endpoints_events CHECK (cardinality(events) > 0
    AND events <@ ARRAY[${events.map((e) => `'${e}'`).join(', ')}])`;

/**
 * A stalled rollout notifies, as a halted one does: the `rollout.stalled` audit entry (written once per
 * version of the rollout) becomes the webhook event `rollout.stalled`.
 */
export class StalledRolloutNotifications1764431000000 implements MigrationInterface {
  name = 'StalledRolloutNotifications1764431000000';

  async up(db: QueryRunner): Promise<void> {
    await db.query(`ALTER TABLE webhook_endpoints DROP CONSTRAINT ck_webhook_endpoints_events`);
    await db.query(eventsCheck([...EVENTS, 'rollout.stalled']));
    await db.query(outboxFunction(true));
    await db.query(`DROP TRIGGER tr_audit_log_webhook_outbox ON audit_log`);
    await db.query(trigger([...NOTIFYING, 'rollout.stalled']));
  }

  async down(db: QueryRunner): Promise<void> {
    await db.query(`UPDATE webhook_endpoints SET events = array_remove(events, 'rollout.stalled')`);
    await db.query(`DELETE FROM webhook_endpoints WHERE cardinality(events) = 0`);
    await db.query(`ALTER TABLE webhook_endpoints DROP CONSTRAINT ck_webhook_endpoints_events`);
    await db.query(eventsCheck(EVENTS));
    await db.query(outboxFunction(false));
    await db.query(`DROP TRIGGER tr_audit_log_webhook_outbox ON audit_log`);
    await db.query(trigger(NOTIFYING));
  }
}
