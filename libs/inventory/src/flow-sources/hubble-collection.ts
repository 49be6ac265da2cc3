import {
  compareInstants,
  type DependencyEdge,
  EdgeAggregator,
  hubbleFlowIdentity,
  hubbleJsonFromWire,
  hubbleUnit,
  type HubbleInstant,
  instantOf,
  type InventoryIndexInput,
  LabelCache,
  rfc3339,
} from '@bulkhead/flows';
import { edgeContribution } from '../flow-import/run-import';
import type { CollectedBatch, LiveEdgeContribution, ObservationGap } from './flow-source.ports';

/**
 * Where a Hubble collector stands: the instant of the newest flow written, and how many flows of that
 * very instant were counted, by identity (uuid, or what was observed; see hubbleFlowIdentity).
 */
export interface HubbleCheckpoint {
  v: 1;
  at: HubbleInstant;
  counted: Record<string, number>;
}

/** Connection starts of one connection come within this of each other (the aggregator's de-duplication window). */
export const REPLAY_MS = 30_000;

const HOUR_MS = 3_600_000;

export function isHubbleCheckpoint(value: unknown): value is HubbleCheckpoint {
  const c = value as HubbleCheckpoint | null;
  return c !== null && typeof c === 'object' && c.v === 1 && typeof c.at?.seconds === 'number' && typeof c.counted === 'object';
}

const dateOf = (instant: HubbleInstant) => new Date(instant.seconds * 1000 + Math.floor(instant.nanos / 1e6));

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded GetFlowsResponse messages */

/**
 * One Hubble Relay stream turned into batches of the dependency map, exactly once: a collector resumes
 * `REPLAY_MS` before its checkpoint (`since`), and the flows up to the checkpoint teach the aggregator
 * what it had seen (connection starts, DNS answers) without being counted again; flows of the
 * checkpoint's own instant are told apart by identity. Batches are cut by the caller (size, time), and
 * here whenever the hour of the flows changes, so that each batch adds to one hour of activity.
 *
 * Pure: the caller owns the stream, the clock and the writes. Memory: the aggregator's edges of the open
 * batch and the closed batches not yet taken; the caller pauses the stream while they are written.
 */
export class HubbleCollection {
  private readonly aggregator: EdgeAggregator;
  private readonly labels = new LabelCache();
  private readonly resumeAt: HubbleInstant | null;
  private readonly alreadyCounted: Map<string, number>;
  private newest: HubbleInstant | null;
  private countedAtNewest: Map<string, number>;
  private hourMs = 0;
  private flows = 0;
  private oldestMs: number | null = null;
  private newestMs: number | null = null;
  private gaps: ObservationGap[] = [];
  private readonly closed: CollectedBatch[] = [];
  private line = 0;

  constructor(inventory: InventoryIndexInput, checkpoint: unknown) {
    this.aggregator = new EdgeAggregator(inventory);
    const resume = isHubbleCheckpoint(checkpoint) ? checkpoint : null;
    this.resumeAt = resume?.at ?? null;
    this.alreadyCounted = new Map(Object.entries(resume?.counted ?? {}));
    this.newest = resume?.at ?? null;
    this.countedAtNewest = new Map(this.alreadyCounted);
  }

  /** What to ask for with `since`: the replay window before the checkpoint, or everything the server holds for a new source. */
  since(): HubbleInstant {
    if (!this.resumeAt) return { seconds: 0, nanos: 0 };
    const ms = this.resumeAt.seconds * 1000 + Math.floor(this.resumeAt.nanos / 1e6) - REPLAY_MS;
    return { seconds: Math.max(0, Math.floor(ms / 1000)), nanos: (ms % 1000) * 1e6 };
  }

  /** The gap between the checkpoint and the oldest flow the server still holds, when history no longer reaches back. */
  gapBefore(oldest: HubbleInstant | undefined): ObservationGap | null {
    if (!this.resumeAt || !oldest || compareInstants(oldest, this.resumeAt) <= 0) return null;
    return {
      from: dateOf(this.resumeAt),
      to: dateOf(oldest),
      reason: `Hubble no longer held the flows after ${rfc3339(this.resumeAt)} (its ring buffer had moved on)`,
    };
  }

