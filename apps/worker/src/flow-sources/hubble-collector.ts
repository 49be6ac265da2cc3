import { type dialFlowSource, HubbleRelayClient } from '@bulkhead/cluster';
import { type CollectedBatch, type FlowSourceConnection, HubbleCollection } from '@bulkhead/inventory';
import type { OpenedStream, SourceState } from './flow-stream-collector';
import { GrpcFlowCollector } from './grpc-flow-collector';

const OLDEST_FLOW_DEADLINE_MS = 10_000;

/**
 * A Hubble Relay's collector: resumes `REPLAY_MS` before its checkpoint with `since` (recording a gap when
 * the relay's ring buffer no longer reaches the checkpoint), and follows `GetFlows`.
 */
export class HubbleCollector extends GrpcFlowCollector<HubbleRelayClient, CollectedBatch> {
  protected connect(channel: Awaited<ReturnType<typeof dialFlowSource>>): HubbleRelayClient {
    return new HubbleRelayClient(channel);
  }

  protected async resume(client: HubbleRelayClient, source: FlowSourceConnection): Promise<OpenedStream<CollectedBatch> | null> {
    const inventory = await this.deps.inventory.load(source.clusterId);
    const collection = new HubbleCollection({ pods: inventory.pods, workloads: inventory.workloads }, source.checkpoint);
    const gap = collection.gapBefore(await client.oldestFlowTime(OLDEST_FLOW_DEADLINE_MS));
    if (gap && !(await this.recordGap(gap))) return null;
    return { call: client.follow(collection.since()), collection };
  }

  protected write(batch: CollectedBatch, state: SourceState): Promise<boolean> {
    return this.deps.store.writeBatch(this.lease, batch, state);
  }
}
