import type { WebhookDelivery, WebhookEvent, WebhookFormat } from '@bulkhead/contracts';
import type { NotifiedEntry } from './notification';

/** A webhook endpoint as stored, without its sealed secret. */
export interface WebhookRecord {
  id: string;
  clusterId: string;
  url: string;
  events: WebhookEvent[];
  format: WebhookFormat;
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface WebhookChange {
  url?: string;
  events?: WebhookEvent[];
  format?: WebhookFormat;
  sealedSecret?: Uint8Array;
}

/** The endpoints per cluster, and their delivery logs. */
export interface WebhookStore {
  list(clusterId: string): Promise<WebhookRecord[]>;
  get(clusterId: string, id: string): Promise<WebhookRecord | null>;
  insert(endpoint: Omit<WebhookRecord, 'id' | 'createdAt' | 'updatedAt'> & { sealedSecret: Uint8Array }, now: Date): Promise<WebhookRecord>;
  /** null when there is no such endpoint on the cluster */
  update(clusterId: string, id: string, change: WebhookChange, now: Date): Promise<WebhookRecord | null>;
  /** false when there is no such endpoint on the cluster */
  delete(clusterId: string, id: string): Promise<boolean>;
  deliveries(endpointId: string, limit: number): Promise<WebhookDelivery[]>;
}

/** One delivery of the outbox, with what sending it needs. */
export interface DeliveryWork {
  idempotencyKey: string;
  status: WebhookDelivery['status'];
  /** the body as first sent; null before the first attempt */
  body: string | null;
  url: string;
  format: WebhookFormat;
  sealedSecret: Uint8Array;
  entry: NotifiedEntry;
}

/** How one attempt ended: the receiver's status when it answered, or why nothing came back. */
export interface AttemptRecord {
  /** `pending`: to be tried again */
  status: WebhookDelivery['status'];
  httpStatus: number | null;
  error: string | null;
  at: Date;
}

/**
 * The outbox: a delivery row per event and endpoint, written in the transaction of the change it tells
 * about (see the Webhooks migration), sent by the worker until the receiver takes it or it is given up.
 */
export interface WebhookOutbox {
  /** Pending deliveries no job has been asked for yet, oldest first. */
  unqueued(limit: number): Promise<string[]>;
  markQueued(keys: readonly string[], now: Date): Promise<void>;
  /** Pending deliveries whose job was asked for before `before`: the ones a lost job would strand. */
  pendingQueuedBefore(before: Date): Promise<string[]>;
  load(idempotencyKey: string): Promise<DeliveryWork | null>;
  /** Keeps the body of the first attempt, so that every attempt sends the same bytes. */
  keepBody(idempotencyKey: string, body: string): Promise<void>;
  recordAttempt(idempotencyKey: string, attempt: AttemptRecord): Promise<void>;
  /** The delivery was given up after its last attempt (nothing more is recorded when it had already finished). */
  giveUp(idempotencyKey: string, error: string, now: Date): Promise<void>;
}

/** Sends one request; throws when no HTTP answer came back (refused address, DNS, connection, timeout). */
export interface WebhookTransport {
  post(url: string, headers: Record<string, string>, body: string): Promise<{ status: number }>;
}
