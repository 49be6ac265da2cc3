// Stage 6, assembly: the drafts become NetworkPolicies, sorted by namespace and name. Peers allowed on
// the same ports share one rule; each rule gets its evidence (the edges behind it, their connections and
// time span), summed up in an annotation; each policy is labelled as Bulkhead's, with its purpose.
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '@bulkhead/netpol';
import { maxTime, minTime } from '../edges';
import { compareStrings } from '../selectors';
import type { EdgeEvidence, Purpose, RuleEvidence } from '../types';
import { ANNOTATION_PREFIX, MANAGED_BY, MANAGED_BY_LABEL, PURPOSE_LABEL } from './naming';
import { switchNameOf } from './options';
import type { Direction, PolicyBook, PolicyDraft, RuleDraft } from './policy-book';

const DESCRIPTIONS: Record<Purpose, string> = {
  'default-deny': 'Deny all ingress and egress of every pod of the namespace unless another policy allows it.',
  dns: 'Every pod of the namespace may resolve names through the cluster DNS (53/UDP, 53/TCP).',
  'dns-server': 'The cluster DNS accepts queries from every pod and forwards to the upstream resolvers seen.',
  dependency: 'The dependencies observed in the flows, nothing more.',
  'ingress-controller': 'The ingress controller reaches the backends it exposes, on the ports observed.',
  'public-entry': 'The ingress controller accepts its clients on the ports observed.',
  prometheus: 'Prometheus scrapes the metrics ports observed.',
  'api-server': 'Talks to the Kubernetes API server.',
  'node-traffic': 'Node traffic: the cluster nodes this workload was seen talking with, by address, on the ports observed.',
};

export interface AssembledPolicies {
  /** Sorted by namespace, then name. */
  policies: NetworkPolicy[];
  byNamespace: Record<string, NetworkPolicy[]>;
  evidence: RuleEvidence[];
}

/** Rules of one direction as rendered: the peers that share the same ports. */
interface GroupedRule {
  peers: NetworkPolicyPeer[];
  ports: NetworkPolicyPort[];
  edges: EdgeEvidence[];
}

export function assemblePolicies(book: PolicyBook): AssembledPolicies {
  const evidence: RuleEvidence[] = [];
  const policies: NetworkPolicy[] = [];
  for (const draft of [...book.drafts.values()].sort(
    (a, b) => compareStrings(a.namespace, b.namespace) || compareStrings(a.name, b.name),
  )) {
    // A draft whose every rule was merged into another's has nothing left to say.
    if (!draft.denyAll && draft.ingress.size === 0 && draft.egress.size === 0) continue;
    const qualified = `${draft.namespace}/${draft.name}`;
    const ingress = groupRules(draft.ingress);
    const egress = groupRules(draft.egress);
    const notes: string[] = [];
    const record = (direction: Direction, rules: GroupedRule[]) =>
      rules.forEach((rule, index) => {
        evidence.push(ruleEvidence(qualified, direction, index, draft.purpose, rule.edges));
        if (rule.edges.length) notes.push(`${direction}[${index}]: ${summarize(rule.edges)}`);
      });
    record('ingress', ingress);
    record('egress', egress);
    policies.push(render(draft, ingress, egress, notes));
  }
  const byNamespace: Record<string, NetworkPolicy[]> = {};
  for (const policy of policies) (byNamespace[policy.metadata.namespace] ??= []).push(policy);
  return { policies, byNamespace, evidence };
}

function render(draft: PolicyDraft, ingress: GroupedRule[], egress: GroupedRule[], notes: string[]): NetworkPolicy {
  const policyTypes = draft.denyAll
    ? ['Ingress', 'Egress']
    : [...(ingress.length ? ['Ingress'] : []), ...(egress.length ? ['Egress'] : [])];
  const annotations: Record<string, string> = { [`${ANNOTATION_PREFIX}description`]: DESCRIPTIONS[draft.purpose] };
  if (draft.subject) annotations[`${ANNOTATION_PREFIX}workload`] = draft.subject;
  if (notes.length) annotations[`${ANNOTATION_PREFIX}evidence`] = notes.join('; ');
  const switchName = switchNameOf(draft.purpose);
  if (switchName) annotations[`${ANNOTATION_PREFIX}switch`] = switchName;
  // Copies: drafts share peer, selector and port objects.
  const spec: NetworkPolicy['spec'] = { podSelector: cloneSelector(draft.podSelector), policyTypes };
  if (ingress.length)
    spec.ingress = ingress.map((rule) => ({ from: rule.peers.map(clonePeer), ports: rule.ports.map((port) => ({ ...port })) }));
  if (egress.length)
    spec.egress = egress.map((rule) => ({ to: rule.peers.map(clonePeer), ports: rule.ports.map((port) => ({ ...port })) }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      name: draft.name,
      namespace: draft.namespace,
      labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [PURPOSE_LABEL]: draft.purpose },
      annotations,
    },
    spec,
  };
}

