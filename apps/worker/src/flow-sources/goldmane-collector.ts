import { type dialFlowSource, GoldmaneClient } from '@bulkhead/cluster';
import { type FlowSourceConnection, type GoldmaneBatch, GoldmaneCollection } from '@bulkhead/inventory';
import type { OpenedStream, SourceState } from './flow-stream-collector';
import { GrpcFlowCollector } from './grpc-flow-collector';

const LIST_DEADLINE_MS = 30_000;

/**
 * A Calico Goldmane collector: back from downtime, it lists the buckets from its checkpoint on (`List`;
 * a gap is recorded when Goldmane no longer keeps them), then follows `Stream` from now. Buckets listed
 * and then streamed again are set, not added, so the overlap counts once.
 */
export class GoldmaneCollector extends GrpcFlowCollector<GoldmaneClient, GoldmaneBatch> {
  protected connect(channel: Awaited<ReturnType<typeof dialFlowSource>>): GoldmaneClient {
    return new GoldmaneClient(channel);
  }

  protected async resume(client: GoldmaneClient, source: FlowSourceConnection): Promise<OpenedStream<GoldmaneBatch> | null> {
    const inventory = await this.deps.inventory.load(source.clusterId);
    const collection = new GoldmaneCollection({ pods: inventory.pods, workloads: inventory.workloads }, source.checkpoint);
    // The stream opens (paused until followed) before the backfill, so that nothing Goldmane aggregates meanwhile falls between the two.
    const call = client.stream();
    call.pause();
    // Until followed, the stream's error is kept here (a cancelled call errors too): it fails the backfill's connection.
    let streamError: Error | undefined;
    const keepError = (error: Error) => (streamError ??= error);
    call.on('error', keepError);
    try {
      const from = collection.backfillFrom();
      if (from !== null) {
        const nowSeconds = Math.floor(Date.now() / 1000);
        const gap = collection.gapBefore(nowSeconds);
        if (gap && !(await this.recordGap(gap))) {
          call.cancel();
          return null;
        }
        await client.list(from, nowSeconds + 1, (result) => collection.take(result), LIST_DEADLINE_MS);
      }
    } catch (error) {
      call.cancel();
      throw error;
    }
    if (streamError) throw streamError;
    call.off('error', keepError);
    return { call, collection };
  }

  /** Prefixes the inventory cannot place are named on the source, as the reason beside its state. */
  protected write(batch: GoldmaneBatch, state: SourceState): Promise<boolean> {
    const unplaced = batch.unattributed.length ? `not in the inventory, so not in the map: ${batch.unattributed.join(', ')}` : null;
    const reason = [state.reason, unplaced].filter(Boolean).join('; ') || null;
    return this.deps.store.writeBuckets(this.lease, batch, { ...state, reason });
  }
}
