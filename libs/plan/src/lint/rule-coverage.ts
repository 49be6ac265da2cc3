// Rules that allow nothing another rule of the same namespace and direction does not already allow:
// each rule reduced to sets (the pods it applies to, the pods and CIDRs it admits, the ports it opens)
// and compared with the others. Equal rules are duplicates; the later of the two is reported.
import { type Cidr, type InventoryPod, type NetworkPolicyPort, cidrContains, parseCidr } from '@bulkhead/netpol';
import type { ClusterView } from './cluster-view';
import type { PolicyRuleUnderLint } from './rule';

export interface RuleCoverage {
  rule: PolicyRuleUnderLint;
  /** The rule that already allows all `rule` allows. */
  coveredBy: PolicyRuleUnderLint;
  /** Both rules read the same and apply to the same pods. */
  duplicate: boolean;
}

/** A rule reduced to sets of pod numbers, CIDRs and ports. */
interface RuleSets {
  rule: PolicyRuleUnderLint;
  subjects: Set<number>;
  /** null: every peer. */
  pods: Set<number> | null;
  cidrs: { cidr: Cidr; except: Cidr[] }[];
  ports: NetworkPolicyPort[] | null;
}

/** Namespaces with more rules in one direction are left alone: the comparison is quadratic. */
const MAX_RULES_COMPARED = 3000;

export function findCoveredRules(rules: readonly PolicyRuleUnderLint[], cluster: ClusterView): RuleCoverage[] {
  const found: RuleCoverage[] = [];
  for (const group of groupByNamespaceAndDirection(rules, cluster).values()) {
    if (group.length > MAX_RULES_COMPARED) continue;
    for (let i = 0; i < group.length; i++) {
      const narrow = group[i]!;
      for (let j = 0; j < group.length; j++) {
        if (i === j) continue;
        const broad = group[j]!;
        if (!portsCovered(narrow.ports, broad.ports) || !subset(narrow.subjects, broad.subjects) || !peersCovered(narrow, broad)) continue;
        const duplicate = narrow.subjects.size === broad.subjects.size && ruleText(narrow) === ruleText(broad);
        if (duplicate && j > i) continue;
        found.push({ rule: narrow.rule, coveredBy: broad.rule, duplicate });
        break;
      }
    }
  }
  return found;
}

function groupByNamespaceAndDirection(rules: readonly PolicyRuleUnderLint[], cluster: ClusterView): Map<string, RuleSets[]> {
  const groups = new Map<string, RuleSets[]>();
  // Pod lists come from the cluster view's caches, so their sets are built once per distinct selector.
  const setsByList = new Map<InventoryPod[], Set<number>>();
  const setOf = (pods: InventoryPod[]) => {
    let set = setsByList.get(pods);
    if (!set) setsByList.set(pods, (set = new Set(pods.map((pod) => cluster.podIndex.get(pod)!))));
    return set;
  };
  for (const rule of rules) {
    const subjects = setOf(rule.owner.selectedPods);
    if (subjects.size === 0) continue;
    const namespace = rule.owner.namespace;
    let pods: Set<number> | null = null;
    const cidrs: RuleSets['cidrs'] = [];
    if (rule.peers) {
      const selectorPeers = rule.peers.filter((peer) => !peer.ipBlock);
      pods = selectorPeers.length === 1 ? setOf(cluster.peerPods(selectorPeers[0]!, namespace)) : new Set();
      for (const peer of rule.peers) {
        if (peer.ipBlock) {
          const cidr = parseCidr(peer.ipBlock.cidr);
          if (cidr) cidrs.push({ cidr, except: (peer.ipBlock.except ?? []).map(parseCidr).filter((c): c is Cidr => !!c) });
        } else if (selectorPeers.length > 1) for (const pod of cluster.peerPods(peer, namespace)) pods.add(cluster.podIndex.get(pod)!);
      }
    }
    const key = `${namespace}|${rule.direction}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = []));
    group.push({ rule, subjects, pods, cidrs, ports: rule.ports ?? null });
  }
  return groups;
}

const ruleText = (sets: RuleSets) => JSON.stringify([sets.rule.peers ?? null, sets.rule.ports ?? null]);

function subset(a: Set<number>, b: Set<number>): boolean {
  if (a === b) return true;
  if (a.size > b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function peersCovered(narrow: RuleSets, broad: RuleSets): boolean {
  if (broad.pods === null) return true;
  if (narrow.pods === null) return false;
  if (!subset(narrow.pods, broad.pods)) return false;
  return narrow.cidrs.every((x) =>
    broad.cidrs.some(
      (y) =>
        x.cidr.family === y.cidr.family &&
        x.cidr.prefix >= y.cidr.prefix &&
        cidrContains(y.cidr, { family: x.cidr.family, value: x.cidr.network, v4: x.cidr.v4Network }) &&
        y.except.every(
          (e) =>
            x.except.some((xe) => xe.prefix <= e.prefix && cidrContains(xe, { family: e.family, value: e.network, v4: e.v4Network })) ||
            !overlaps(e, x.cidr),
        ),
    ),
  );
}

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, { family: longer.family, value: longer.network, v4: longer.v4Network });
}

function portsCovered(narrow: NetworkPolicyPort[] | null, broad: NetworkPolicyPort[] | null): boolean {
  if (broad === null) return true;
  if (narrow === null) return false;
  return narrow.every((x) =>
    broad.some((y) => {
      if ((x.protocol ?? 'TCP') !== (y.protocol ?? 'TCP')) return false;
      if (y.port === undefined) return true;
      if (x.port === undefined) return false;
      if (typeof x.port === 'string' || typeof y.port === 'string') return x.port === y.port;
      return x.port >= y.port && (x.endPort ?? x.port) <= (y.endPort ?? y.port);
    }),
  );
}
