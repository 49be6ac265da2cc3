// The policies while they are built: one draft per namespace and name, each holding its rules by peer,
// each rule the ports it opens and the edges that justify it. Peers and ports are shared objects while
// drafting (one per workload, one per protocol and port), so a rule can tell what it already holds.
import { type LabelSelector, type NetworkPolicyPeer, type NetworkPolicyPort, type Protocol, selectorKey } from '@bulkhead/netpol';
import { namespaceSelectorFor, type WorkloadSelection } from '../selectors';
import type { EdgeEvidence, Purpose } from '../types';
import { policyNameFor } from './naming';

export type Direction = 'ingress' | 'egress';

export interface RuleDraft {
  peer: NetworkPolicyPeer;
  /** Mostly shared objects; duplicates by value are removed when rules are grouped. */
  ports: NetworkPolicyPort[];
  /** Each edge is added once per peer; a group of peers de-duplicates. */
  edges: EdgeEvidence[];
}

export interface PolicyDraft {
  namespace: string;
  name: string;
  purpose: Purpose;
  podSelector: LabelSelector;
  /** Rules by peer key. A rule with no edges yet (DNS) still renders. */
  ingress: Map<string, RuleDraft>;
  egress: Map<string, RuleDraft>;
  /** Isolates both directions whatever its rules (the default deny). */
  denyAll?: boolean;
  /** `ns/name` of the workload the policy is for. */
  subject?: string;
}

export class PolicyBook {
  /** By `ns/name` of the policy, in the order they were first asked for. */
  readonly drafts = new Map<string, PolicyDraft>();
  /** Workloads some allow names as its peer: the ones whose selector quality matters (with the subjects). */
  readonly peerWorkloads = new Set<string>();
  private readonly draftsByWorkload = new Map<string, Map<string, PolicyDraft>>();
  private readonly peersByWorkload = new Map<string, NetworkPolicyPeer>();
  private readonly portsByKey = new Map<string, NetworkPolicyPort>();

  constructor(private readonly selections: ReadonlyMap<string, WorkloadSelection>) {}

  /** The draft of `namespace/name`, made with these fields the first time it is asked for. */
  policy(namespace: string, name: string, purpose: Purpose, podSelector: LabelSelector, subject?: string): PolicyDraft {
    const id = `${namespace}/${name}`;
    let draft = this.drafts.get(id);
    if (!draft)
      this.drafts.set(
        id,
        (draft = { namespace, name, purpose, podSelector, ingress: new Map(), egress: new Map(), ...(subject ? { subject } : {}) }),
      );
    return draft;
  }

  /** The policy of one workload for one purpose, `bulkhead-<name>-<suffix>`, selecting the workload's pods. */
  workloadPolicy(workload: string, suffix: string, purpose: Purpose): PolicyDraft {
    let bySuffix = this.draftsByWorkload.get(workload);
    if (!bySuffix) this.draftsByWorkload.set(workload, (bySuffix = new Map()));
    let draft = bySuffix.get(suffix);
    if (!draft) {
      const slash = workload.indexOf('/');
      draft = this.policy(
        workload.slice(0, slash),
        policyNameFor(workload.slice(slash + 1), suffix),
        purpose,
        this.selections.get(workload)!.selector,
        workload,
      );
      bySuffix.set(suffix, draft);
    }
    return draft;
  }

  /** The peer naming a workload: its namespace AND its pod selector. */
  workloadPeer(workload: string): NetworkPolicyPeer {
    let peer = this.peersByWorkload.get(workload);
    if (!peer) {
      this.peerWorkloads.add(workload);
      peer = {
        namespaceSelector: namespaceSelectorFor(workload.slice(0, workload.indexOf('/'))),
        podSelector: this.selections.get(workload)!.selector,
      };
      this.peersByWorkload.set(workload, peer);
    }
    return peer;
  }

  port(protocol: Protocol, port: number): NetworkPolicyPort {
    const key = `${protocol}/${port}`;
    let shared = this.portsByKey.get(key);
    if (!shared) this.portsByKey.set(key, (shared = { protocol, port }));
    return shared;
  }

  /** Opens `ports` to `peer` in the draft, justified by `evidence` when there is one. */
  addRule(
    draft: PolicyDraft,
    direction: Direction,
    peer: NetworkPolicyPeer,
    ports: readonly NetworkPolicyPort[],
    evidence?: EdgeEvidence,
  ): void {
    const rules = direction === 'ingress' ? draft.ingress : draft.egress;
    const key = peerKey(peer);
    let rule = rules.get(key);
    if (!rule) rules.set(key, (rule = { peer, ports: [], edges: [] }));
    for (const port of ports) if (!rule.ports.includes(port)) rule.ports.push(port);
    if (evidence && rule.edges[rule.edges.length - 1] !== evidence) rule.edges.push(evidence);
  }
}

const peerKeys = new WeakMap<NetworkPolicyPeer, string>();
/** A peer's identity by value (memoized on the object): equal peers share one rule. */
export function peerKey(peer: NetworkPolicyPeer): string {
  let key = peerKeys.get(peer);
  if (key === undefined) {
    key = peer.ipBlock
      ? `ip|${peer.ipBlock.cidr}|${(peer.ipBlock.except ?? []).join(',')}`
      : `sel|${peer.namespaceSelector ? selectorKey(peer.namespaceSelector) : '-'}|${peer.podSelector ? selectorKey(peer.podSelector) : '-'}`;
    peerKeys.set(peer, key);
  }
  return key;
}
