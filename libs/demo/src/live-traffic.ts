// The demo cluster's live traffic: what its Hubble would stream, second after second, for ever, from the
// same topology and the same pods as the seeded week. A pure function of (options, time window): the
// flows of a window are the same however time is cut into windows, so a collector that resumes from a
// checkpoint gets exactly the flows after it.
//
// Three kinds of callers:
// - steady ones: every dependency of the topology that is not scheduled, picked in proportion to its
//   connections in the week, `connectionsPerSecond` connections in each second;
// - scheduled ones, repeating the week's runs: the legacy report every night at 01:30 UTC, the weekly
//   orders report at 02:00 UTC on its day;
// - the hidden dependency (notifications-staging -> payments-staging:8080), which calls only now and
//   then: once every `hiddenDependencyEveryMs`, at a phase drawn from the seed.

import { buildClusterModel, type PodModel } from './cluster-model';
import { DEFAULT_DEMO_SEED } from './demo-cluster';
import { type Connection, connectionsOf, exporterLines, FlowRenderer, workloadIndex } from './hubble-flows';
import { KUBE_NAME_ALPHABET, Random } from './random';
import { DAY_MS, type Dependency, demoTopology, type NamedDependency, type Peer } from './topology';

export interface LiveTrafficOptions {
  /** Start of the seeded week (`demoCluster`'s `start`): the live traffic runs between the same pods. */
  windowStart: Date;
  seed?: number;
  /** Connections opened per second by the steady callers (each is seen as 3 or 4 Hubble flows). */
  connectionsPerSecond: number;
  /** How often the hidden dependency calls. */
  hiddenDependencyEveryMs: number;
}

/** One flow as Hubble's exporter writes it (`{"flow":{...},"node_name":..,"time":..}`), with its time in ms. */
export interface LiveFlow {
  atMs: number;
  line: { flow: Record<string, unknown>; node_name: string; time: string };
}

export type RareCallerName = 'nightly-report' | 'weekly-report' | 'hidden-dependency';

/** One run of a rare caller: who, when, and what it connects to. */
export interface RareCall {
  caller: RareCallerName;
  atMs: number;
  dependencies: NamedDependency[];
}

/** Connections of a run (or of the hidden dependency's call) happen within this after it starts. */
const HIDDEN_CALL_MS = 5_000;
const HIDDEN_CALL_CONNECTIONS = 2;
/** The longest a connection's events trail its start (a reply over the internet): windows look this far back. */
const EVENT_SPREAD_MS = 1_000;
const SECOND_MS = 1_000;

interface ScheduledCaller {
  caller: RareCallerName;
  dependencies: Dependency[];
  firstMs: number;
  everyMs: number;
  /** The longest a run lasts (its `during` end). */
  lastsMs: number;
}

const named = (peer: Peer): string =>
  peer.kind === 'workload'
    ? `${peer.namespace}/${peer.name}`
    : peer.kind === 'world'
      ? `world:${peer.names?.[0] ?? peer.ips[0]}`
      : peer.kind;

const namedDependency = (d: Dependency): NamedDependency => ({ from: named(d.from), to: named(d.to), port: d.port, protocol: d.protocol });

const workloadPeer = (name: string): Peer => {
  const [namespace = '', workload = ''] = name.split('/');
  return { kind: 'workload', namespace, name: workload };
};

export class DemoLiveTraffic {
  private readonly random: Random;
  private readonly index: ReturnType<typeof workloadIndex>;
  private readonly steady: Dependency[];
  /** Cumulative weights of `steady`, for picking one in proportion to its connections. */
  private readonly cumulative: number[];
  private readonly scheduled: ScheduledCaller[];
  private readonly hiddenPhaseMs: number;
  readonly hiddenDependency: NamedDependency;

  constructor(private readonly options: LiveTrafficOptions) {
    if (!(options.connectionsPerSecond >= 0)) throw new Error('DemoLiveTraffic: connectionsPerSecond must be 0 or more');
    if (!(options.hiddenDependencyEveryMs >= SECOND_MS)) throw new Error('DemoLiveTraffic: hiddenDependencyEveryMs must be at least 1 s');
    const startMs = options.windowStart.getTime();
    const seed = options.seed ?? DEFAULT_DEMO_SEED;
    const topology = demoTopology(startMs);
    // The same fork as demoCluster's, so that pods, IPs and identities are the seeded snapshot's.
    const model = buildClusterModel(topology, startMs, new Random(seed).fork('cluster'));
    this.random = new Random(seed).fork('live');
    this.index = workloadIndex(model);
    this.steady = topology.dependencies.filter((d) => !d.during && !d.runs);
    let total = 0;
    this.cumulative = this.steady.map((d) => (total += d.connections));
    this.scheduled = [];
    for (const dependency of topology.dependencies) {
      if (!dependency.runs) continue;
      const caller: RareCallerName = dependency.runs.everyMs === DAY_MS ? 'nightly-report' : 'weekly-report';
      const lastsMs = dependency.during?.[1] ?? 0;
      const known = this.scheduled.find((s) => s.caller === caller);
      if (known) {
        known.dependencies.push(dependency);
        known.lastsMs = Math.max(known.lastsMs, lastsMs);
      } else {
        this.scheduled.push({
          caller,
          dependencies: [dependency],
          firstMs: startMs + dependency.runs.firstMs,
          everyMs: dependency.runs.everyMs,
          lastsMs,
        });
      }
    }
    const [hidden] = topology.hidden;
    if (!hidden) throw new Error('DemoLiveTraffic: the topology names no hidden dependency');
    this.hiddenDependency = hidden;
    this.hiddenPhaseMs = this.random.fork('hidden-phase').int(0, options.hiddenDependencyEveryMs - 1);
  }

