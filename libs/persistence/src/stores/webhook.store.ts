import type { WebhookDelivery, WebhookEvent, WebhookFormat } from '@bulkhead/contracts';
import type { AttemptRecord, DeliveryWork, WebhookChange, WebhookOutbox, WebhookRecord, WebhookStore } from '@bulkhead/notifications';
import type { DataSource } from 'typeorm';
import { required } from './required';

interface EndpointRow {
  id: string;
  cluster_id: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  created_by: string;
  created_at: Date;
  updated_at: Date;
}

/** Every column but the sealed secret, which is read only to send. */
const ENDPOINT_COLUMNS = `id, cluster_id, url, events, format, created_by, created_at, updated_at`;

const toRecord = (r: EndpointRow): WebhookRecord => ({
  id: r.id,
  clusterId: r.cluster_id,
  url: r.url,
  events: r.events,
  format: r.format,
  createdBy: r.created_by,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

const iso = (at: Date | null) => (at ? at.toISOString() : null);

export class PostgresWebhookStore implements WebhookStore {
  constructor(private readonly db: DataSource) {}

  async list(clusterId: string): Promise<WebhookRecord[]> {
    const rows: EndpointRow[] = await this.db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE cluster_id = $1 ORDER BY created_at, id`,
      [clusterId],
    );
    return rows.map(toRecord);
  }

  async get(clusterId: string, id: string): Promise<WebhookRecord | null> {
    const [row]: EndpointRow[] = await this.db.query(
      `SELECT ${ENDPOINT_COLUMNS} FROM webhook_endpoints WHERE cluster_id = $1 AND id = $2`,
      [clusterId, id],
    );
    return row ? toRecord(row) : null;
  }

  async insert(
    endpoint: Omit<WebhookRecord, 'id' | 'createdAt' | 'updatedAt'> & { sealedSecret: Uint8Array },
    now: Date,
  ): Promise<WebhookRecord> {
    const [row]: EndpointRow[] = await this.db.query(
      `INSERT INTO webhook_endpoints (cluster_id, url, events, format, sealed_secret, created_by, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING ${ENDPOINT_COLUMNS}`,
      [endpoint.clusterId, endpoint.url, endpoint.events, endpoint.format, Buffer.from(endpoint.sealedSecret), endpoint.createdBy, now],
    );
    return toRecord(required(row, 'row for the inserted webhook'));
  }

  async update(clusterId: string, id: string, change: WebhookChange, now: Date): Promise<WebhookRecord | null> {
    const [rows]: [EndpointRow[], number] = await this.db.query(
      `UPDATE webhook_endpoints SET url = coalesce($3, url), events = coalesce($4, events), format = coalesce($5, format),
         sealed_secret = coalesce($6, sealed_secret), updated_at = $7
       WHERE cluster_id = $1 AND id = $2 RETURNING ${ENDPOINT_COLUMNS}`,
      [
        clusterId,
        id,
        change.url ?? null,
        change.events ?? null,
        change.format ?? null,
        change.sealedSecret ? Buffer.from(change.sealedSecret) : null,
        now,
      ],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async delete(clusterId: string, id: string): Promise<boolean> {
    const [, count]: [unknown, number] = await this.db.query(`DELETE FROM webhook_endpoints WHERE cluster_id = $1 AND id = $2`, [
      clusterId,
      id,
    ]);
    return count > 0;
  }

  async deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]> {
    const rows: Array<{
      id: string;
      event: WebhookEvent;
      idempotency_key: string;
      status: WebhookDelivery['status'];
      attempts: number;
      last_status: number | null;
      last_error: string | null;
      created_at: Date;
      last_attempt_at: Date | null;
      finished_at: Date | null;
    }> = await this.db.query(
      `SELECT id, event, idempotency_key, status, attempts, last_status, last_error, created_at, last_attempt_at, finished_at
       FROM webhook_deliveries WHERE endpoint_id = $1 ORDER BY created_at DESC, audit_position DESC LIMIT $2`,
      [endpointId, limit],
    );
    return rows.map((r) => ({
      id: r.id,
      event: r.event,
      idempotencyKey: r.idempotency_key,
      status: r.status,
      attempts: r.attempts,
      lastStatus: r.last_status,
      lastError: r.last_error,
      createdAt: r.created_at.toISOString(),
      lastAttemptAt: iso(r.last_attempt_at),
      finishedAt: iso(r.finished_at),
    }));
  }
}

/** The outbox the audit log's trigger fills (see the Webhooks migration). */
export class PostgresWebhookOutbox implements WebhookOutbox {
  constructor(private readonly db: DataSource) {}

  async unqueued(limit: number): Promise<string[]> {
    const rows: Array<{ idempotency_key: string }> = await this.db.query(
      `SELECT idempotency_key FROM webhook_deliveries WHERE status = 'pending' AND queued_at IS NULL ORDER BY created_at, audit_position LIMIT $1`,
      [limit],
    );
    return rows.map((r) => r.idempotency_key);
  }

  async markQueued(keys: readonly string[], now: Date): Promise<void> {
    if (keys.length) await this.db.query(`UPDATE webhook_deliveries SET queued_at = $2 WHERE idempotency_key = ANY($1)`, [keys, now]);
  }

  async pendingQueuedBefore(before: Date): Promise<string[]> {
    const rows: Array<{ idempotency_key: string }> = await this.db.query(
      `SELECT idempotency_key FROM webhook_deliveries WHERE status = 'pending' AND queued_at < $1 ORDER BY created_at`,
      [before],
    );
    return rows.map((r) => r.idempotency_key);
  }

  async load(idempotencyKey: string): Promise<DeliveryWork | null> {
    const [row]: Array<{
      event: WebhookEvent;
      status: WebhookDelivery['status'];
      body: string | null;
      url: string;
      format: WebhookFormat;
      sealed_secret: Buffer;
      at: Date;
      cluster_id: string;
      cluster_name: string;
      target: string | null;
      details: Record<string, unknown>;
    }> = await this.db.query(
      `SELECT d.event, d.status, d.body, e.url, e.format, e.sealed_secret, a.at, e.cluster_id, c.name AS cluster_name, a.target, a.details
       FROM webhook_deliveries d
       JOIN webhook_endpoints e ON e.id = d.endpoint_id
       JOIN clusters c ON c.id = e.cluster_id
       JOIN audit_log a ON a.position = d.audit_position
       WHERE d.idempotency_key = $1`,
      [idempotencyKey],
    );
    if (!row) return null;
    return {
      idempotencyKey,
      status: row.status,
      body: row.body,
      url: row.url,
      format: row.format,
      sealedSecret: row.sealed_secret,
      entry: {
        event: row.event,
        at: row.at,
        clusterId: row.cluster_id,
        clusterName: row.cluster_name,
        target: row.target,
        details: row.details,
      },
    };
  }

  async keepBody(idempotencyKey: string, body: string): Promise<void> {
    await this.db.query(`UPDATE webhook_deliveries SET body = $2 WHERE idempotency_key = $1 AND body IS NULL`, [idempotencyKey, body]);
  }

  async recordAttempt(idempotencyKey: string, attempt: AttemptRecord): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET attempts = attempts + 1, status = $2::text, last_status = $3, last_error = $4, last_attempt_at = $5::timestamptz,
         finished_at = CASE WHEN $2::text = 'pending' THEN NULL ELSE $5::timestamptz END
       WHERE idempotency_key = $1 AND status = 'pending'`,
      [idempotencyKey, attempt.status, attempt.httpStatus, attempt.error, attempt.at],
    );
  }

  async giveUp(idempotencyKey: string, error: string, now: Date): Promise<void> {
    await this.db.query(
      `UPDATE webhook_deliveries SET status = 'failed', last_error = $2, finished_at = $3 WHERE idempotency_key = $1 AND status = 'pending'`,
      [idempotencyKey, error, now],
    );
  }
}