  /** Takes one decoded GetFlowsResponse. */
  take(response: any): void {
    if (response?.lost_events) return this.lost(response.lost_events);
    const flow = response?.flow;
    if (!flow) return;
    const at = instantOf(flow.time) ?? instantOf(response.time);
    const identity = hubbleFlowIdentity(flow);
    const counted = at !== undefined && this.wasCounted(at, identity);
    const unit = hubbleUnit(hubbleJsonFromWire(response), ++this.line, this.labels);
    if (counted) {
      if (unit.kind === 'record') this.aggregator.remember(unit.record);
      return;
    }
    if (unit.kind === 'record') {
      const hour = Math.floor((unit.record.timeMs ?? 0) / HOUR_MS) * HOUR_MS;
      if (this.flows > 0 && hour !== this.hourMs) this.closeBatch();
      this.hourMs = hour;
      this.aggregator.add(unit.record);
    }
    this.flows++;
    if (at) this.advance(at, identity);
  }

  /** Flows taken into the open batch. */
  get pending(): number {
    return this.flows;
  }

  /** Closes the open batch (when it holds anything) and hands over every closed batch, oldest first. */
  drain(): CollectedBatch[] {
    if (this.flows > 0 || this.gaps.length > 0) this.closeBatch();
    return this.closed.splice(0);
  }

  private wasCounted(at: HubbleInstant, identity: string): boolean {
    if (!this.resumeAt) return false;
    const order = compareInstants(at, this.resumeAt);
    if (order < 0) return true;
    if (order > 0) return false;
    const left = this.alreadyCounted.get(identity) ?? 0;
    if (left === 0) return false;
    this.alreadyCounted.set(identity, left - 1);
    return true;
  }

  private advance(at: HubbleInstant, identity: string): void {
    const ms = dateOf(at).getTime();
    if (this.oldestMs === null || ms < this.oldestMs) this.oldestMs = ms;
    if (this.newestMs === null || ms > this.newestMs) this.newestMs = ms;
    const order = this.newest ? compareInstants(at, this.newest) : 1;
    if (order < 0) return; // a late flow: counted, but the checkpoint stays at the newest
    if (order > 0) {
      this.newest = at;
      this.countedAtNewest = new Map();
    }
    this.countedAtNewest.set(identity, (this.countedAtNewest.get(identity) ?? 0) + 1);
  }

  private lost(event: any): void {
    const first = instantOf(event.first);
    const last = instantOf(event.last) ?? first;
    const from = first ?? this.newest;
    if (!from || !last) return;
    const n = Number(event.num_events_lost ?? 0);
    this.gaps.push({
      from: dateOf(from),
      to: dateOf(last),
      reason: `Hubble lost ${n} flows (${event.source ?? 'UNKNOWN_LOST_EVENT_SOURCE'})`,
    });
  }

  private closeBatch(): void {
    const checkpoint: HubbleCheckpoint | null = this.newest
      ? { v: 1, at: this.newest, counted: Object.fromEntries(this.countedAtNewest) }
      : null;
    this.closed.push({
      hour: new Date(this.hourMs),
      edges: this.aggregator.drain().map(liveContribution),
      checkpoint,
      flows: this.flows,
      oldestFlowAt: this.oldestMs === null ? null : new Date(this.oldestMs),
      newestFlowAt: this.newestMs === null ? null : new Date(this.newestMs),
      gaps: this.gaps,
    });
    this.flows = 0;
    this.oldestMs = null;
    this.newestMs = null;
    this.gaps = [];
  }
}

const liveContribution = (edge: DependencyEdge): LiveEdgeContribution => ({
  ...edgeContribution(edge),
  starts: { ...edge.starts },
  observations: edge.observations,
});
