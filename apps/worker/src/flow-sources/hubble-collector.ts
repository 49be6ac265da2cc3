import { dialFlowSource, FlowSourceAddressRefused, HubbleRelayClient } from '@bulkhead/cluster';
import {
  type CollectedBatch,
  type FlowCollectionStore,
  type FlowSourceLease,
  type FlowSourceStatus,
  type FlowSourceTls,
  type HostResolver,
  HubbleCollection,
  type InventoryStore,
} from '@bulkhead/inventory';
import type { Logger } from '@bulkhead/platform';
import type { ClientReadableStream } from '@grpc/grpc-js';
import { setTimeout as sleep } from 'node:timers/promises';

/** A batch is written when it holds this many flows, or FLUSH_MS after the last write, whichever comes first. */
export const BATCH_FLOWS = 5_000;
const FLUSH_MS = 1_000;
/** Batches waiting to be written before the stream is paused (backpressure): memory stays bounded whatever the rate. */
const MAX_QUEUED_BATCHES = 2;
/** A batch whose newest flow is older than this when written: the collector is behind the stream (lagging). */
const LAG_MS = 30_000;
const RECONNECT = { firstMs: 1_000, maxMs: 30_000 };
const OLDEST_FLOW_DEADLINE_MS = 10_000;

export interface CollectorDeps {
  store: FlowCollectionStore;
  inventory: InventoryStore;
  openSecret(sealed: Uint8Array): string;
  addressRules: { allowLoopback: boolean };
  resolver: HostResolver;
  logger: Logger;
  /** A test's crash point, passed each time a batch is written (`collector.batchWritten`). */
  checkpoint(point: string): void;
}

/**
 * One worker's collection of one Hubble Relay, for as long as it holds the source's lease: dial (the
 * address checked again), resume from the checkpoint (recording a gap when the relay's history no longer
 * reaches it), follow the stream, and write batches, each with its checkpoint, in one fenced transaction.
 * A write refused because the lease moved on stops the collector at once. Failures reconnect with
 * back-off and show on the source as `failing` with the reason.
 */
export class HubbleCollector {
  private stopped = false;
  private leaseLost = false;
  private cancelStream?: () => void;
  private running?: Promise<void>;
  private readonly log: Logger;
  private status: FlowSourceStatus | null = null;

  constructor(
    private readonly deps: CollectorDeps,
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
    const { store } = this.deps;
    const source = await store.connection(this.lease);
    if (!source) {
      this.leaseLost = true;
      return false;
    }
    const material = source.sealedTls ? (JSON.parse(this.deps.openSecret(source.sealedTls)) as FlowSourceTls) : null;
    const channel = await dialFlowSource(
      { address: source.address, tls: source.tls, serverName: source.serverName, material },
      this.deps.addressRules,
      this.deps.resolver,
    );
    const client = new HubbleRelayClient(channel);
    try {
      const inventory = await this.deps.inventory.load(source.clusterId);
      const collection = new HubbleCollection({ pods: inventory.pods, workloads: inventory.workloads }, source.checkpoint);
      const gap = collection.gapBefore(await client.oldestFlowTime(OLDEST_FLOW_DEADLINE_MS));
      if (gap) {
        this.log.warn('observation gap', { from: gap.from.toISOString(), to: gap.to.toISOString() });
        if (!(await store.recordGap(this.lease, gap))) return this.lost();
      }
      if (this.stopped) return false;
      return await this.follow(client.follow(collection.since()), collection);
    } finally {
      client.close();
    }
  }

  /** Follows the stream, writing batches one after another; pauses the stream while too many wait. */
  private follow(call: ClientReadableStream<unknown>, collection: HubbleCollection): Promise<boolean> {
    return new Promise<boolean>((resolve, reject) => {
      const queue: CollectedBatch[] = [];
      let writing: Promise<void> | undefined;
      let wrote = false;
      let finished = false;
      let lastWriteAt = Date.now();
      let flowsSinceWrite = 0;

      const writeOne = async (batch: CollectedBatch) => {
        const now = Date.now();
        const lagMs = batch.newestFlowAt ? now - batch.newestFlowAt.getTime() : 0;
        const lagging = lagMs > LAG_MS;
        const state = {
          status: (lagging ? 'lagging' : 'connected') as FlowSourceStatus,
          reason: lagging ? `the newest flow written is ${Math.round(lagMs / 1000)} s old: catching up with the stream` : null,
          flowsPerSecond: Math.round((flowsSinceWrite * 1000) / Math.max(FLUSH_MS, now - lastWriteAt)),
        };
        if (!(await this.deps.store.writeBatch(this.lease, batch, state))) return void this.lost();
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
            await writeOne(queue[0]);
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
    });
  }

  private async report(status: FlowSourceStatus, reason: string | null): Promise<boolean> {
    const held = await this.deps.store.setStatus(this.lease, status, reason);
    if (!held) this.lost();
    return held;
  }

  private lost(): false {
    if (!this.leaseLost) this.log.info('flow source lease lost: another worker collects it now');
    this.leaseLost = true;
    this.cancelStream?.();
    return false;
  }
}
