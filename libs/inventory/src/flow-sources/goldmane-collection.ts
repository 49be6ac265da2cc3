import {
  Attributor,
  type EdgeEndpoint,
  type FlowEndpoint,
  InventoryIndex,
  type InventoryIndexInput,
  type Protocol,
  workloadEndpoint,
  workloadFromAggregatedName,
} from '@bulkhead/flows';
import type { GoldmaneBatch, GoldmaneBucketFlow, ObservationGap } from './flow-source.ports';

/** Goldmane aggregates flows into buckets of this many seconds. */
export const GOLDMANE_BUCKET_SECONDS = 15;

/** How far back Goldmane keeps its buckets (242 of 15 s, about an hour); a collector away longer loses what came between. */
export const GOLDMANE_RETENTION_SECONDS = 3_600;

/** Where a Goldmane collector stands: the start (epoch seconds) of the newest bucket it knows to be complete. */
export interface GoldmaneCheckpoint {
  v: 1;
  lastCompleteBucket: number;
}

export function isGoldmaneCheckpoint(value: unknown): value is GoldmaneCheckpoint {
  const c = value as GoldmaneCheckpoint | null;
  return c !== null && typeof c === 'object' && c.v === 1 && typeof c.lastCompleteBucket === 'number';
}

/** Unplaceable names a batch lists, at most. */
const UNATTRIBUTED_NAMED = 20;

const PROTOCOLS: Record<string, Protocol> = { tcp: 'TCP', udp: 'UDP', sctp: 'SCTP' };
const REPORTERS: Record<string, GoldmaneBucketFlow['reporter']> = { Src: 'src', Dst: 'dst' };

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded goldmane.FlowResult messages */

/**
 * Goldmane's flows turned into bucket counts of the dependency map. Goldmane sends 15-second aggregates
 * and may send a bucket again with larger counts, so each (bucket start, flow key) is a row whose counts
 * the store SETS: a bucket seen twice (re-sent, or listed again after a reconnect) counts once.
 *
 * Goldmane names no addresses: a pod made from a template is a name prefix (`api-7d9c8f5b4-*`). A prefix
 * is attributed to the one workload whose inventory pods start with it, else to the workload its name
 * implies when the inventory has it; a prefix neither finds is reported, never guessed.
 *
 * Pure: the caller owns the stream, the clock and the writes.
 */
export class GoldmaneCollection {
  private readonly index: InventoryIndex;
  private readonly attributor: Attributor;
  /** Pod names per namespace, with their workloads, for prefix attribution. */
  private readonly podsByNamespace = new Map<string, Array<{ name: string; workload: { kind: string; name: string } }>>();
  private readonly byPrefix = new Map<string, EdgeEndpoint | null>();
  private readonly resumeFrom: number | null;
  private newestBucket: number | null;
  private rows = new Map<string, GoldmaneBucketFlow>();
  private received = 0;
  private oldestMs: number | null = null;
  private newestMs: number | null = null;
  /** Names the inventory could not place since the collection started (at most UNATTRIBUTED_NAMED). */
  private readonly unattributed = new Set<string>();

  constructor(inventory: InventoryIndexInput, checkpoint: unknown) {
    this.index = InventoryIndex.from(inventory);
    this.attributor = new Attributor(this.index);
    for (const pod of inventory.pods) {
      const pods = this.podsByNamespace.get(pod.namespace) ?? [];
      pods.push({ name: pod.name, workload: pod.workload });
      this.podsByNamespace.set(pod.namespace, pods);
    }
    this.resumeFrom = isGoldmaneCheckpoint(checkpoint) ? checkpoint.lastCompleteBucket : null;
    this.newestBucket = this.resumeFrom;
  }

  /** Where to list from after a restart (epoch seconds), the last complete bucket included; null for a new source. */
  backfillFrom(): number | null {
    return this.resumeFrom;
  }

  /** The span Goldmane no longer holds, when the collector was away longer than its retention. */
  gapBefore(nowSeconds: number): ObservationGap | null {
    const oldestHeld = nowSeconds - GOLDMANE_RETENTION_SECONDS;
    if (this.resumeFrom === null || this.resumeFrom + GOLDMANE_BUCKET_SECONDS >= oldestHeld) return null;
    const from = new Date((this.resumeFrom + GOLDMANE_BUCKET_SECONDS) * 1000);
    return {
      from,
      to: new Date(oldestHeld * 1000),
      reason: `Goldmane no longer held the flows after ${from.toISOString()} (it keeps about an hour)`,
    };
  }

