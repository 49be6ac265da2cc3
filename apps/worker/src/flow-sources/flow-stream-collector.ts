import { FlowSourceAddressRefused } from '@bulkhead/cluster';
import {
  type FlowCollectionStore,
  type FlowSourceConnection,
  type FlowSourceLease,
  type FlowSourceStatus,
  type HostResolver,
  type InventoryStore,
  type ObservationGap,
} from '@bulkhead/inventory';
import type { Logger } from '@bulkhead/platform';
import { setTimeout as sleep } from 'node:timers/promises';

/** A batch is written when it holds this many flows, or FLUSH_MS after the last write, whichever comes first. */
export const BATCH_FLOWS = 5_000;
const FLUSH_MS = 1_000;
/** Batches waiting to be written before the stream is paused (backpressure): memory stays bounded whatever the rate. */
const MAX_QUEUED_BATCHES = 2;
/** A batch whose newest flow is older than this when written: the collector is behind the stream (lagging). */
const LAG_MS = 30_000;
const RECONNECT = { firstMs: 1_000, maxMs: 30_000 };

export interface CollectorDeps {
  store: FlowCollectionStore;
  inventory: InventoryStore;
  openSecret(sealed: Uint8Array): string;
  addressRules: { allowLoopback: boolean };
  resolver: HostResolver;
  logger: Logger;
  /** The time a simulated source generates its traffic up to. */
  clock(): Date;
  /** A test's crash point, passed each time a batch is written (`collector.batchWritten`). */
  checkpoint(point: string): void;
}

/** What a collector's batches carry for it: the newest flow, to tell whether it lags. */
export interface StreamBatch {
  newestFlowAt: Date | null;
}

/** What one kind of source turns its stream into: batches, taken one message at a time. */
export interface StreamCollection<Batch extends StreamBatch> {
  take(message: unknown): void;
  /** Messages taken into the open batch. */
  readonly pending: number;
  /** Closes the open batch and hands over every closed one, oldest first. */
  drain(): Batch[];
}

/**
 * What a collector follows: a gRPC server stream (`ClientReadableStream`), or the simulated cluster's
 * stream, which behaves like one: messages as `data`, `metadata` once connected, pausable, cancellable.
 */
export interface FlowStream {
  on(event: 'data', listener: (message: unknown) => void): unknown;
  on(event: 'metadata', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  removeAllListeners(event: 'data'): unknown;
  pause(): unknown;
  resume(): unknown;
  isPaused(): boolean;
  cancel(): void;
}

/** A connected source, resumed from its checkpoint: the stream to follow and what turns it into batches. */
export interface OpenedStream<Batch extends StreamBatch> {
  call: FlowStream;
  collection: StreamCollection<Batch>;
}

/** A source connected to: resumed from its checkpoint (null when the lease was lost meanwhile), then closed. */
export interface SourceConnection<Batch extends StreamBatch> {
  resume(): Promise<OpenedStream<Batch> | null>;
  close(): void;
}

/** The state a batch is written with. */
export interface SourceState {
  status: FlowSourceStatus;
  reason: string | null;
  flowsPerSecond: number;
}

/**
 * One worker's collection of one live flow source, for as long as it holds the source's lease: connect
 * (each kind's `open`), resume from the checkpoint (a gap recorded when the server's history no longer
 * reaches back, a backfill), follow the stream, and write batches, each with its checkpoint, in one
 * fenced transaction. A write refused because the lease moved on stops the collector at once. Failures
 * reconnect with back-off and show on the source as `failing` with the reason.
 */
export abstract class FlowStreamCollector<Batch extends StreamBatch> {
  private stopped = false;
  private leaseLost = false;
  private cancelStream?: () => void;
  private running?: Promise<void>;
  protected readonly log: Logger;
  private status: FlowSourceStatus | null = null;

  constructor(
    protected readonly deps: CollectorDeps,
    readonly lease: FlowSourceLease,
    readonly configVersion: number,
  ) {
    this.log = deps.logger.child({ flowSource: lease.sourceId, leaseEpoch: lease.epoch });
  }

  start(): void {
    this.running = this.run();
  }

  /** Stops collecting: what was received is written first (refused if the lease is gone). Resolves once nothing runs. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelStream?.();
    await this.running;
  }

  get ended(): boolean {
    return this.leaseLost;
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopped && !this.leaseLost) {
      let delivered = false;
      try {
        delivered = await this.collect();
      } catch (error) {
        if (this.stopped || this.leaseLost) break;
        const reason = error instanceof Error ? error.message : String(error);
        this.log.warn('flow source failing', { reason });
        await this.report('failing', reason).catch(() => undefined);
        if (error instanceof FlowSourceAddressRefused) failures = Math.max(failures, 5);
      }
      if (this.stopped || this.leaseLost) break;
      failures = delivered ? 0 : failures + 1;
      await sleep(Math.min(RECONNECT.maxMs, RECONNECT.firstMs * 2 ** Math.max(0, failures - 1)));
    }
  }

  /** One connection, until it fails or the collector stops. True when it wrote anything. */
  private async collect(): Promise<boolean> {
    const source = await this.deps.store.connection(this.lease);
    if (!source) {
      this.leaseLost = true;
      return false;
    }
    const connection = await this.open(source);
    try {
      const opened = await connection.resume();
      // Stopped meanwhile: follow ends the call at once.
      return opened ? await this.follow(opened.call, opened.collection) : false;
    } finally {
      connection.close();
    }
  }