  /** Every flow whose time is in [fromMs, toMs), in time order. */
  between(fromMs: number, toMs: number): LiveFlow[] {
    if (toMs <= fromMs) return [];
    const flows: LiveFlow[] = [];
    const firstSecond = Math.floor((fromMs - EVENT_SPREAD_MS) / SECOND_MS);
    for (let second = firstSecond; second * SECOND_MS < toMs; second++) flows.push(...this.steadySecond(second));
    for (const call of this.rareCallsBetween(fromMs - EVENT_SPREAD_MS, toMs)) flows.push(...this.rareCall(call));
    return flows
      .filter((f) => f.atMs >= fromMs && f.atMs < toMs)
      .sort((a, b) => a.atMs - b.atMs || (a.line.time < b.line.time ? -1 : a.line.time > b.line.time ? 1 : 0));
  }

  /** The runs of the rare callers that start in [fromMs, toMs), or whose connections still run then. */
  rareCallsBetween(fromMs: number, toMs: number): RareCall[] {
    const calls: RareCall[] = [];
    for (const s of this.scheduled) {
      const dependencies = s.dependencies.map(namedDependency);
      for (let run = Math.max(0, Math.ceil((fromMs - s.lastsMs - s.firstMs) / s.everyMs)); s.firstMs + run * s.everyMs < toMs; run++) {
        calls.push({ caller: s.caller, atMs: s.firstMs + run * s.everyMs, dependencies });
      }
    }
    const every = this.options.hiddenDependencyEveryMs;
    for (let run = Math.ceil((fromMs - HIDDEN_CALL_MS - this.hiddenPhaseMs) / every); this.hiddenPhaseMs + run * every < toMs; run++) {
      calls.push({ caller: 'hidden-dependency', atMs: this.hiddenPhaseMs + run * every, dependencies: [this.hiddenDependency] });
    }
    return calls.sort((a, b) => a.atMs - b.atMs);
  }

  /** When the hidden dependency next calls, at or after `afterMs`: how long a soak must last to see it. */
  nextHiddenCall(afterMs: number): number {
    const every = this.options.hiddenDependencyEveryMs;
    return this.hiddenPhaseMs + Math.ceil((afterMs - this.hiddenPhaseMs) / every) * every;
  }

  /** The steady connections started in one second: a pure function of the seed and the second. */
  private steadySecond(second: number): LiveFlow[] {
    const total = this.cumulative.at(-1) ?? 0;
    const rate = this.options.connectionsPerSecond;
    if (total === 0 || rate === 0) return [];
    const rng = this.random.fork(`second:${second}`);
    const count = Math.floor(rate) + (rng.chance(rate - Math.floor(rate)) ? 1 : 0);
    const connections: Connection[] = [];
    for (let i = 0; i < count; i++) {
      const dependency = this.pickSteady(rng.next() * total);
      connections.push(...connectionsOf({ ...dependency, connections: 1, during: [0, SECOND_MS], everyPod: false }, this.index, rng));
    }
    return this.render(second * SECOND_MS, connections, rng);
  }

  private pickSteady(weight: number): Dependency {
    let low = 0;
    let high = this.cumulative.length - 1;
    while (low < high) {
      const middle = (low + high) >> 1;
      if ((this.cumulative[middle] ?? 0) > weight) high = middle;
      else low = middle + 1;
    }
    const picked = this.steady[low];
    if (!picked) throw new Error('DemoLiveTraffic: no steady dependency to pick');
    return picked;
  }

  private rareCall(call: RareCall): LiveFlow[] {
    const rng = this.random.fork(`${call.caller}:${call.atMs}`);
    const connections =
      call.caller === 'hidden-dependency'
        ? connectionsOf(
            {
              from: workloadPeer(this.hiddenDependency.from),
              to: workloadPeer(this.hiddenDependency.to),
              port: this.hiddenDependency.port,
              protocol: this.hiddenDependency.protocol,
              connections: HIDDEN_CALL_CONNECTIONS,
              during: [0, HIDDEN_CALL_MS],
            },
            this.index,
            rng,
          )
        : (this.scheduled.find((s) => s.caller === call.caller)?.dependencies ?? []).flatMap((dependency) => {
            const perRun = Math.ceil(dependency.connections / (dependency.runs?.inWindow ?? 1));
            return connectionsOf({ ...dependency, connections: perRun, runs: undefined }, this.index, rng);
          });
    // A CronJob starts a new pod for every run: same workload and labels, a name of its own.
    const runPod = new Map<PodModel, PodModel>();
    const renamed = connections.map((c) => {
      if (c.client.kind !== 'pod' || c.client.pod.workload.spec.kind !== 'CronJob') return c;
      const pod = c.client.pod;
      const renamedPod = runPod.get(pod) ?? {
        ...pod,
        name: `${pod.workload.spec.name}-${Math.floor(call.atMs / 60_000)}-${rng.string(KUBE_NAME_ALPHABET, 5)}`,
      };
      runPod.set(pod, renamedPod);
      return { ...c, client: { kind: 'pod' as const, pod: renamedPod } };
    });
    return this.render(call.atMs, renamed, rng);
  }

  private render(baseMs: number, connections: readonly Connection[], rng: Random): LiveFlow[] {
    const renderer = new FlowRenderer(rng.fork('events'));
    for (const connection of connections) renderer.connection(connection);
    return exporterLines(baseMs, renderer.events).map((line) => ({ atMs: Date.parse(line.time), line }));
  }
}