  /** Takes one decoded FlowResult (from Stream, or an element of List's `flows`). */
  take(result: any): void {
    const flow = result?.flow;
    const key = flow?.Key;
    if (!key || typeof flow.start_time !== 'number') return;
    this.received++;
    const startMs = flow.start_time * 1000;
    const endMs = (typeof flow.end_time === 'number' ? flow.end_time : flow.start_time + GOLDMANE_BUCKET_SECONDS) * 1000;
    this.oldestMs = this.oldestMs === null ? startMs : Math.min(this.oldestMs, startMs);
    this.newestMs = this.newestMs === null ? endMs : Math.max(this.newestMs, endMs);
    this.newestBucket = Math.max(this.newestBucket ?? flow.start_time, flow.start_time);
    if (key.action !== 'Allow') return; // refused traffic is no dependency
    const protocol = PROTOCOLS[String(key.proto ?? '').toLowerCase()];
    if (!protocol) return;
    const src = this.endpoint(key.source_type, key.source_namespace, key.source_name);
    const dst = this.endpoint(key.dest_type, key.dest_namespace, key.dest_name);
    if (!src || !dst) return;
    const flowKey = JSON.stringify(key);
    this.rows.set(`${flow.start_time}|${flowKey}`, {
      bucketStart: new Date(startMs),
      bucketEnd: new Date(endMs),
      flowKey,
      reporter: REPORTERS[key.reporter] ?? 'unknown',
      srcKey: src.key,
      dstKey: dst.key,
      port: Number(key.dest_port ?? 0),
      protocol,
      connections: Number(flow.num_connections_started ?? 0),
    });
  }

  /** Flows taken since the last drain. */
  get pending(): number {
    return this.received;
  }

  /**
   * What was taken since the last drain, as one batch (none when nothing was). Its checkpoint is the
   * bucket before the newest seen: Goldmane may still add to the newest, never to one before it.
   */
  drain(): GoldmaneBatch[] {
    if (this.received === 0) return [];
    const batch: GoldmaneBatch = {
      buckets: [...this.rows.values()],
      checkpoint:
        this.newestBucket === null
          ? null
          : ({ v: 1, lastCompleteBucket: this.newestBucket - GOLDMANE_BUCKET_SECONDS } satisfies GoldmaneCheckpoint),
      flows: this.received,
      oldestFlowAt: this.oldestMs === null ? null : new Date(this.oldestMs),
      newestFlowAt: this.newestMs === null ? null : new Date(this.newestMs),
      gaps: [],
      unattributed: [...this.unattributed].sort(),
    };
    this.rows = new Map();
    this.received = 0;
    this.oldestMs = null;
    this.newestMs = null;
    return [batch];
  }

  /** One end of a flow key as an edge end, or null (reported) when the inventory cannot place it. */
  private endpoint(type: string | undefined, namespace: string | undefined, name: string | undefined): EdgeEndpoint | null {
    const ns = namespace && namespace !== '-' ? namespace : undefined;
    if (!name) return this.unplaced(`${ns ?? '-'}/?`);
    if (type === 'WorkloadEndpoint' && ns && name.endsWith('*')) return this.byNamePrefix(ns, name);
    const attribution = this.attributor.attribute(...endpointOf(type, ns, name));
    return attribution.ok ? attribution.endpoint : this.unplaced(`${ns ?? '-'}/${name}`);
  }

  private byNamePrefix(namespace: string, name: string): EdgeEndpoint | null {
    const cacheKey = `${namespace}/${name}`;
    let found = this.byPrefix.get(cacheKey);
    if (found === undefined) {
      found = this.workloadOfPrefix(namespace, name);
      this.byPrefix.set(cacheKey, found);
    }
    return found ?? this.unplaced(cacheKey);
  }

  /** The one workload whose pods start with the prefix; with no such pod, the workload the name implies, when the inventory has it. */
  private workloadOfPrefix(namespace: string, name: string): EdgeEndpoint | null {
    const prefix = name.slice(0, -1);
    const owners = new Map<string, { kind: string; name: string }>();
    for (const pod of this.podsByNamespace.get(namespace) ?? []) {
      if (pod.name.startsWith(prefix)) owners.set(pod.workload.name, pod.workload);
    }
    if (owners.size > 1) return null;
    const [owner] = owners.values();
    if (owner) return workloadEndpoint(namespace, owner.name, owner.kind);
    const implied = this.index.workload(namespace, workloadFromAggregatedName(name));
    return implied ? workloadEndpoint(namespace, implied.name, implied.kind) : null;
  }

  private unplaced(hint: string): null {
    if (this.unattributed.size < UNATTRIBUTED_NAMED) this.unattributed.add(hint);
    return null;
  }
}

/** A Goldmane end as the attributor reads it: a pod, a host (a node), a network set, or Calico's pub/pvt bucket. */
function endpointOf(type: string | undefined, namespace: string | undefined, name: string): [FlowEndpoint, string?] {
  switch (type) {
    case 'HostEndpoint':
      return [{ kind: 'reserved', reserved: 'host' }, name];
    case 'NetworkSet':
      return [{ kind: 'external', networkSet: namespace ? `${namespace}/${name}` : name }];
    case 'Network':
      return [{ kind: 'external', networkSet: name }];
    default:
      return [{ kind: 'pod', namespace, pod: name }];
  }
}
