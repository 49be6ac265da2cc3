// Stage 4, its last step, merging: a port opened to a peer is dropped from a draft when another rule of the same
// namespace and direction already opens it to a peer at least as wide, for pods at least as wide (workloads that
// their labels cannot tell apart share one selector, and a policy for every pod covers the others). Its evidence
// moves to the rule that keeps it. So the plan never holds the duplicate or shadowed rules its own lint reports,
// and what it allows does not change: each dropped port stays open through the rule that covers it.
// Containment is read from the selectors' text (a selector whose requirements are a subset of another's selects
// at least as much, whatever the inventory) and from the ipBlocks' addresses. Wider selectors are found by
// looking up the subsets of a selector's requirements, so a namespace with thousands of peers stays linear.
import { type Cidr, type LabelSelector, type NetworkPolicyPort, cidrContains, parseCidr } from '@bulkhead/netpol';
import { compareStrings } from '../selectors';
import type { Direction, PolicyBook, PolicyDraft, RuleDraft } from './policy-book';

/** A peer as its requirements (sorted; `key` names them), or as the addresses of its ipBlock. */
type PeerShape =
  | { kind: 'selector'; key: string; namespace: readonly string[] | null; pod: readonly string[] | null }
  | { kind: 'ip'; key: string; cidr: Cidr; except: (Cidr | undefined)[] };

/** One port of one rule of one draft: what a rule allows, one port at a time. */
interface OpenPort {
  draft: PolicyDraft;
  /** The key of the draft's pod selector's requirements, and the keys of every selector at least as wide. */
  subjectKey: string;
  widerSubjects: readonly string[];
  rule: RuleDraft;
  /** The rule's key in its draft (the peer's key). */
  ruleKey: string;
  peer: PeerShape;
  port: NetworkPolicyPort;
  /** Place in the plan's order (drafts by name, then rules by peer, then the rule's ports): the first of equal ports stays. */
  order: number;
}

/** Past this many requirements, a selector is compared only with equal ones (generated selectors hold a few). */
const MAX_REQUIREMENTS_GENERALIZED = 10;

export function mergeCoveredRules(book: PolicyBook): void {
  const byNamespace = new Map<string, PolicyDraft[]>();
  for (const draft of book.drafts.values()) {
    let drafts = byNamespace.get(draft.namespace);
    if (!drafts) byNamespace.set(draft.namespace, (drafts = []));
    drafts.push(draft);
  }
  const shapes = new Shapes();
  for (const drafts of byNamespace.values()) {
    drafts.sort((a, b) => compareStrings(a.name, b.name));
    mergeDirection(drafts, 'ingress', shapes);
    mergeDirection(drafts, 'egress', shapes);
  }
}

function mergeDirection(drafts: readonly PolicyDraft[], direction: Direction, shapes: Shapes): void {
  // Only the same port can cover a port: generated rules name single ports.
  const byPort = new Map<string, OpenPort[]>();
  let order = 0;
  for (const draft of drafts) {
    const byPeer = direction === 'ingress' ? draft.ingress : draft.egress;
    if (byPeer.size === 0) continue;
    const rules = byPeer.size === 1 ? [...byPeer] : [...byPeer].sort(([a], [b]) => compareStrings(a, b));
    const subject = shapes.requirements(draft.podSelector);
    const subjectKey = subject.join('&');
    const widerSubjects = shapes.generalizations(subject);
    for (const [ruleKey, rule] of rules) {
      const peer = shapes.peer(ruleKey, rule);
      for (const port of rule.ports) {
        const key = portKey(port);
        let open = byPort.get(key);
        if (!open) byPort.set(key, (open = []));
        open.push({ draft, subjectKey, widerSubjects, rule, ruleKey, peer, port, order: order++ });
      }
    }
  }
  for (const open of byPort.values()) if (open.length > 1) new PortIndex(open, shapes).merge(direction);
}