  /** Connects to the source, as its kind does. */
  protected abstract open(source: FlowSourceConnection): Promise<SourceConnection<Batch>>;

  /** Writes one batch, fenced by the lease; false when the lease is gone. */
  protected abstract write(batch: Batch, state: SourceState): Promise<boolean>;

  /** Records an observation gap; false (the collector stops) when the lease is gone. */
  protected async recordGap(gap: ObservationGap): Promise<boolean> {
    this.log.warn('observation gap', { from: gap.from.toISOString(), to: gap.to.toISOString() });
    if (await this.deps.store.recordGap(this.lease, gap)) return true;
    return this.lost();
  }

  /** Follows the stream, writing batches one after another; pauses the stream while too many wait. */
  private follow(call: FlowStream, collection: StreamCollection<Batch>): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const queue: Batch[] = [];
      let writing: Promise<void> | undefined;
      let wrote = false;
      let finished = false;
      let lastWriteAt = Date.now();
      let flowsSinceWrite = 0;

      const writeOne = async (batch: Batch) => {
        const now = Date.now();
        const lagMs = batch.newestFlowAt ? now - batch.newestFlowAt.getTime() : 0;
        const lagging = lagMs > LAG_MS;
        const state: SourceState = {
          status: lagging ? 'lagging' : 'connected',
          reason: lagging ? `the newest flow written is ${Math.round(lagMs / 1000)} s old: catching up with the stream` : null,
          flowsPerSecond: Math.round((flowsSinceWrite * 1000) / Math.max(FLUSH_MS, now - lastWriteAt)),
        };
        if (!(await this.write(batch, state))) return void this.lost();
        this.status = state.status;
        lastWriteAt = now;
        flowsSinceWrite = 0;
        wrote = true;
        this.deps.checkpoint('collector.batchWritten');
      };
      // Batches are written in order, one at a time; a failed write is tried again, the stream paused meanwhile.
      const drainQueue = async () => {
        while (queue.length && !this.leaseLost) {
          try {
            await writeOne(queue[0]!);
            queue.shift();
            if (queue.length < MAX_QUEUED_BATCHES && call.isPaused() && !finished) call.resume();
          } catch (error) {
            if (finished) throw error;
            this.log.warn('could not write a batch of flows', { error: (error as Error).message });
            if (!call.isPaused()) call.pause();
            await sleep(FLUSH_MS);
          }
        }
      };
      const writeNext = (): Promise<void> => (writing ??= drainQueue().finally(() => (writing = undefined)));
      const flush = () => {
        queue.push(...collection.drain());
        if (queue.length >= MAX_QUEUED_BATCHES && !call.isPaused()) call.pause();
        writeNext().catch(() => undefined);
      };
      const idle = async () => {
        // Nothing came since the last write: the stream is up and the collector is not behind.
        if (this.status !== 'connected' && !queue.length && !collection.pending && !finished) {
          if (await this.report('connected', null)) this.status = 'connected';
        }
      };
      const finish = (error?: Error) => {
        if (finished) return;
        finished = true;
        clearInterval(timer);
        call.removeAllListeners('data');
        call.cancel();
        // What was received is written before the collector lets go (refused if the lease is gone).
        const written = (writing ?? Promise.resolve())
          .catch(() => undefined)
          .then(() => {
            queue.push(...collection.drain());
            return writeNext();
          });
        written.then(
          () => (error ? reject(error) : resolve(wrote)),
          (writeError: unknown) => reject(writeError instanceof Error ? writeError : new Error(String(writeError))),
        );
      };

      const timer = setInterval(() => {
        if (collection.pending || queue.length) flush();
        else idle().catch(() => undefined);
      }, FLUSH_MS);
      call.on('data', (response) => {
        flowsSinceWrite++;
        collection.take(response);
        if (collection.pending >= BATCH_FLOWS) flush();
      });
      call.on('metadata', () => {
        idle().catch(() => undefined);
      });
      call.on('error', (error) => finish(this.stopped || this.leaseLost ? undefined : error));
      call.on('end', () => finish(new Error('the server ended the stream')));
      this.cancelStream = () => finish();
      if (this.stopped) finish();
      else if (call.isPaused()) call.resume();
    });
  }

  private async report(status: FlowSourceStatus, reason: string | null): Promise<boolean> {
    const held = await this.deps.store.setStatus(this.lease, status, reason);
    if (!held) this.lost();
    return held;
  }

  protected lost(): false {
    if (!this.leaseLost) this.log.info('flow source lease lost: another worker collects it now');
    this.leaseLost = true;
    this.cancelStream?.();
    return false;
  }
}
