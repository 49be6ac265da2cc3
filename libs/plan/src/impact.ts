// Proof of what a plan does: every observed edge replayed against the current policies and the plan,
// the blast radius of a compromised pod before and after, and the semantic diff of two policy sets.
// Every verdict comes from the engine (buildEngine).
import { type Engine, type Endpoint, type Inventory, type InventoryPod, type PortSpec, type Protocol, parseIp } from '@bulkhead/netpol';
import { normalizeEdges, parseKey } from './edges';
import { engineFor } from './engines';
import type { PolicyLayers } from './layers';
import { compareStrings } from './selectors';
import { everyServedPort, servedPorts, type ServedPorts } from './served-ports';
import type { PlanEdge } from './types';

export type EdgeVerdict = 'allowed' | 'denied' | 'partial' | 'unevaluated';

export interface EdgeImpact {
  key: string;
  edge: PlanEdge;
  before: EdgeVerdict;
  after: EdgeVerdict;
  /** Why an edge could not be evaluated, or which side denies it after. */
  note?: string;
}

export interface ImpactReport {
  edges: EdgeImpact[];
  /** Allowed (or partly) before, denied (or partly) after. */
  newlyBlocked: EdgeImpact[];
  newlyAllowed: EdgeImpact[];
  unevaluated: EdgeImpact[];
  summary: { edges: number; allowedBefore: number; allowedAfter: number; newlyBlocked: number; newlyAllowed: number; unevaluated: number };
}

export interface AddressBook {
  /** DNS name -> IPs. */
  externalAddresses?: Record<string, string[]>;
  apiServerAddresses?: string[];
  /** Node name -> its addresses (from the inventory's nodes). */
  nodeAddresses?: ReadonlyMap<string, readonly string[]>;
}

const MAX_ENDS = 8;

/** The concrete endpoints of an edge end: the pods of a workload, or addresses outside the cluster. */
export function endpointsOf(
  key: string,
  podsByWorkload: Map<string, InventoryPod[]>,
  book: AddressBook,
): { ends: Endpoint[]; note?: string } {
  const ep = parseKey(key);
  if (!ep) return { ends: [], note: `unreadable endpoint ${key}` };
  if (ep.kind === 'workload') {
    const pods = podsByWorkload.get(`${ep.namespace}/${ep.name}`) ?? [];
    return pods.length
      ? { ends: pods.slice(0, MAX_ENDS).map((pod) => ({ pod })) }
      : { ends: [], note: `workload ${ep.namespace}/${ep.name} is not in the inventory` };
  }
  if (ep.kind === 'reserved') {
    if (ep.name === 'kube-apiserver') {
      const ips = (book.apiServerAddresses ?? []).map(stripPrefix).filter((ip) => parseIp(ip));
      return ips.length ? { ends: ips.map((ip) => ({ ip })) } : { ends: [], note: 'API server address unknown' };
    }
    return { ends: [], note: `reserved:${ep.name} (node traffic, not subject to NetworkPolicy or not addressable)` };
  }
  if (ep.kind === 'node') {
    const ips = (book.nodeAddresses?.get(ep.name) ?? []).filter((ip) => parseIp(ip));
    return ips.length ? { ends: ips.map((ip) => ({ ip })) } : { ends: [], note: `node ${ep.name} has no known address` };
  }
  if (ep.via === 'cidr') {
    const ip = stripPrefix(ep.name);
    return parseIp(ip) ? { ends: [{ ip }] } : { ends: [], note: `unreadable CIDR ${ep.name}` };
  }
  if (ep.via === 'dns') {
    const ips = (book.externalAddresses?.[ep.name] ?? []).map(stripPrefix).filter((ip) => parseIp(ip));
    return ips.length ? { ends: ips.slice(0, MAX_ENDS).map((ip) => ({ ip })) } : { ends: [], note: `no address known for ${ep.name}` };
  }
  return { ends: [], note: `${ep.name} has no address` };
}

