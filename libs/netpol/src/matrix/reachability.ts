import type { Protocol } from '../model/types';
import type { InventoryPod } from '../snapshot/inventory';
import {
  type Bits,
  bitRowPool,
  forEachBit,
  fullBits,
  hasBit,
  newBitRows,
  newBits,
  orAndInto,
  orInto,
  setBit,
  transposeBlock,
} from './bitset';
import type { ClusterIndex } from './cluster-index';
import type { CompiledClusterRule, CompiledRule } from './compiled';

export interface PortSpec {
  port: number;
  protocol: Protocol;
}

/** 0 = denied, 1 = allowed, 2 = partial (some pod pairs of the two workloads allowed, some not). */
export type WorkloadCell = 0 | 1 | 2;

export interface WorkloadRef {
  namespace: string;
  kind: string;
  name: string;
  podCount: number;
}

export interface WorkloadMatrix {
  ports: PortSpec[];
  workloads: WorkloadRef[];
  /** One W*W array per port: cells[p][from * W + to]. */
  cells: Uint8Array[];
  get(from: number, to: number, portIndex: number): WorkloadCell;
}

export interface PodMatrix {
  ports: PortSpec[];
  pods: readonly InventoryPod[];
  /** The equivalence class of each pod: pods of one class are indistinguishable to every policy. */
  classOf: Int32Array;
  classCount: number;
  /** Per port, per source class: the bit set of destination classes it may reach. */
  classAllowed: Bits[][];
  allowed(fromPod: number, toPod: number, portIndex: number): boolean;
}

export interface MatrixBuilder {
  podMatrix(ports: PortSpec[]): PodMatrix;
  workloadMatrixFrom(pods: PodMatrix): WorkloadMatrix;
}

/**
 * Matrices over the index. For one port: per rule, the classes its peers match (OR of peer bit sets) AND the
 * destination classes its ports match. Per source class (egress) and per destination class (ingress), the tiers
 * are applied to the set of undecided peer classes, in order: each Admin rule takes the undecided classes it
 * matches (Accept adds them to the allowed set, Deny drops them, Pass sets them aside until the tier ends); then
 * an isolating NetworkPolicy tier allows the union of its rules among the undecided and decides the rest; else
 * the Baseline tier does as the Admin tier did, and what is still undecided is allowed. A class pair is allowed
 * when both sides allow it. Workload cells then walk only the allowed class pairs.
 */
