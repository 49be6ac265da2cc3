import { SIMULATED_HISTORY_MS, SimulatedFlowStream } from '@bulkhead/cluster';
import { DemoLiveTraffic, demoWindowStart } from '@bulkhead/demo';
import { type CollectedBatch, type FlowSourceConnection, HubbleCollection } from '@bulkhead/inventory';
import { FlowStreamCollector, type SourceConnection, type SourceState } from './flow-stream-collector';

const instantOfMs = (ms: number) => ({ seconds: Math.floor(ms / 1000), nanos: (ms % 1000) * 1_000_000 });

/**
 * The simulated cluster's collector: its stream is the demo's live traffic, generated in this worker
 * from the clock, shaped as Hubble Relay sends it, so that the same collection (checkpoint, replay
 * window, counted identities) takes it in. A new source starts at the clock's now; one resuming starts
 * `REPLAY_MS` before its checkpoint, or at the oldest flow the simulated Hubble still holds, the span
 * before it recorded as a gap.
 */
export class SimulatedCollector extends FlowStreamCollector<CollectedBatch> {
  protected open(source: FlowSourceConnection): Promise<SourceConnection<CollectedBatch>> {
    const settings = source.simulation;
    if (!settings) throw new Error('a simulated source needs its simulation settings');
    const traffic = new DemoLiveTraffic({
      windowStart: demoWindowStart(source.clusterCreatedAt),
      connectionsPerSecond: settings.connectionsPerSecond,
      hiddenDependencyEveryMs: settings.hiddenDependencyEverySeconds * 1000,
    });
    let stream: SimulatedFlowStream | undefined;
    const resume = async () => {
      const inventory = await this.deps.inventory.load(source.clusterId);
      const collection = new HubbleCollection({ pods: inventory.pods, workloads: inventory.workloads }, source.checkpoint);
      const now = this.deps.clock().getTime();
      const oldestHeld = now - SIMULATED_HISTORY_MS;
      const gap = collection.gapBefore(instantOfMs(oldestHeld));
      if (gap && !(await this.recordGap(gap))) return null;
      const since = collection.since();
      const fromMs = source.checkpoint === null ? now : Math.max(oldestHeld, since.seconds * 1000 + Math.floor(since.nanos / 1e6));
      stream = new SimulatedFlowStream(traffic, fromMs, () => this.deps.clock());
      return { call: stream, collection };
    };
    return Promise.resolve({ resume, close: () => stream?.cancel() });
  }

  protected write(batch: CollectedBatch, state: SourceState): Promise<boolean> {
    return this.deps.store.writeBatch(this.lease, batch, state);
  }
}