/** Node name -> its addresses. */
function nodeAddressesOf(inventory: Inventory): Map<string, string[]> {
  return new Map((inventory.nodes ?? []).map((node) => [node.name, node.addresses.map((a) => a.address)]));
}

/** From a node, its own pods are left out: traffic from the node where a pod runs is always allowed. */
function fromItsOwnNode(srcKey: string, dst: { ends: Endpoint[]; note?: string }): { ends: Endpoint[]; note?: string } {
  const src = parseKey(srcKey);
  if (src?.kind !== 'node' || dst.ends.length === 0) return dst;
  const elsewhere = dst.ends.filter((end) => !('pod' in end) || end.pod.nodeName !== src.name);
  return elsewhere.length ? { ends: elsewhere } : { ends: [], note: `from node ${src.name}, where the pods run: always allowed` };
}

function stripPrefix(cidr: string): string {
  const slash = cidr.indexOf('/');
  return slash < 0 ? cidr : cidr.slice(0, slash);
}

export function podsByWorkloadOf(inventory: Inventory): Map<string, InventoryPod[]> {
  const map = new Map<string, InventoryPod[]>();
  for (const pod of inventory.pods) {
    const k = `${pod.namespace}/${pod.workload.name}`;
    let list = map.get(k);
    if (!list) map.set(k, (list = []));
    list.push(pod);
  }
  return map;
}

function verdictOf(engine: Engine, from: Endpoint[], to: Endpoint[], port: number, protocol: Protocol): EdgeVerdict {
  let allowed = 0;
  let total = 0;
  for (const f of from) {
    for (const t of to) {
      total++;
      if (engine.evaluate({ from: f, to: t, port, protocol }).allowed) allowed++;
    }
  }
  return allowed === total ? 'allowed' : allowed === 0 ? 'denied' : 'partial';
}

