// Lint: the classic NetworkPolicy mistakes, for the policies a cluster already has and for generated
// ones. Each finding names its rule, severity, object, what is wrong and how to fix it.
import {
  type Cidr,
  type Inventory,
  type InventoryPod,
  type LabelSelector,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  NAMESPACE_NAME_LABEL,
  cidrContains,
  compileSelector,
  effectivePolicyTypes,
  isEmptySelector,
  parseCidr,
  selectorKey,
  validateNetworkPolicy,
} from '@bulkhead/netpol';
import { engineFor } from './engines';
import { compareStrings } from './selectors';
import type { LintFinding, Tier } from './types';

export interface LintContext {
  /** The cluster's CNI; flannel, kubenet and none do not enforce NetworkPolicy. */
  cni?: string;
  /** Tiers given by a person (namespace -> tier or null): those namespaces need no tier label. Not the label-derived ones. */
  tiers?: Record<string, Tier | null>;
  dnsNamespace?: string;
  dnsPodLabels?: Record<string, string>;
  /** Other policies of the cluster (e.g. the existing ones when linting a plan): their namespace selectors count for the namespace-label check. */
  otherPolicies?: readonly NetworkPolicy[];
  /** Leave out the cluster-wide checks (CNI, namespace labels): for a second lint pass over the same cluster. */
  skipClusterChecks?: boolean;
}

/** Every lint rule, with its default severity: the ids findings carry. */
export const LINT_RULES = {
  'invalid-policy': 'error',
  'wildcard-namespace-selector': 'warning',
  'namespace-selector-without-pod-selector': 'warning',
  'default-deny-egress-without-dns': 'error',
  'dns-server-ingress-closed': 'error',
  'cni-not-enforcing': 'error',
  'cni-enforcement-unknown': 'info',
  'namespace-missing-labels': 'warning',
  'policy-selects-no-pod': 'warning',
  'selector-matches-nothing': 'warning',
  'named-port-unresolved': 'warning',
  'ingress-from-anywhere': 'warning',
  'duplicate-rule': 'warning',
  'shadowed-rule': 'info',
} as const;
export type LintRuleId = keyof typeof LINT_RULES;

const NON_ENFORCING_CNIS = new Set(['flannel', 'kubenet', 'none', 'bridge', 'host-local']);
const ENFORCING_CNIS = new Set([
  'cilium',
  'calico',
  'canal',
  'weave',
  'weave-net',
  'antrea',
  'kube-router',
  'ovn-kubernetes',
  'openshift-sdn',
  'azure-npm',
  'azure-cilium',
  'gke-dataplane-v2',
  'aws-vpc-cni',
  'kindnet',
  'romana',
]);
const TIER_LABEL_KEYS = ['environment', 'env', 'tier'];
const DEFAULT_DNS_LABELS = { 'k8s-app': 'kube-dns' };

type Direction = 'ingress' | 'egress';

interface FlatRule {
  policy: NetworkPolicy;
  policyIndex: number;
  name: string;
  direction: Direction;
  index: number;
  peers: NetworkPolicyPeer[] | undefined;
  ports: NetworkPolicyPort[] | undefined;
}

const finding = (rule: LintRuleId, object: string, message: string, fix: string, severity: LintFinding['severity'] = LINT_RULES[rule]): LintFinding => ({
  rule,
  severity,
  object,
  message,
  fix,
});

/**
 * Lints `policies` as if they were the NetworkPolicies of the inventory's cluster (the inventory's own
 * policies are ignored, so a plan can be linted before it is applied). Findings come sorted.
 */
