// Stage 4, its last step, merging: a port opened to a peer is dropped from a draft when another rule of the same namespace
// and direction already opens it to a peer at least as wide, for pods at least as wide (workloads that their
// labels cannot tell apart share one selector, and a policy for every pod covers the others). Its evidence
// moves to the rule that keeps it. So the plan never holds the duplicate or shadowed rules its own lint
// reports, and what it allows does not change: each dropped port stays open through the rule that covers it.
// Containment is read from the selectors' text (a selector that asks for less selects at least as much),
// which holds for every inventory, and from the ipBlocks' addresses.
import {
  type Cidr,
  type LabelSelector,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  cidrContains,
  parseCidr,
  selectorKey,
} from '@bulkhead/netpol';
import { compareStrings } from '../selectors';
import type { Direction, PolicyBook, PolicyDraft, RuleDraft } from './policy-book';

/** One port of one rule of one draft: what a rule allows, one port at a time. */
interface OpenPort {
  draft: PolicyDraft;
  /** `selectorKey` of the draft's pod selector. */
  subjectKey: string;
  rule: RuleDraft;
  peerKey: string;
  port: NetworkPolicyPort;
  /** Place in the plan's order (drafts by name, rules by peer, ports by key): the first of equal ports stays. */
  order: number;
}

export function mergeCoveredRules(book: PolicyBook): void {
  const byNamespace = new Map<string, PolicyDraft[]>();
  for (const draft of book.drafts.values()) {
    let drafts = byNamespace.get(draft.namespace);
    if (!drafts) byNamespace.set(draft.namespace, (drafts = []));
    drafts.push(draft);
  }
  for (const drafts of byNamespace.values()) {
    drafts.sort((a, b) => compareStrings(a.name, b.name));
    mergeDirection(drafts, 'ingress');
    mergeDirection(drafts, 'egress');
  }
}

function mergeDirection(drafts: readonly PolicyDraft[], direction: Direction): void {
  // Open ports by port key: only the same port can cover a port (generated rules name single ports).
  const byPort = new Map<string, OpenPort[]>();
  let order = 0;
  for (const draft of drafts) {
    const rules = [...(direction === 'ingress' ? draft.ingress : draft.egress).entries()].sort(([a], [b]) => compareStrings(a, b));
    if (rules.length === 0) continue;
    const subjectKey = selectorKey(draft.podSelector);
    for (const [ruleKey, rule] of rules)
      for (const port of rule.ports) {
        const key = portKey(port);
        let list = byPort.get(key);
        if (!list) byPort.set(key, (list = []));
        list.push({ draft, subjectKey, rule, peerKey: ruleKey, port, order: order++ });
      }
  }
  if (byPort.size === 0) return;
  const coverage = new Coverage();
  for (const open of byPort.values()) {
    if (open.length < 2) continue;
    // A port is dropped when another covers it and is not covered back, or covers it both ways and comes
    // first. That order is strict, so following it upwards always ends at a port that stays.
    const dominates = (a: OpenPort, b: OpenPort) => a !== b && coverage.covers(a, b) && (a.order < b.order || !coverage.covers(b, a));
    const keeperOf = (port: OpenPort): OpenPort => {
      const above = open.find((wide) => dominates(wide, port));
      return above ? keeperOf(above) : port;
    };
    for (const narrow of open) {
      const keeper = keeperOf(narrow);
      if (keeper !== narrow) dropPort(narrow, keeper, direction);
    }
  }
}

/** Moves the evidence of `narrow`'s port to `keeper`'s rule, and drops the port (and the rule, once empty). */
function dropPort(narrow: OpenPort, keeper: OpenPort, direction: Direction): void {
  const { rule } = narrow;
  const suffix = `|${narrow.port.protocol ?? 'TCP'}|${String(narrow.port.port)}`;
  rule.ports = rule.ports.filter((port) => port !== narrow.port);
  const moved = rule.ports.length === 0 ? rule.edges : rule.edges.filter((edge) => edge.key.endsWith(suffix));
  for (const edge of moved) if (!keeper.rule.edges.includes(edge)) keeper.rule.edges.push(edge);
  rule.edges = rule.edges.filter((edge) => !moved.includes(edge));
  if (rule.ports.length === 0) {
    const rules = direction === 'ingress' ? narrow.draft.ingress : narrow.draft.egress;
    rules.delete(narrow.peerKey);
  }
}