const portKeys = new WeakMap<NetworkPolicyPort, string>();
/** A port's identity by value (memoized on the object: drafts share port objects). */
function portKey(port: NetworkPolicyPort): string {
  let key = portKeys.get(port);
  if (key === undefined) portKeys.set(port, (key = `${port.protocol ?? 'TCP'}/${String(port.port ?? '')}/${String(port.endPort ?? '')}`));
  return key;
}

/** The open ports of one port of one namespace and direction, indexed by subject and peer. */
class PortIndex {
  private readonly bySubject = new Map<string, { bySelectorPeer: Map<string, OpenPort[]>; ipBlocks: OpenPort[] }>();

  constructor(
    private readonly open: readonly OpenPort[],
    private readonly shapes: Shapes,
  ) {
    for (const port of open) {
      let group = this.bySubject.get(port.subjectKey);
      if (!group) this.bySubject.set(port.subjectKey, (group = { bySelectorPeer: new Map(), ipBlocks: [] }));
      if (port.peer.kind === 'ip') group.ipBlocks.push(port);
      else {
        let list = group.bySelectorPeer.get(port.peer.key);
        if (!list) group.bySelectorPeer.set(port.peer.key, (list = []));
        list.push(port);
      }
    }
  }

  merge(direction: Direction): void {
    const keepers = new Map<OpenPort, OpenPort>();
    // Following dominators upwards ends at a port that stays: the order is strict.
    const keeperOf = (port: OpenPort): OpenPort => {
      let keeper = keepers.get(port);
      if (!keeper) {
        const above = this.dominator(port);
        keepers.set(port, (keeper = above ? keeperOf(above) : port));
      }
      return keeper;
    };
    for (const narrow of this.open) {
      const keeper = keeperOf(narrow);
      if (keeper !== narrow) dropPort(narrow, keeper, direction);
    }
  }

  /** The first open port that covers `narrow` and is not covered back, or is covered back but comes first. */
  private dominator(narrow: OpenPort): OpenPort | undefined {
    let first: OpenPort | undefined;
    const consider = (wide: OpenPort) => {
      if (wide === narrow || (first && first.order < wide.order)) return;
      if (wide.order < narrow.order || !coveredBack(wide, narrow)) first = wide;
    };
    const peer = narrow.peer;
    const widerPeers = peer.kind === 'selector' ? this.shapes.peerGeneralizations(peer) : [];
    for (const subjectKey of narrow.widerSubjects) {
      const group = this.bySubject.get(subjectKey);
      if (!group) continue;
      if (peer.kind === 'ip') {
        for (const wide of group.ipBlocks) if (wide.peer.kind === 'ip' && ipBlockContains(wide.peer, peer)) consider(wide);
      } else
        for (const peerKey of widerPeers) {
          const list = group.bySelectorPeer.get(peerKey);
          if (list) for (const wide of list) consider(wide);
        }
    }
    return first;
  }
}

/** Whether `narrow`, known to be covered by `wide`, covers it in turn (both are the same set). */
function coveredBack(wide: OpenPort, narrow: OpenPort): boolean {
  if (wide.subjectKey !== narrow.subjectKey) return false;
  if (wide.peer.kind === 'ip' && narrow.peer.kind === 'ip') return ipBlockContains(narrow.peer, wide.peer);
  return wide.peer.key === narrow.peer.key;
}

/** Moves the evidence of `narrow`'s port to `keeper`'s rule, and drops the port (and the rule, once empty). */
function dropPort(narrow: OpenPort, keeper: OpenPort, direction: Direction): void {
  const { rule } = narrow;
  const suffix = `|${narrow.port.protocol ?? 'TCP'}|${String(narrow.port.port)}`;
  rule.ports = rule.ports.filter((port) => port !== narrow.port);
  const moved = rule.ports.length === 0 ? rule.edges : rule.edges.filter((edge) => edge.key.endsWith(suffix));
  for (const edge of moved) if (!keeper.rule.edges.includes(edge)) keeper.rule.edges.push(edge);
  rule.edges = rule.edges.filter((edge) => !moved.includes(edge));
  if (rule.ports.length === 0) (direction === 'ingress' ? narrow.draft.ingress : narrow.draft.egress).delete(narrow.ruleKey);
}