export function lintPolicies(inventory: Inventory, policies: readonly NetworkPolicy[], context: LintContext = {}): LintFinding[] {
  const out: LintFinding[] = [];
  const dnsNamespace = context.dnsNamespace ?? 'kube-system';
  const dnsLabels = context.dnsPodLabels ?? DEFAULT_DNS_LABELS;
  const nsLabels = new Map<string, Record<string, string>>();
  for (const ns of inventory.namespaces) nsLabels.set(ns.name, ns.labels);
  for (const pod of inventory.pods) if (!nsLabels.has(pod.namespace)) nsLabels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
  const podsByNs = new Map<string, InventoryPod[]>();
  for (const pod of inventory.pods) {
    let list = podsByNs.get(pod.namespace);
    if (!list) podsByNs.set(pod.namespace, (list = []));
    list.push(pod);
  }
  const podIndex = new Map<InventoryPod, number>();
  inventory.pods.forEach((p, i) => podIndex.set(p, i));

  // Selector evaluation, cached by canonical key.
  const matchers = new Map<string, (labels: Record<string, string>) => boolean>();
  const matcher = (s: LabelSelector) => {
    const k = selectorKey(s);
    let m = matchers.get(k);
    if (!m) matchers.set(k, (m = compileSelector(s)));
    return m;
  };
  const nsCache = new Map<string, string[]>();
  const namespacesOf = (s: LabelSelector): string[] => {
    const k = selectorKey(s);
    let list = nsCache.get(k);
    if (!list) {
      const only = s.matchLabels && Object.keys(s.matchLabels).length === 1 && !s.matchExpressions?.length ? s.matchLabels[NAMESPACE_NAME_LABEL] : undefined;
      if (only !== undefined) list = nsLabels.get(only)?.[NAMESPACE_NAME_LABEL] === only ? [only] : [];
      else {
        const m = matcher(s);
        list = [...nsLabels].filter(([, labels]) => m(labels)).map(([n]) => n);
      }
      nsCache.set(k, list);
    }
    return list;
  };
  const selectedCache = new Map<string, InventoryPod[]>();
  const podsSelectedBy = (namespace: string, s: LabelSelector): InventoryPod[] => {
    const k = `${namespace}|${JSON.stringify(s)}`;
    let list = selectedCache.get(k);
    if (!list) {
      const m = matcher(s);
      list = (podsByNs.get(namespace) ?? []).filter((p) => m(p.labels));
      selectedCache.set(k, list);
    }
    return list;
  };
  const peerCache = new Map<string, InventoryPod[]>();
  /** The pods a selector peer names (ipBlock peers: none). */
  const peerPods = (peer: NetworkPolicyPeer, policyNs: string): InventoryPod[] => {
    if (peer.ipBlock) return [];
    // A cache key, not a canonical form: equal JSON selects alike (a different spelling only misses the cache).
    const k = peer.namespaceSelector ? `s:${JSON.stringify(peer)}` : `n:${policyNs}|${JSON.stringify(peer)}`;
    let list = peerCache.get(k);
    if (!list) {
      const namespaces = peer.namespaceSelector ? namespacesOf(peer.namespaceSelector) : [policyNs];
      list = namespaces.flatMap((ns) => podsSelectedBy(ns, peer.podSelector ?? {}));
      peerCache.set(k, list);
    }
    return list;
  };

  /** A plain YAML of policies, no pod listed: nothing can be said about what selectors match. */
  const policiesOnly = inventory.pods.length === 0;

  // ---- cluster checks ----
  if (!context.skipClusterChecks) {
    if (context.cni !== undefined && policies.length > 0) {
      const cni = context.cni.toLowerCase();
      if (NON_ENFORCING_CNIS.has(cni)) {
        out.push(
          finding(
            'cni-not-enforcing',
            'Cluster',
            `the CNI (${context.cni}) does not enforce NetworkPolicy: the API server accepts these ${policies.length} policies and nothing is blocked, a false sense of safety`,
            'Add a policy engine (Calico in canal mode on top of flannel) or move to Cilium or Calico before applying the plan.',
          ),
        );
      } else if (!ENFORCING_CNIS.has(cni)) {
        out.push(finding('cni-enforcement-unknown', 'Cluster', `cannot tell whether the CNI ${context.cni} enforces NetworkPolicy`, 'Check that your CNI enforces NetworkPolicy (test a default-deny in a scratch namespace).'));
      }
    }
    const selectedKeys = new Set<string>();
    for (const p of [...policies, ...(context.otherPolicies ?? [])]) {
      for (const rule of [...(p.spec.ingress ?? []).map((r) => r.from), ...(p.spec.egress ?? []).map((r) => r.to)]) {
        for (const peer of rule ?? []) {
          const s = peer.namespaceSelector;
          if (!s) continue;
          for (const k of Object.keys(s.matchLabels ?? {})) selectedKeys.add(k);
          for (const e of s.matchExpressions ?? []) if (e.operator === 'In' || e.operator === 'Exists') selectedKeys.add(e.key);
        }
      }
    }
    for (const ns of policiesOnly ? [] : [...nsLabels.keys()].sort(compareStrings)) {
      const labels = nsLabels.get(ns)!;
      const missing = [...selectedKeys].filter((k) => !(k in labels)).sort(compareStrings);
      const given = !!context.tiers && Object.prototype.hasOwnProperty.call(context.tiers, ns);
      const system = ns.startsWith('kube-');
      const noTier = !given && !system && !TIER_LABEL_KEYS.some((k) => k in labels);
      const bare = Object.keys(labels).every((k) => k === NAMESPACE_NAME_LABEL);
      const problems: string[] = [];
      if (missing.length) problems.push(`lacks ${missing.join(', ')}, which policies select namespaces on`);
      const hinted = /-(prod|production|prd)$/.test(ns) ? 'prod' : /-(staging|stage|stg)$/.test(ns) ? 'staging' : /-(dev|development)$/.test(ns) ? 'dev' : undefined;
      if (noTier) problems.push(`has no environment/env/tier label${bare ? ' (no label at all)' : ''}${hinted ? `, although its name suggests ${hinted}` : ''}, so its tier is unknown and cross-tier traffic cannot be caught`);
      if (problems.length) {
        out.push(
          finding(
            'namespace-missing-labels',
            `Namespace ${ns}`,
            `namespace ${ns} ${problems.join('; ')}`,
            `kubectl label namespace ${ns} ${[...missing.map((k) => `${k}=<value>`), ...(noTier ? ['environment=<production|staging|development>'] : [])].join(' ')}`,
            missing.length || bare ? 'warning' : 'info',
          ),
        );
      }
    }
  }

  // ---- per policy ----
  const flat: FlatRule[] = [];
  const invalid = new Set<NetworkPolicy>();
  const dnsPods = (podsByNs.get(dnsNamespace) ?? []).filter((p) => Object.entries(dnsLabels).every(([k, v]) => p.labels[k] === v));
  const dnsMatch = compileSelector({ matchLabels: dnsLabels });
  policies.forEach((policy, policyIndex) => {
    const name = `${policy.metadata.namespace}/${policy.metadata.name}`;
    const object = `NetworkPolicy ${name}`;
    const issues = validateNetworkPolicy(policy);
    if (issues.length) invalid.add(policy);
    if (issues.length) {
      for (const issue of issues) out.push(finding('invalid-policy', object, issue.message, `Fix ${issue.field}: the API server rejects this policy.`));
      return;
    }
    const ns = policy.metadata.namespace;
    const podSelector = policy.spec.podSelector ?? {};
    const selected = podsSelectedBy(ns, podSelector);
    if (!policiesOnly && selected.length === 0 && !isEmptySelector(podSelector)) {
      out.push(
        finding('policy-selects-no-pod', object, `spec.podSelector (${selectorKey(podSelector)}) selects no pod of ${ns}: the policy does nothing`, 'Fix the selector to the labels the pods really carry, or delete the policy.'),
      );
    }
    const types = effectivePolicyTypes(policy.spec);
    const isPublicEntry = policy.metadata.labels?.['bulkhead.io/purpose'] === 'public-entry';
    const selectsDns = ns === dnsNamespace && !isEmptySelector(podSelector) && dnsMatch(podSelector.matchLabels ?? {});
    for (const direction of ['ingress', 'egress'] as const) {
      if (!types[direction]) continue;
      const rules = direction === 'ingress' ? (policy.spec.ingress ?? []) : (policy.spec.egress ?? []);
      rules.forEach((rule, index) => {
        const peers = direction === 'ingress' ? (rule as { from?: NetworkPolicyPeer[] }).from : (rule as { to?: NetworkPolicyPeer[] }).to;
        const field = `spec.${direction}[${index}]`;
        flat.push({ policy, policyIndex, name, direction, index, peers: peers && peers.length ? peers : undefined, ports: rule.ports && rule.ports.length ? rule.ports : undefined });
        const dnsOnly = (rule.ports ?? []).length > 0 && (rule.ports ?? []).every((p) => p.port === 53 || p.port === 'dns' || p.port === 'dns-tcp');
        if (direction === 'ingress' && (!peers || peers.length === 0)) {
          out.push(
            finding(
              'ingress-from-anywhere',
              object,
              `${field} has no \`from\`: it admits every source, inside and outside the cluster${rule.ports?.length ? '' : ', on every port'}`,
              'Name the sources with namespaceSelector AND podSelector (or ipBlock for outside clients).',
              selectsDns && dnsOnly ? 'info' : 'warning',
            ),
          );
        }
        (peers ?? []).forEach((peer, p) => {
          const peerField = `${field}.${direction === 'ingress' ? 'from' : 'to'}[${p}]`;
          if (peer.ipBlock) {
            const cidr = parseCidr(peer.ipBlock.cidr);
            if (direction === 'ingress' && cidr && cidr.prefix === 0) {
              out.push(
                finding(
                  'ingress-from-anywhere',
                  object,
                  `${peerField}.ipBlock ${peer.ipBlock.cidr}${peer.ipBlock.except?.length ? ` (except ${peer.ipBlock.except.join(', ')})` : ''} admits the whole internet${isPublicEntry ? ': intended for a public entry point, check the ports' : ''}`,
                  'Restrict to the client or load-balancer CIDRs that really connect.',
                  isPublicEntry ? 'info' : 'warning',
                ),
              );
            }
            return;
          }
          if (peer.namespaceSelector && isEmptySelector(peer.namespaceSelector)) {
            const intended = selectsDns && dnsOnly && direction === 'ingress';
            out.push(
              finding(
                'wildcard-namespace-selector',
                object,
                `${peerField}.namespaceSelector is {}: it matches every namespace${intended ? ' (intended: every pod must reach the cluster DNS)' : ', not "no namespace"'}`,
                'Name the namespace: namespaceSelector.matchLabels {kubernetes.io/metadata.name: <namespace>}.',
                intended ? 'info' : 'warning',
              ),
            );
          }
          if (peer.namespaceSelector && !peer.podSelector) {
            out.push(
              finding(
                'namespace-selector-without-pod-selector',
                object,
                `${peerField} has a namespaceSelector but no podSelector: every pod of ${peer.namespaceSelector && isEmptySelector(peer.namespaceSelector) ? 'every namespace' : 'the selected namespaces'} matches`,
                'Add a podSelector in the SAME peer (no dash before it) naming the workload.',
              ),
            );
          }
          const isWildcard = (!peer.namespaceSelector || isEmptySelector(peer.namespaceSelector)) && (!peer.podSelector || isEmptySelector(peer.podSelector));
          if (!policiesOnly && !isWildcard && peerPods(peer, ns).length === 0) {
            out.push(
              finding(
                'selector-matches-nothing',
                object,
                `${peerField} (${describePeer(peer)}) matches no pod of the cluster`,
                'Check the labels of the namespace and pods it should name (kubectl get ns,pods --show-labels).',
              ),
            );
          }
        });
        // Named ports must resolve on the destination.
        const named = (rule.ports ?? []).filter((p) => typeof p.port === 'string');
        if (named.length && !policiesOnly) {
          const destinations = direction === 'ingress' ? selected : peers && peers.length ? peers.flatMap((peer) => peerPods(peer, ns)) : inventory.pods;
          for (const p of named) {
            const protocol = p.protocol ?? 'TCP';
            if (!destinations.some((d) => d.ports.some((cp) => cp.name === p.port && cp.protocol === protocol))) {
              out.push(
                finding(
                  'named-port-unresolved',
                  object,
                  `${field}.ports: no ${direction === 'ingress' ? 'selected' : 'destination'} pod declares a ${protocol} port named "${String(p.port)}": the rule matches nothing`,
                  'Use the port number, or the name the container really declares.',
                ),
              );
            }
          }
        }
      });
    }
  });

  // ---- DNS reachability, by the engine ----
  const valid = policies.filter((p) => !invalid.has(p));
  const egressIsolating = valid.filter((p) => effectivePolicyTypes(p.spec).egress);
  if (egressIsolating.length > 0 || dnsPods.length > 0) {
    const engine = engineFor(inventory, valid.length === policies.length ? policies : valid);
    const dnsPod = dnsPods.find((p) => !p.synthetic) ?? dnsPods[0];
    const failedEgress = new Map<string, string[]>();
    const failedIngress = new Map<string, string[]>();
    if (dnsPod) {
      const isolatedNs = new Set(egressIsolating.map((p) => p.metadata.namespace));
      for (const pod of inventory.pods) {
        const verdict = engine.evaluate({ from: { pod }, to: { pod: dnsPod }, port: 53, protocol: 'UDP' });
        if (isolatedNs.has(pod.namespace) && !verdict.egress.allowed) (failedEgress.get(pod.namespace) ?? failedEgress.set(pod.namespace, []).get(pod.namespace)!).push(pod.name);
        else if (verdict.egress.allowed && !verdict.ingress.allowed) (failedIngress.get(pod.namespace) ?? failedIngress.set(pod.namespace, []).get(pod.namespace)!).push(pod.name);
      }
    } else {
      // No DNS pod in the inventory: a policy-level check, any egress rule open to 53/UDP counts.
      const opensDns = new Set<string>();
      for (const r of flat) if (r.direction === 'egress' && (!r.ports || r.ports.some((p) => (p.protocol ?? 'TCP') === 'UDP' && (p.port === undefined || p.port === 53 || (typeof p.port === 'number' && p.port <= 53 && (p.endPort ?? p.port) >= 53))))) opensDns.add(r.policy.metadata.namespace);
      for (const p of egressIsolating) if (!opensDns.has(p.metadata.namespace)) failedEgress.set(p.metadata.namespace, podsSelectedBy(p.metadata.namespace, p.spec.podSelector ?? {}).map((x) => x.name));
    }
    for (const [ns, pods] of [...failedEgress].sort(([a], [b]) => compareStrings(a, b))) {
      out.push(
        finding(
          'default-deny-egress-without-dns',
          `Namespace ${ns}`,
          `egress is denied by default in ${ns} but ${pods.length ? `${pods.length} pod(s) (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''})` : 'its pods'} cannot reach the cluster DNS on 53/UDP: every service name lookup will fail`,
          `Add an egress allow to namespaceSelector {kubernetes.io/metadata.name: ${dnsNamespace}} AND podSelector {${Object.entries(dnsLabels).map(([k, v]) => `${k}: ${v}`).join(', ')}} on 53/UDP and 53/TCP.`,
        ),
      );
    }
    for (const [ns, pods] of [...failedIngress].sort(([a], [b]) => compareStrings(a, b))) {
      out.push(
        finding(
          'dns-server-ingress-closed',
          `Namespace ${ns}`,
          `the cluster DNS pods do not accept queries from ${pods.length} pod(s) of ${ns} (${pods.slice(0, 3).join(', ')}${pods.length > 3 ? ', ...' : ''})`,
          `Allow ingress to the DNS pods of ${dnsNamespace} on 53/UDP and 53/TCP from every namespace.`,
        ),
      );
    }
  }

  // ---- duplicate and shadowed rules ----
  out.push(...shadowing(flat, (peer, ns) => peerPods(peer, ns), (p) => podsSelectedBy(p.metadata.namespace, p.spec.podSelector ?? {}), podIndex));

  return out.sort(
    (a, b) =>
      severityRank(a.severity) - severityRank(b.severity) || compareStrings(a.rule, b.rule) || compareStrings(a.object, b.object) || compareStrings(a.message, b.message),
  );
}