/** Replays every edge against `current` and `plan` (each taken as the cluster's whole policy set, both layers). */
export function analyzeImpact(
  inventory: Inventory,
  current: PolicyLayers,
  plan: PolicyLayers,
  edges: readonly PlanEdge[],
  book: AddressBook = {},
): ImpactReport {
  const before = engineFor(inventory, current);
  const after = engineFor(inventory, plan);
  const podsByWorkload = podsByWorkloadOf(inventory);
  const addresses: AddressBook = { ...book, nodeAddresses: nodeAddressesOf(inventory) };
  const out: EdgeImpact[] = [];
  for (const { key, edge } of normalizeEdges(edges)) {
    const protocol = String(edge.protocol);
    if (edge.port === null || edge.port === undefined || (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP')) {
      out.push({ key, edge, before: 'unevaluated', after: 'unevaluated', note: `${protocol} has no port a NetworkPolicy can name` });
      continue;
    }
    const src = endpointsOf(edge.src, podsByWorkload, addresses);
    const dst = fromItsOwnNode(edge.src, endpointsOf(edge.dst, podsByWorkload, addresses));
    if (!src.ends.length || !dst.ends.length) {
      out.push({ key, edge, before: 'unevaluated', after: 'unevaluated', note: src.note ?? dst.note });
      continue;
    }
    const b = verdictOf(before, src.ends, dst.ends, edge.port, protocol);
    const a = verdictOf(after, src.ends, dst.ends, edge.port, protocol);
    out.push({ key, edge, before: b, after: a });
  }
  const newlyBlocked = out.filter(
    (e) =>
      e.before !== 'unevaluated' && e.before !== 'denied' && (e.after === 'denied' || (e.after === 'partial' && e.before === 'allowed')),
  );
  const newlyAllowed = out.filter((e) => e.before === 'denied' && (e.after === 'allowed' || e.after === 'partial'));
  const unevaluated = out.filter((e) => e.before === 'unevaluated');
  return {
    edges: out,
    newlyBlocked,
    newlyAllowed,
    unevaluated,
    summary: {
      edges: out.length,
      allowedBefore: out.filter((e) => e.before === 'allowed').length,
      allowedAfter: out.filter((e) => e.after === 'allowed').length,
      newlyBlocked: newlyBlocked.length,
      newlyAllowed: newlyAllowed.length,
      unevaluated: unevaluated.length,
    },
  };
}

// ---- blast radius ----

export interface WorkloadReach {
  /** `ns/name`. */
  workload: string;
  /** Other workloads a compromised pod of this one can open at least one connection to. */
  reachableWorkloads: number;
  /** (workload, port) pairs it can reach, among the ports workloads listen on. */
  reachablePorts: number;
}

export interface ReachSummary {
  workloads: number;
  maxReachableWorkloads: number;
  meanReachableWorkloads: number;
  totalReachablePorts: number;
}

export interface BlastRadius {
  /** Every workload, sorted. */
  workloads: WorkloadReach[];
  namespaces: ({ namespace: string } & ReachSummary)[];
  cluster: ReachSummary & { listeningPorts: number };
}

export interface BlastRadiusOptions {
  /** Ports every workload is taken to serve; default: the ports each workload serves (servedPorts). */
  ports?: PortSpec[];
  edges?: readonly PlanEdge[];
}

/** Listening ports per workload: the ports it serves, or the ports given for every workload. */
function listeningPorts(inventory: Inventory, options: BlastRadiusOptions): ServedPorts {
  const given = options.ports;
  if (!given) return servedPorts(inventory, options.edges ?? []);
  return new Map(inventory.workloads.map((w) => [`${w.namespace}/${w.name}`, given]));
}

/**
 * How far a compromised pod gets: for every workload, the other workloads and (workload, port) pairs
 * its pods may connect to, from the engine's matrix, one port at a time so memory stays bounded.
 */
export function blastRadius(inventory: Inventory, layers: PolicyLayers, options: BlastRadiusOptions = {}): BlastRadius {
  const engine = engineFor(inventory, layers);
  const listening = listeningPorts(inventory, options);
  const podsByWorkload = podsByWorkloadOf(inventory);
  const names = [...new Set(inventory.workloads.map((w) => `${w.namespace}/${w.name}`))].sort(compareStrings);
  const nW = names.length;
  const index = new Map(names.map((n, i) => [n, i]));
  const podIndex = new Map<InventoryPod, number>();
  inventory.pods.forEach((p, i) => podIndex.set(p, i));

  // Listeners per port spec.
  const listenersBySpec = new Map<string, { spec: PortSpec; workloads: number[] }>();
  for (const [w, specs] of listening) {
    const wi = index.get(w);
    if (wi === undefined) continue;
    for (const spec of specs) {
      const k = `${spec.protocol}/${spec.port}`;
      let entry = listenersBySpec.get(k);
      if (!entry) listenersBySpec.set(k, (entry = { spec, workloads: [] }));
      entry.workloads.push(wi);
    }
  }
  const specs = [...listenersBySpec.values()].sort((a, b) => compareStrings(a.spec.protocol, b.spec.protocol) || a.spec.port - b.spec.port);
  const reachP = new Int32Array(nW);
  const selfHits = new Int32Array(nW);
  const words = (nW + 31) >>> 5;
  const podsOf = names.map((n) => (podsByWorkload.get(n) ?? []).map((p) => podIndex.get(p)!));
  let listeningTotal = 0;

  // Pod classes are the engine's and do not depend on the port: sources with the same set of classes
  // (usually all the workloads that no policy tells apart) are computed once.
  let groupOf: Int32Array | undefined;
  let groupClasses: number[][] = [];
  let groupReach: Uint32Array[] = [];
  const mark = new Int32Array(nW);
  let stamp = 0;
  for (const { spec, workloads } of specs) {
    listeningTotal += workloads.length;
    const pm = engine.podMatrix([spec]);
    const rows = pm.classAllowed[0]!;
    const classesOfW = (w: number) => [...new Set(podsOf[w]!.map((i) => pm.classOf[i]!))];
    if (!groupOf) {
      groupOf = new Int32Array(nW).fill(-1);
      const ids = new Map<string, number>();
      for (let w = 0; w < nW; w++) {
        const classes = classesOfW(w).sort((a, b) => a - b);
        if (classes.length === 0) continue;
        const k = classes.join(',');
        let g = ids.get(k);
        if (g === undefined) {
          ids.set(k, (g = groupClasses.length));
          groupClasses.push(classes);
          groupReach.push(new Uint32Array(words));
        }
        groupOf[w] = g;
      }
    }
    // Listener workloads by class, and the bit set of classes that have one.
    const listenersOfClass = new Map<number, number[]>();
    const classWords = rows[0]?.length ?? 0;
    const listenerBits = new Uint32Array(classWords);
    for (const w of workloads) {
      for (const c of classesOfW(w)) {
        let list = listenersOfClass.get(c);
        if (!list) listenersOfClass.set(c, (list = []));
        list.push(w);
        listenerBits[c >>> 5]! |= 1 << (c & 31);
      }
    }
    const count = new Int32Array(groupClasses.length);
    const merged = new Uint32Array(classWords);
    groupClasses.forEach((classes, g) => {
      stamp++;
      let row: Uint32Array;
      if (classes.length === 1) row = rows[classes[0]!]!;
      else {
        merged.fill(0);
        for (const a of classes) {
          const source = rows[a]!;
          for (let i = 0; i < classWords; i++) merged[i]! |= source[i]!;
        }
        row = merged;
      }
      let n = 0;
      const reach = groupReach[g]!;
      for (let i = 0; i < classWords; i++) {
        let bits = row[i]! & listenerBits[i]!;
        while (bits !== 0) {
          const low = bits & -bits;
          const c = (i << 5) + (31 - Math.clz32(low));
          bits ^= low;
          for (const w of listenersOfClass.get(c)!) {
            if (mark[w] === stamp) continue;
            mark[w] = stamp;
            n++;
            reach[w >>> 5]! |= 1 << (w & 31);
          }
        }
      }
      count[g] = n;
    });
    // A workload reaching itself is not part of its blast radius.
    for (const w of workloads) {
      const g = groupOf[w]!;
      if (g < 0) continue;
      const own = classesOfW(w);
      if (groupClasses[g]!.some((a) => own.some((c) => (rows[a]![c >>> 5]! >>> (c & 31)) & 1))) selfHits[w]!++;
    }
    for (let w = 0; w < nW; w++) {
      const g = groupOf[w]!;
      if (g >= 0) reachP[w]! += count[g]!;
    }
  }
  const reachW = new Int32Array(nW);
  for (let w = 0; w < nW; w++) {
    const g = groupOf ? groupOf[w]! : -1;
    if (g < 0) continue;
    const reach = groupReach[g]!;
    let n = 0;
    for (let i = 0; i < words; i++) n += popcount(reach[i]!);
    if ((reach[w >>> 5]! >>> (w & 31)) & 1) n--;
    reachW[w] = n;
    reachP[w]! -= selfHits[w]!;
  }
  groupClasses = [];
  groupReach = [];
  const workloads: WorkloadReach[] = names.map((workload, i) => ({ workload, reachableWorkloads: reachW[i]!, reachablePorts: reachP[i]! }));
  const summarize = (list: WorkloadReach[]): ReachSummary => ({
    workloads: list.length,
    maxReachableWorkloads: list.reduce((m, w) => Math.max(m, w.reachableWorkloads), 0),
    meanReachableWorkloads: list.length ? Math.round((list.reduce((n, w) => n + w.reachableWorkloads, 0) / list.length) * 100) / 100 : 0,
    totalReachablePorts: list.reduce((n, w) => n + w.reachablePorts, 0),
  });
  const byNs = new Map<string, WorkloadReach[]>();
  for (const w of workloads) {
    const ns = w.workload.split('/')[0]!;
    let list = byNs.get(ns);
    if (!list) byNs.set(ns, (list = []));
    list.push(w);
  }
  return {
    workloads,
    namespaces: [...byNs].sort(([a], [b]) => compareStrings(a, b)).map(([namespace, list]) => ({ namespace, ...summarize(list) })),
    cluster: { ...summarize(workloads), listeningPorts: listeningTotal },
  };
}

// ---- semantic diff ----

export type CellState = 'denied' | 'allowed' | 'partial';

export interface ConnectionChange {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  before: CellState;
  after: CellState;
}

/** How many connections changed, by kind. */
export interface ChangeCounts {
  allowed: number;
  blocked: number;
  changed: number;
}

export interface SemanticDiff {
  /**
   * Connections (workload pair and a port the destination serves) denied before and allowed (or partly)
   * after; and the reverse. Sorted by from, to, protocol, port.
   */
  allowed: ConnectionChange[];
  blocked: ConnectionChange[];
  /** Changes between partial and full. */
  changed: ConnectionChange[];
  /**
   * The full-port figure: the same changes counted for every workload pair on every port any workload
   * serves (`ports` of them), whether the destination serves that port or not.
   */
  onEveryPort: ChangeCounts & { ports: number };
}

/** A WorkloadCell as a state: 0 denied, 1 allowed, 2 partial. */
function cellState(cell: number): CellState {
  return cell === 0 ? 'denied' : cell === 1 ? 'allowed' : 'partial';
}

/**
 * Connections whose verdict differs between two policy sets (both layers) over the same inventory: workload pairs on
 * the ports the destination serves (`served`, see servedPorts), and the full-port figure beside them.
 */
export function semanticDiff(inventory: Inventory, before: PolicyLayers, after: PolicyLayers, served: ServedPorts): SemanticDiff {
  const a = engineFor(inventory, before);
  const b = engineFor(inventory, after);
  const ports = everyServedPort(served);
  const result: SemanticDiff = {
    allowed: [],
    blocked: [],
    changed: [],
    onEveryPort: { allowed: 0, blocked: 0, changed: 0, ports: ports.length },
  };
  for (const spec of ports) {
    const ma = a.workloadMatrix([spec]);
    const mb = b.workloadMatrix([spec]);
    const refs = ma.workloads;
    const n = refs.length;
    const serves = refs.map((w) =>
      (served.get(`${w.namespace}/${w.name}`) ?? []).some((p) => p.port === spec.port && p.protocol === spec.protocol),
    );
    const ca = ma.cells[0]!;
    const cb = mb.cells[0]!;
    for (let i = 0; i < ca.length; i++) {
      const cellBefore = ca[i]!;
      const cellAfter = cb[i]!;
      if (cellBefore === cellAfter) continue;
      const kind: keyof ChangeCounts = cellBefore === 0 ? 'allowed' : cellAfter === 0 ? 'blocked' : 'changed';
      result.onEveryPort[kind]++;
      if (!serves[i % n]) continue;
      const from = refs[Math.floor(i / n)]!;
      const to = refs[i % n]!;
      result[kind].push({
        from: `${from.namespace}/${from.name}`,
        to: `${to.namespace}/${to.name}`,
        port: spec.port,
        protocol: spec.protocol,
        before: cellState(cellBefore),
        after: cellState(cellAfter),
      });
    }
  }
  const order = (x: ConnectionChange, y: ConnectionChange) =>
    compareStrings(x.from, y.from) || compareStrings(x.to, y.to) || compareStrings(x.protocol, y.protocol) || x.port - y.port;
  result.allowed.sort(order);
  result.blocked.sort(order);
  result.changed.sort(order);
  return result;
}

function popcount(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