/** Selectors and peers read as requirements, and the keys of their generalizations, each computed once. */
class Shapes {
  private readonly peers = new Map<string, PeerShape>();
  private readonly subsets = new Map<string, string[]>();
  private readonly peerSubsets = new Map<string, string[]>();

  /** `key=value` per matchLabels entry and `key operator (values)` per expression, sorted. */
  requirements(selector: LabelSelector): string[] {
    const labels = Object.entries(selector.matchLabels ?? {}).map(([key, value]) => `${key}=${value}`);
    const expressions = (selector.matchExpressions ?? []).map(
      (e) => `${e.key} ${e.operator} (${[...(e.values ?? [])].sort(compareStrings).join(',')})`,
    );
    return [...labels, ...expressions].sort(compareStrings);
  }

  peer(ruleKey: string, rule: RuleDraft): PeerShape {
    let shape = this.peers.get(ruleKey);
    if (!shape) {
      const { ipBlock, namespaceSelector, podSelector } = rule.peer;
      const cidr = ipBlock ? parseCidr(ipBlock.cidr) : undefined;
      if (ipBlock && cidr) shape = { kind: 'ip', key: ruleKey, cidr, except: (ipBlock.except ?? []).map(parseCidr) };
      else {
        const namespace = namespaceSelector ? this.requirements(namespaceSelector) : null;
        const pod = podSelector ? this.requirements(podSelector) : null;
        shape = { kind: 'selector', key: selectorPeerKey(namespace?.join('&') ?? null, pod?.join('&') ?? null), namespace, pod };
      }
      this.peers.set(ruleKey, shape);
    }
    return shape;
  }

  /** Keys of every subset of `requirements` (each a selector at least as wide), itself included. */
  generalizations(requirements: readonly string[]): string[] {
    const key = requirements.join('&');
    let keys = this.subsets.get(key);
    if (!keys) {
      if (requirements.length > MAX_REQUIREMENTS_GENERALIZED) keys = [key];
      else {
        keys = [];
        for (let mask = 0; mask < 1 << requirements.length; mask++) keys.push(requirements.filter((_, i) => mask & (1 << i)).join('&'));
      }
      this.subsets.set(key, keys);
    }
    return keys;
  }

  /** Keys of every peer at least as wide as a selector peer: the same namespace and pod selectors, or subsets of them. */
  peerGeneralizations(peer: Extract<PeerShape, { kind: 'selector' }>): string[] {
    let keys = this.peerSubsets.get(peer.key);
    if (!keys) {
      const namespaces = peer.namespace ? this.generalizations(peer.namespace) : [null];
      const pods = peer.pod ? this.generalizations(peer.pod) : [null];
      keys = namespaces.flatMap((namespace) => pods.map((pod) => selectorPeerKey(namespace, pod)));
      this.peerSubsets.set(peer.key, keys);
    }
    return keys;
  }
}

const selectorPeerKey = (namespace: string | null, pod: string | null) => `sel|${namespace ?? '-'}|${pod ?? '-'}`;

/** Whether every address of `narrow` is one of `wide`'s. */
function ipBlockContains(wide: Extract<PeerShape, { kind: 'ip' }>, narrow: Extract<PeerShape, { kind: 'ip' }>): boolean {
  if (!within(narrow.cidr, wide.cidr)) return false;
  // Every address `wide` carves out of `narrow.cidr` must be carved out of `narrow` as well.
  return wide.except.every((hole) => {
    if (!hole || within(narrow.cidr, hole)) return false; // `narrow` lies in the hole
    if (!within(hole, narrow.cidr)) return true; // CIDRs nest or are disjoint: this one is disjoint from `narrow`
    return narrow.except.some((own) => own !== undefined && within(hole, own));
  });
}

/** Whether every address of `inner` is in `outer`. */
function within(inner: Cidr, outer: Cidr): boolean {
  return (
    inner.family === outer.family &&
    inner.prefix >= outer.prefix &&
    cidrContains(outer, { family: inner.family, value: inner.network, v4: inner.v4Network })
  );
}