function severityRank(s: LintFinding['severity']): number {
  return s === 'error' ? 0 : s === 'warning' ? 1 : 2;
}

export function describePeer(peer: NetworkPolicyPeer): string {
  if (peer.ipBlock) return `ipBlock ${peer.ipBlock.cidr}`;
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector {${selectorKey(peer.namespaceSelector)}}`);
  if (peer.podSelector) parts.push(`podSelector {${selectorKey(peer.podSelector)}}`);
  return parts.join(' AND ');
}

/** A rule reduced to sets: the pods it applies to, the pod / CIDR peers it admits, the ports it opens. */
interface RuleSets {
  rule: FlatRule;
  subjects: Set<number>;
  /** null: every peer. */
  pods: Set<number> | null;
  cidrs: { cidr: Cidr; except: Cidr[] }[];
  ports: NetworkPolicyPort[] | null;
}

const ruleText = (r: RuleSets) => JSON.stringify([r.rule.peers ?? null, r.rule.ports ?? null]);

function shadowing(
  flat: FlatRule[],
  peerPods: (peer: NetworkPolicyPeer, ns: string) => InventoryPod[],
  subjectsOf: (p: NetworkPolicy) => InventoryPod[],
  podIndex: Map<InventoryPod, number>,
): LintFinding[] {
  const out: LintFinding[] = [];
  const groups = new Map<string, RuleSets[]>();
  // Pod lists come from caches, so their sets are built once per distinct selector.
  const sets = new Map<InventoryPod[], Set<number>>();
  const setOf = (pods: InventoryPod[]) => {
    let set = sets.get(pods);
    if (!set) sets.set(pods, (set = new Set(pods.map((p) => podIndex.get(p)!))));
    return set;
  };
  for (const rule of flat) {
    const subjects = setOf(subjectsOf(rule.policy));
    if (subjects.size === 0) continue;
    let pods: Set<number> | null = null;
    const cidrs: RuleSets['cidrs'] = [];
    if (rule.peers) {
      const selectorPeers = rule.peers.filter((peer) => !peer.ipBlock);
      pods = selectorPeers.length === 1 ? setOf(peerPods(selectorPeers[0], rule.policy.metadata.namespace)) : new Set();
      for (const peer of rule.peers) {
        if (peer.ipBlock) {
          const cidr = parseCidr(peer.ipBlock.cidr);
          if (cidr) cidrs.push({ cidr, except: (peer.ipBlock.except ?? []).map(parseCidr).filter((c): c is Cidr => !!c) });
        } else if (selectorPeers.length > 1) for (const p of peerPods(peer, rule.policy.metadata.namespace)) pods.add(podIndex.get(p)!);
      }
    }
    const k = `${rule.policy.metadata.namespace}|${rule.direction}`;
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push({ rule, subjects, pods, cidrs, ports: rule.ports ?? null });
  }
  for (const group of groups.values()) {
    if (group.length > 3000) continue; // quadratic: leave giant namespaces alone
    for (let i = 0; i < group.length; i++) {
      const a = group[i];
      for (let j = 0; j < group.length; j++) {
        if (i === j) continue;
        const b = group[j];
        if (!portsCovered(a.ports, b.ports) || !subset(a.subjects, b.subjects) || !peersCovered(a, b)) continue;
        const equal = a.subjects.size === b.subjects.size && ruleText(a) === ruleText(b);
        if (equal && j > i) continue; // report the later of two duplicates only
        const where = `${a.rule.direction}[${a.rule.index}]`;
        const by = `${b.rule.name} ${b.rule.direction}[${b.rule.index}]`;
        out.push(
          equal
            ? finding('duplicate-rule', `NetworkPolicy ${a.rule.name}`, `spec.${where} duplicates ${by}`, 'Delete one of the two rules.')
            : finding('shadowed-rule', `NetworkPolicy ${a.rule.name}`, `spec.${where} is shadowed by ${by}, which already allows all it allows to the same pods`, 'Delete the narrower rule, or narrow the broader one if it allows too much.'),
        );
        break;
      }
    }
  }
  return out;
}

function subset(a: Set<number>, b: Set<number>): boolean {
  if (a === b) return true;
  if (a.size > b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function peersCovered(a: RuleSets, b: RuleSets): boolean {
  if (b.pods === null) return true;
  if (a.pods === null) return false;
  if (!subset(a.pods, b.pods)) return false;
  return a.cidrs.every((x) =>
    b.cidrs.some(
      (y) =>
        x.cidr.family === y.cidr.family &&
        x.cidr.prefix >= y.cidr.prefix &&
        cidrContains(y.cidr, { family: x.cidr.family, value: x.cidr.network, v4: x.cidr.v4Network }) &&
        y.except.every((e) => x.except.some((xe) => xe.prefix <= e.prefix && cidrContains(xe, { family: e.family, value: e.network, v4: e.v4Network })) || !overlaps(e, x.cidr)),
    ),
  );
}

function overlaps(a: Cidr, b: Cidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = a.prefix <= b.prefix ? a : b;
  const longer = shorter === a ? b : a;
  return cidrContains(shorter, { family: longer.family, value: longer.network, v4: longer.v4Network });
}

function portsCovered(a: NetworkPolicyPort[] | null, b: NetworkPolicyPort[] | null): boolean {
  if (b === null) return true;
  if (a === null) return false;
  return a.every((x) =>
    b.some((y) => {
      if ((x.protocol ?? 'TCP') !== (y.protocol ?? 'TCP')) return false;
      if (y.port === undefined) return true;
      if (x.port === undefined) return false;
      if (typeof x.port === 'string' || typeof y.port === 'string') return x.port === y.port;
      const xlo = x.port;
      const xhi = x.endPort ?? x.port;
      return xlo >= y.port && xhi <= (y.endPort ?? y.port);
    }),
  );
}