export function matrixBuilder(index: ClusterIndex): MatrixBuilder {
  const { pods, policies, clusterPolicies, peerClasses, classOf, classRep, podIngress, podEgress } = index;
  const { podAdminIngress, podAdminEgress, podBaselineIngress, podBaselineEgress } = index;
  const nClasses = index.classCount;
  const all = fullBits(nClasses);
  /** What the Pass rules of the tier being applied set aside (a work buffer). */
  const passing = newBits(nClasses);
  /** Rows kept for the builder's life (rule targets, egress rows), from few buffers. */
  const keptRow = bitRowPool(nClasses);
  const clusterRules = (selecting: readonly number[], direction: 'ingress' | 'egress'): CompiledClusterRule[] =>
    selecting.flatMap((p) => {
      const policy = clusterPolicies[p]!;
      return direction === 'ingress' ? policy.ingressRules : policy.egressRules;
    });
  /**
   * Applies one tier's rules, in order, to the undecided classes: each rule takes the undecided classes it
   * matches. Accept moves them to `allowed`, Deny drops them, Pass returns them to `undecided` once the tier ends.
   */
  const applyTier = (
    rules: readonly CompiledClusterRule[],
    matched: (rule: CompiledClusterRule) => Bits | null,
    undecided: Bits,
    allowed: Bits,
  ) => {
    let passed = false;
    for (const rule of rules) {
      const matches = matched(rule);
      if (!matches) continue;
      if (rule.action === 'Pass' && !passed) {
        passing.fill(0);
        passed = true;
      }
      for (let w = 0; w < undecided.length; w++) {
        const hit = matches[w]! & undecided[w]!;
        if (hit === 0) continue;
        undecided[w]! &= ~hit;
        if (rule.action === 'Accept') allowed[w]! |= hit;
        else if (rule.action === 'Pass') passing[w]! |= hit;
      }
    }
    if (passed) orInto(undecided, passing);
  };
  /**
   * The tiers in order for one side, into `allowed` (cleared first); `undecided` is a work buffer.
   * `namespacedRow` is the union of its NetworkPolicy rules, used when they isolate it.
   */
  const tieredRow = (
    admin: readonly CompiledClusterRule[],
    isolated: boolean,
    namespacedRow: () => Bits,
    baseline: readonly CompiledClusterRule[],
    matched: (rule: CompiledClusterRule) => Bits | null,
    allowed: Bits,
    undecided: Bits,
  ): Bits => {
    undecided.set(all);
    allowed.fill(0);
    applyTier(admin, matched, undecided, allowed);
    if (isolated) {
      orAndInto(allowed, namespacedRow(), undecided);
      return allowed;
    }
    applyTier(baseline, matched, undecided, allowed);
    orInto(allowed, undecided);
    return allowed;
  };
  const ruleTargets = new Map<CompiledRule | CompiledClusterRule, Bits>();
  const targetsOf = (rule: CompiledRule | CompiledClusterRule): Bits => {
    let bits = ruleTargets.get(rule);
    if (!bits) {
      if (rule.peers === null) bits = all;
      else if (rule.peers.length === 1) bits = peerClasses[rule.peers[0]!]!;
      else {
        bits = keptRow();
        for (const q of rule.peers) orInto(bits, peerClasses[q]!);
      }
      ruleTargets.set(rule, bits);
    }
    return bits;
  };
  const classAllowedFor = (spec: PortSpec): Bits[] => {
    // Classes whose pods resolve a port name to this port and protocol.
    const namedCache = new Map<string, Bits>();
    const named = (name: string): Bits => {
      const cached = namedCache.get(name);
      if (cached) return cached;
      const bits = newBits(nClasses);
      classRep.forEach((rep, c) => {
        if (pods[rep]!.ports.some((cp) => cp.name === name && cp.protocol === spec.protocol && cp.port === spec.port)) setBit(bits, c);
      });
      namedCache.set(name, bits);
      return bits;
    };
    // The union of `named` over a list of names, shared by the rules that list the same names.
    const namesCache = new Map<string, Bits>();
    const namesMatch = (names: string[]): Bits => {
      if (names.length === 1) return named(names[0]!);
      const key = names.join('\0');
      let bits = namesCache.get(key);
      if (!bits) {
        bits = newBits(nClasses);
        for (const name of names) orInto(bits, named(name));
        namesCache.set(key, bits);
      }
      return bits;
    };
    const portBitsCache = new Map<CompiledRule | CompiledClusterRule, Bits | null>();
    /** The destination classes for which a rule's ports match (null: none). */
    const portBits = (rule: CompiledRule | CompiledClusterRule): Bits | null => {
      if (portBitsCache.has(rule)) return portBitsCache.get(rule)!;
      let result: Bits | null = null;
      if (rule.ports === null) result = all;
      else {
        const names: string[] = [];
        for (const p of rule.ports) {
          if (p.protocol !== spec.protocol) continue;
          if (p.name !== undefined) names.push(p.name);
          else if (spec.port >= p.lo && spec.port <= p.hi) {
            result = all;
            break;
          }
        }
        if (!result && names.length > 0) result = namesMatch(names);
      }
      portBitsCache.set(rule, result);
      return result;
    };
    // Egress: the destination classes a cluster rule matches on this port (its peers AND its ports).
    const egressMatchCache = new Map<CompiledClusterRule, Bits | null>();
    const egressMatch = (rule: CompiledClusterRule): Bits | null => {
      if (egressMatchCache.has(rule)) return egressMatchCache.get(rule)!;
      const pb = portBits(rule);
      let matches: Bits | null = null;
      if (pb) {
        matches = newBits(nClasses);
        orAndInto(matches, targetsOf(rule), pb);
      }
      egressMatchCache.set(rule, matches);
      return matches;
    };
    // Egress: the destination classes each source class may reach, shared by classes with the same policies.
    // Work buffers: the undecided classes of a row, the union of a side's NetworkPolicy rules.
    const undecided = newBits(nClasses);
    const union = newBits(nClasses);
    const egressRows: Bits[] = [];
    const egressMemo = new Map<string, Bits>();
    for (const rep of classRep) {
      const selecting = podEgress[rep]!;
      const admin = podAdminEgress[rep]!;
      const baseline = podBaselineEgress[rep]!;
      if (selecting.length === 0 && admin.length === 0 && baseline.length === 0) {
        egressRows.push(all);
        continue;
      }
      const key = `${selecting.join(',')}|${admin.join(',')}|${baseline.join(',')}`;
      let row = egressMemo.get(key);
      if (!row) {
        const namespacedRow = () => {
          union.fill(0);
          for (const p of selecting) {
            for (const rule of policies[p]!.egressRules) {
              const pb = portBits(rule);
              if (pb) orAndInto(union, targetsOf(rule), pb);
            }
          }
          return union;
        };
        row = tieredRow(
          clusterRules(admin, 'egress'),
          selecting.length > 0,
          namespacedRow,
          clusterRules(baseline, 'egress'),
          egressMatch,
          keptRow(),
          undecided,
        );
        egressMemo.set(key, row);
      }
      egressRows.push(row);
    }
    // Ingress: the source classes each destination class accepts, written into `row`.
    const ingressRowInto = (c: number, row: Bits): void => {
      const rep = classRep[c]!;
      const selecting = podIngress[rep]!;
      const admin = podAdminIngress[rep]!;
      const baseline = podBaselineIngress[rep]!;
      if (selecting.length === 0 && admin.length === 0 && baseline.length === 0) {
        row.set(all);
        return;
      }
      const portsAdmit = (rule: CompiledRule | CompiledClusterRule) => {
        const pb = portBits(rule);
        return pb !== null && hasBit(pb, c);
      };
      const namespacedRow = () => {
        union.fill(0);
        for (const p of selecting) for (const rule of policies[p]!.ingressRules) if (portsAdmit(rule)) orInto(union, targetsOf(rule));
        return union;
      };
      const ingressMatch = (rule: CompiledClusterRule) => (portsAdmit(rule) ? targetsOf(rule) : null);
      tieredRow(
        clusterRules(admin, 'ingress'),
        selecting.length > 0,
        namespacedRow,
        clusterRules(baseline, 'ingress'),
        ingressMatch,
        row,
        undecided,
      );
    };
    // rows[a] = egressRows[a] AND the destination classes whose ingress admits a (the transpose of the ingress
    // rows). Ingress rows are made 32 destinations at a time, so that no more than 32 exist at once, and only for
    // destinations that some source may egress to; they are transposed by 32x32 blocks, skipping the blocks
    // where none of the 32 sources may egress anyway.
    const egressReached = newBits(nClasses);
    for (const row of new Set(egressRows)) orInto(egressReached, row);
    const rows = newBitRows(nClasses, nClasses);
    const strip = newBitRows(32, nClasses);
    const block = new Uint32Array(32);
    for (let bw = 0; bw < all.length; bw++) {
      for (let i = 0; i < 32; i++) {
        if (hasBit(egressReached, (bw << 5) + i)) ingressRowInto((bw << 5) + i, strip[i]!);
        else strip[i]!.fill(0);
      }
      for (let aw = 0; aw < all.length; aw++) {
        const sources = Math.min(32, nClasses - (aw << 5));
        let egress = 0;
        for (let j = 0; j < sources; j++) egress |= egressRows[(aw << 5) + j]![bw]!;
        if (egress === 0) continue;
        let ingress = 0;
        for (let i = 0; i < 32; i++) ingress |= block[i] = strip[i]![aw]!;
        if (ingress === 0) continue;
        transposeBlock(block);
        for (let j = 0; j < sources; j++) rows[(aw << 5) + j]![bw] = block[j]! & egressRows[(aw << 5) + j]![bw]!;
      }
    }
    return rows;
  };

  const podMatrix = (ports: PortSpec[]): PodMatrix => {
    const classAllowed = ports.map(classAllowedFor);
    return {
      ports,
      pods,
      classOf,
      classCount: nClasses,
      classAllowed,
      allowed: (from, to, p) => hasBit(classAllowed[p]![classOf[from]!]!, classOf[to]!),
    };
  };

  const workloadMatrixFrom = (pm: PodMatrix): WorkloadMatrix => {
    const index = new Map<string, number>();
    const refs: WorkloadRef[] = [];
    const classLists: number[][] = [];
    const order = pods
      .map((_, i) => i)
      .sort((a, b) => {
        const pa = pods[a]!;
        const pb = pods[b]!;
        return cmp(pa.namespace, pb.namespace) || cmp(pa.workload.name, pb.workload.name) || cmp(pa.workload.kind, pb.workload.kind);
      });
    for (const i of order) {
      const pod = pods[i]!;
      const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`;
      let w = index.get(key);
      if (w === undefined) {
        index.set(key, (w = refs.length));
        refs.push({ namespace: pod.namespace, kind: pod.workload.kind, name: pod.workload.name, podCount: 0 });
        classLists.push([]);
      }
      refs[w]!.podCount++;
      const classes = classLists[w]!;
      const podClass = classOf[i]!;
      if (!classes.includes(podClass)) classes.push(podClass);
    }
    const nW = refs.length;
    // The workloads each class appears in, to walk only the allowed class pairs.
    const workloadsOfClass: number[][] = Array.from({ length: nClasses }, () => []);
    classLists.forEach((classes, w) => classes.forEach((c) => workloadsOfClass[c]!.push(w)));
    const cells = pm.classAllowed.map((rows) => {
      const out = new Uint8Array(nW * nW);
      const counts = new Int32Array(nW);
      const touched: number[] = [];
      classLists.forEach((fromClasses, a) => {
        for (const ca of fromClasses) {
          forEachBit(rows[ca]!, (cb) => {
            for (const b of workloadsOfClass[cb]!) {
              if (counts[b]!++ === 0) touched.push(b);
            }
          });
        }
        const base = a * nW;
        for (const b of touched) {
          out[base + b] = counts[b] === fromClasses.length * classLists[b]!.length ? 1 : 2;
          counts[b] = 0;
        }
        touched.length = 0;
      });
      return out;
    });
    return { ports: pm.ports, workloads: refs, cells, get: (from, to, p) => cells[p]![from * nW + to] as WorkloadCell };
  };

  return { podMatrix, workloadMatrixFrom };
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