const portKey = (port: NetworkPolicyPort) => `${port.protocol ?? 'TCP'}/${String(port.port ?? '')}`;

function comparePorts(a: NetworkPolicyPort, b: NetworkPolicyPort): number {
  return compareStrings(a.protocol ?? 'TCP', b.protocol ?? 'TCP') || Number(a.port ?? 0) - Number(b.port ?? 0);
}

/** Peers allowed on the same set of ports share one rule; rules ordered by their first peer. */
function groupRules(rules: ReadonlyMap<string, RuleDraft>): GroupedRule[] {
  const groups = new Map<string, { peers: [string, NetworkPolicyPeer][]; ports: NetworkPolicyPort[]; edges: EdgeEvidence[] }>();
  for (const [peerKey, rule] of rules) {
    let ports = rule.ports;
    if (ports.length > 1) {
      const unique = new Map<string, NetworkPolicyPort>();
      for (const port of ports) {
        const key = portKey(port);
        if (!unique.has(key)) unique.set(key, port);
      }
      ports = [...unique.values()].sort(comparePorts);
    }
    const portsKey = ports.length === 1 ? portKey(ports[0]!) : ports.map(portKey).join(',');
    let group = groups.get(portsKey);
    if (!group) groups.set(portsKey, (group = { peers: [], ports, edges: [] }));
    group.peers.push([peerKey, rule.peer]);
    for (const edge of rule.edges) group.edges.push(edge);
  }
  const ordered: (GroupedRule & { firstPeerKey: string; portsKey: string })[] = [];
  for (const [portsKey, group] of groups) {
    if (group.peers.length > 1) group.peers.sort(([a], [b]) => compareStrings(a, b));
    const edges = group.peers.length > 1 ? [...new Set(group.edges)] : group.edges;
    edges.sort((a, b) => compareStrings(a.key, b.key));
    ordered.push({ firstPeerKey: group.peers[0]![0], portsKey, peers: group.peers.map(([, peer]) => peer), ports: group.ports, edges });
  }
  ordered.sort((a, b) => compareStrings(a.firstPeerKey, b.firstPeerKey) || compareStrings(a.portsKey, b.portsKey));
  return ordered.map(({ peers, ports, edges }) => ({ peers, ports, edges }));
}

function ruleEvidence(policy: string, direction: Direction, rule: number, purpose: Purpose, edges: EdgeEvidence[]): RuleEvidence {
  const { connections, firstSeen, lastSeen } = spanOf(edges);
  return { policy, direction, rule, purpose, edges, connections, firstSeen, lastSeen };
}

function spanOf(edges: readonly EdgeEvidence[]): { connections: number; firstSeen: string | null; lastSeen: string | null } {
  let connections = 0;
  let firstSeen: string | null = null;
  let lastSeen: string | null = null;
  for (const edge of edges) {
    connections += edge.connections;
    firstSeen = minTime(firstSeen, edge.firstSeen);
    lastSeen = maxTime(lastSeen, edge.lastSeen);
  }
  return { connections, firstSeen, lastSeen };
}

/** `3 edges, 120 connections 2026-11-01T..2026-11-05T`. */
function summarize(edges: readonly EdgeEvidence[]): string {
  const { connections, firstSeen, lastSeen } = spanOf(edges);
  const span = firstSeen && lastSeen ? ` ${firstSeen}..${lastSeen}` : '';
  return `${edges.length} edge${edges.length === 1 ? '' : 's'}, ${connections} connection${connections === 1 ? '' : 's'}${span}`;
}

function cloneSelector(selector: LabelSelector): LabelSelector {
  const copy: LabelSelector = {};
  if (selector.matchLabels) copy.matchLabels = { ...selector.matchLabels };
  if (selector.matchExpressions)
    copy.matchExpressions = selector.matchExpressions.map((e) => ({ ...e, ...(e.values ? { values: [...e.values] } : {}) }));
  return copy;
}

function clonePeer(peer: NetworkPolicyPeer): NetworkPolicyPeer {
  if (peer.ipBlock) return { ipBlock: { cidr: peer.ipBlock.cidr, ...(peer.ipBlock.except ? { except: [...peer.ipBlock.except] } : {}) } };
  const copy: NetworkPolicyPeer = {};
  if (peer.namespaceSelector) copy.namespaceSelector = cloneSelector(peer.namespaceSelector);
  if (peer.podSelector) copy.podSelector = cloneSelector(peer.podSelector);
  return copy;
}