const portKey = (port: NetworkPolicyPort) => `${port.protocol ?? 'TCP'}/${String(port.port ?? '')}/${String(port.endPort ?? '')}`;

/** Whether one open port's pods and peer contain another's, memoized by the selectors' and peers' keys. */
class Coverage {
  private readonly subjects = new Map<string, boolean>();
  private readonly peers = new Map<string, boolean>();

  covers(wide: OpenPort, narrow: OpenPort): boolean {
    return this.subjectContains(wide, narrow) && this.peerContains(wide, narrow);
  }

  private subjectContains(wide: OpenPort, narrow: OpenPort): boolean {
    if (wide.subjectKey === narrow.subjectKey) return true;
    const key = `${wide.subjectKey}\n${narrow.subjectKey}`;
    let answer = this.subjects.get(key);
    if (answer === undefined) this.subjects.set(key, (answer = selectorContains(wide.draft.podSelector, narrow.draft.podSelector)));
    return answer;
  }

  private peerContains(wide: OpenPort, narrow: OpenPort): boolean {
    if (wide.peerKey === narrow.peerKey) return true;
    const key = `${wide.peerKey}\n${narrow.peerKey}`;
    let answer = this.peers.get(key);
    if (answer === undefined) this.peers.set(key, (answer = peerContains(wide.rule.peer, narrow.rule.peer)));
    return answer;
  }
}

function peerContains(wide: NetworkPolicyPeer, narrow: NetworkPolicyPeer): boolean {
  if (wide.ipBlock || narrow.ipBlock) return !!wide.ipBlock && !!narrow.ipBlock && ipBlockContains(wide.ipBlock, narrow.ipBlock);
  return (
    optionalSelectorContains(wide.namespaceSelector, narrow.namespaceSelector) &&
    optionalSelectorContains(wide.podSelector, narrow.podSelector)
  );
}

/** A missing selector of a peer means "the policy's namespace" or "every pod": contained only by itself. */
function optionalSelectorContains(wide: LabelSelector | undefined, narrow: LabelSelector | undefined): boolean {
  if (wide === undefined || narrow === undefined) return wide === narrow;
  return selectorContains(wide, narrow);
}

/** `wide` selects every object `narrow` selects when each of its requirements is one of `narrow`'s. */
function selectorContains(wide: LabelSelector, narrow: LabelSelector): boolean {
  for (const [key, value] of Object.entries(wide.matchLabels ?? {})) if (narrow.matchLabels?.[key] !== value) return false;
  const narrowExpressions = new Set((narrow.matchExpressions ?? []).map((expression) => selectorKey({ matchExpressions: [expression] })));
  return (wide.matchExpressions ?? []).every(
    (expression) =>
      narrowExpressions.has(selectorKey({ matchExpressions: [expression] })) ||
      (expression.operator === 'Exists' && narrow.matchLabels?.[expression.key] !== undefined),
  );
}

function ipBlockContains(wide: { cidr: string; except?: string[] }, narrow: { cidr: string; except?: string[] }): boolean {
  const outer = parseCidr(wide.cidr);
  const inner = parseCidr(narrow.cidr);
  if (!outer || !inner || !within(inner, outer)) return false;
  // Every address `wide` carves out of `inner` must be carved out of `narrow` as well.
  const narrowExcept = (narrow.except ?? []).map(parseCidr);
  return (wide.except ?? []).every((text) => {
    const hole = parseCidr(text);
    if (!hole || within(inner, hole)) return false; // `narrow` lies in the hole
    if (!within(hole, inner)) return true; // CIDRs nest or are disjoint: this one is disjoint from `narrow`
    return narrowExcept.some((own) => own !== undefined && within(hole, own));
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
