// Stage 10, the cluster layer: the guardrails a person switched on, as ClusterNetworkPolicies (v1alpha2), on a
// cluster whose CNI implements them. Each piece is plain data a rollout stage can apply as it is.
//
// The Admin tier comes after every Admin policy the cluster holds from others (higher priorities), so the plan
// never skips or overrides a guardrail already in place. Inside the plan's part, lower priorities first:
//   1. one policy per workload with confirmed cross-tier edges: Pass for exactly those edges (its pods, the peer's
//      pods, the ports), so that NetworkPolicy decides them; each has its own priority, never shared;
//   2. per tier, Pass to the namespaces of the same tier (intraTierPass);
//   3. per tier, Deny to the namespaces of every other tier (tierIsolation).
// Policies of one step select the namespaces of different tiers, so they share a priority without overlapping.
// The confirmed edges are passed rather than accepted: an Accept would decide them before the plan's own
// NetworkPolicy rules for the same edges, leaving those rules dead (lint admin-rule-makes-policy-dead); passed,
// the source's egress rules and the destination's ingress rules still decide, as without the layer.
// The Baseline tier gets one default-deny over `namespaces: {}`, so a namespace created later is covered too.
import { cniClusterPolicySupport } from '@bulkhead/contracts';
import {
  CLUSTER_POLICY_GROUP,
  type ClusterNetworkPolicy,
  type ClusterPolicyEgressRule,
  type ClusterPolicyProtocol,
  type ClusterPolicyTier,
  type Inventory,
  type LabelSelector,
  NAMESPACE_NAME_LABEL,
  type NamespacedPods,
  compareClusterPolicies,
} from '@bulkhead/netpol';
import { isManagedByBulkhead } from '../layers';
import { compareStrings, namespaceSelectorFor, type WorkloadSelection } from '../selectors';
import type { ClusterLayer, GuardrailPiece, GuardrailPieceState, Tier } from '../types';
import type { AllowedEdge, ObservedPort } from './classify-edges';
import type { ClusterScope } from './cluster-scope';
import { MANAGED_BY, MANAGED_BY_LABEL, PURPOSE_LABEL, policyNameFor } from './naming';
import type { ResolvedPlanOptions } from './options';

const API_VERSION = `${CLUSTER_POLICY_GROUP}/v1alpha2`;
const MAX_PRIORITY = 1000;
/** Upstream's limits: rules per direction, and peers or protocols per rule. */
const MAX_RULES = 25;
const MAX_ENTRIES = 25;
const TIERS: readonly Tier[] = ['dev', 'staging', 'prod'];
const PIECES: readonly GuardrailPiece[] = ['tierIsolation', 'baselineDefaultDeny', 'intraTierPass'];
const PURPOSE: Record<GuardrailPiece, string> = {
  tierIsolation: 'tier-isolation',
  baselineDefaultDeny: 'baseline-default-deny',
  intraTierPass: 'intra-tier-pass',
};
const DNS_PROTOCOLS: ClusterPolicyProtocol[] = [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }];
/** Every address, pods' and the outside's: `networks` match pod addresses too, `namespaces: {}` names pods without one. */
const EVERYWHERE = [{ namespaces: {} }, { networks: ['0.0.0.0/0', '::/0'] }];

interface LayerInput {
  inventory: Pick<Inventory, 'clusterPolicies'>;
  cni: string | undefined;
  scope: ClusterScope;
  options: ResolvedPlanOptions;
  allowed: readonly AllowedEdge[];
}

/** A piece's policies, or why it has none. */
type Drafted = { policies: ClusterNetworkPolicy[] } | { reason: string };

export function planClusterLayer(input: LayerInput): ClusterLayer {
  const requested = input.options.clusterLayer;
  const asked = PIECES.filter((piece) => requested[piece]);
  const unsupported = asked.length ? unsupportedBecause(input.cni) : undefined;
  const drafted =
    unsupported === undefined
      ? draftPieces(input)
      : new Map<GuardrailPiece, Drafted>(asked.map((piece) => [piece, { reason: unsupported }]));
  const pieces = PIECES.map((piece): GuardrailPieceState => {
    const state = { piece, requested: requested[piece], included: false, policies: [] as string[] };
    const outcome = drafted.get(piece);
    if (!outcome) return state;
    if ('reason' in outcome) return { ...state, reason: outcome.reason };
    return { ...state, included: true, policies: outcome.policies.map((policy) => policy.metadata.name) };
  });
  const policies = [...drafted.values()]
    .flatMap((outcome) => ('policies' in outcome ? outcome.policies : []))
    .sort((a, b) => compareStrings(a.spec.tier, b.spec.tier) || compareClusterPolicies(a, b));
  return { pieces, policies, ...(policies.length > 0 ? { stage: input.options.guardrailStage } : {}) };
}

/** Why the cluster cannot hold the layer, or undefined when its CNI implements ClusterNetworkPolicy. */
function unsupportedBecause(cni: string | undefined): string | undefined {
  if (cni === undefined)
    return "the cluster's CNI is not known: cannot tell whether anything would enforce ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2); name the CNI to plan the cluster layer";
  const support = cniClusterPolicySupport(cni);
  if (support?.implements) return undefined;
  return support
    ? `the CNI (${cni}) does not implement ClusterNetworkPolicy: the API server would accept the guardrails and nothing would enforce them`
    : `no source we hold says whether the CNI (${cni}) implements ClusterNetworkPolicy, so the plan does not rely on it`;
}

function draftPieces(input: LayerInput): Map<GuardrailPiece, Drafted> {
  const requested = input.options.clusterLayer;
  const tiers = namespacesByTier(input.scope);
  const drafted = new Map<GuardrailPiece, Drafted>();
  if (requested.tierIsolation && tiers.size < 2)
    drafted.set('tierIsolation', { reason: `${tiers.size ? 'one tier has' : 'no tier has'} namespaces: no traffic crosses tiers` });
  if (requested.intraTierPass && tiers.size === 0) drafted.set('intraTierPass', { reason: 'no namespace has a tier' });
  const steps = adminSteps(input, tiers, (piece) => requested[piece] && !drafted.has(piece));
  const admin = freePriorities(input.inventory, 'Admin', steps.length);
  for (const piece of ['tierIsolation', 'intraTierPass'] as const) {
    if (!requested[piece] || drafted.has(piece)) continue;
    drafted.set(
      piece,
      'reason' in admin ? admin : { policies: steps.flatMap((step, at) => (step.piece === piece ? step.policies(admin.first + at) : [])) },
    );
  }
  if (requested.baselineDefaultDeny) {
    const baseline = freePriorities(input.inventory, 'Baseline', 1);
    drafted.set(
      'baselineDefaultDeny',
      'reason' in baseline ? baseline : { policies: [baselineDefaultDeny(baseline.first, input.options)] },
    );
  }
  return drafted;
}

/** One priority of the plan's part of the Admin tier: the policies that share it. */
interface AdminStep {
  piece: GuardrailPiece;
  policies(priority: number): ClusterNetworkPolicy[];
}

function adminSteps(input: LayerInput, tiers: ReadonlyMap<Tier, string[]>, planned: (piece: GuardrailPiece) => boolean): AdminStep[] {
  const steps: AdminStep[] = [];
  if (planned('tierIsolation'))
    for (const passes of crossTierPasses(input)) steps.push({ piece: 'tierIsolation', policies: (priority) => [passes(priority)] });
  if (planned('intraTierPass'))
    steps.push({
      piece: 'intraTierPass',
      policies: (priority) => [...tiers].map(([tier, namespaces]) => intraTierPass(tier, namespaces, priority)),
    });
  if (planned('tierIsolation')) {
    const { switches, dnsNamespace } = input.options;
    const dnsTier = switches.dns ? (input.scope.tiers[dnsNamespace] ?? null) : null;
    steps.push({
      piece: 'tierIsolation',
      policies: (priority) =>
        [...tiers.keys()].map((tier) =>
          tierIsolation(tier, tiers, priority, dnsTier !== null && dnsTier !== tier ? input.options : undefined),
        ),
    });
  }
  return steps;
}

/**
 * The first of `count` priorities of the tier above every one the cluster's other policies use, or why they do
 * not fit below the last (1000).
 */
function freePriorities(
  inventory: LayerInput['inventory'],
  tier: ClusterPolicyTier,
  count: number,
): { first: number } | { reason: string } {
  const taken = (inventory.clusterPolicies ?? [])
    .filter((policy) => policy.spec.tier === tier && !isManagedByBulkhead(policy))
    .map((policy) => policy.spec.priority);
  const first = taken.length ? Math.max(...taken) + 1 : 0;
  if (first + count - 1 <= MAX_PRIORITY) return { first };
  return {
    reason: `the cluster's own ${tier}-tier policies use priorities up to ${first - 1}, and the plan needs ${count} ${tier}-tier priorities after them, up to ${MAX_PRIORITY} at most: free priorities above theirs first`,
  };
}

/** The tiers that have namespaces, each with its namespaces (sorted). */
function namespacesByTier(scope: ClusterScope): Map<Tier, string[]> {
  const byTier = new Map<Tier, string[]>();
  for (const tier of TIERS) {
    const namespaces = scope.namespaces.filter((namespace) => scope.tiers[namespace] === tier);
    if (namespaces.length) byTier.set(tier, namespaces);
  }
  return byTier;
}

/** One Pass policy per source workload of the allowed cross-tier edges (more when its rules outgrow one policy), given its priority. */
function crossTierPasses({ scope, allowed }: LayerInput): ((priority: number) => ClusterNetworkPolicy)[] {
  const portsByPair = new Map<string, Map<string, ObservedPort[]>>();
  for (const edge of allowed) {
    if (edge.kind !== 'between-workloads') continue;
    if (!crossesTier(scope, edge.from, edge.to)) continue;
    let byDestination = portsByPair.get(edge.from);
    if (!byDestination) portsByPair.set(edge.from, (byDestination = new Map()));
    const ports = byDestination.get(edge.to) ?? [];
    byDestination.set(edge.to, ports);
    if (!ports.some((port) => port.protocol === edge.port.protocol && port.port === edge.port.port)) ports.push(edge.port);
  }
  return [...portsByPair]
    .sort(([a], [b]) => compareStrings(a, b))
    .flatMap(([source, byDestination]) => {
      const rules = [...byDestination]
        .sort(([a], [b]) => compareStrings(a, b))
        .flatMap(([destination, ports]) =>
          chunks(ports.sort(comparePorts), MAX_ENTRIES).map((part): ClusterPolicyEgressRule => ({
            name: ruleName(`confirmed-to-${dotted(destination)}`),
            action: 'Pass',
            to: [{ pods: workloadPods(destination, scope.selections) }],
            protocols: part.map(protocolOf),
          })),
        );
      return chunks(rules, MAX_RULES).map(
        (part, at) => (priority: number) =>
          clusterPolicy(policyNameFor(dotted(source), at ? `cross-tier-${at + 1}` : 'cross-tier'), 'tierIsolation', {
            tier: 'Admin',
            priority,
            subject: { pods: workloadPods(source, scope.selections) },
            egress: part,
          }),
      );
    });
}

function intraTierPass(tier: Tier, namespaces: readonly string[], priority: number): ClusterNetworkPolicy {
  return clusterPolicy(`bulkhead-intra-tier-pass-${tier}`, 'intraTierPass', {
    tier: 'Admin',
    priority,
    subject: { namespaces: namespacesNamed(namespaces) },
    egress: [{ name: `within-${tier}`, action: 'Pass', to: [{ namespaces: namespacesNamed(namespaces) }] }],
  });
}

/** Deny from one tier's namespaces to every other tier's; the cluster DNS passed first when it runs in another tier. */
function tierIsolation(
  tier: Tier,
  tiers: ReadonlyMap<Tier, string[]>,
  priority: number,
  dnsInAnotherTier: ResolvedPlanOptions | undefined,
): ClusterNetworkPolicy {
  const dns: ClusterPolicyEgressRule[] = dnsInAnotherTier
    ? [
        {
          name: 'cluster-dns',
          action: 'Pass',
          to: [
            {
              pods: {
                namespaceSelector: namespaceSelectorFor(dnsInAnotherTier.dnsNamespace),
                podSelector: { matchLabels: dnsInAnotherTier.dnsLabels },
              },
            },
          ],
          protocols: DNS_PROTOCOLS,
        },
      ]
    : [];
  const denies = [...tiers]
    .filter(([other]) => other !== tier)
    .map(([other, namespaces]): ClusterPolicyEgressRule => ({
      name: `no-${tier}-to-${other}`,
      action: 'Deny',
      to: [{ namespaces: namespacesNamed(namespaces) }],
    }));
  return clusterPolicy(`bulkhead-tier-isolation-${tier}`, 'tierIsolation', {
    tier: 'Admin',
    priority,
    subject: { namespaces: namespacesNamed(tiers.get(tier) ?? []) },
    egress: [...dns, ...denies],
  });
}

function baselineDefaultDeny(priority: number, { switches, dnsNamespace, dnsLabels }: ResolvedPlanOptions): ClusterNetworkPolicy {
  const dns: ClusterPolicyEgressRule[] = switches.dns
    ? [
        {
          name: 'cluster-dns',
          action: 'Accept',
          to: [{ pods: { namespaceSelector: namespaceSelectorFor(dnsNamespace), podSelector: { matchLabels: dnsLabels } } }],
          protocols: DNS_PROTOCOLS,
        },
      ]
    : [];
  return clusterPolicy('bulkhead-baseline-default-deny', 'baselineDefaultDeny', {
    tier: 'Baseline',
    priority,
    subject: { namespaces: {} },
    ingress: [{ name: 'default-deny', action: 'Deny', from: [{ namespaces: {} }] }],
    egress: [...dns, { name: 'default-deny', action: 'Deny', to: EVERYWHERE }],
  });
}

function clusterPolicy(name: string, piece: GuardrailPiece, spec: ClusterNetworkPolicy['spec']): ClusterNetworkPolicy {
  return {
    apiVersion: API_VERSION,
    kind: 'ClusterNetworkPolicy',
    metadata: { name, labels: { [MANAGED_BY_LABEL]: MANAGED_BY, [PURPOSE_LABEL]: PURPOSE[piece] } },
    spec,
  };
}

function crossesTier(scope: ClusterScope, from: string, to: string): boolean {
  const fromTier = scope.tiers[namespaceOf(from)];
  const toTier = scope.tiers[namespaceOf(to)];
  return !!fromTier && !!toTier && fromTier !== toTier;
}

function workloadPods(workload: string, selections: ReadonlyMap<string, WorkloadSelection>): NamespacedPods {
  const selection = selections.get(workload);
  if (!selection) throw new Error(`workload ${workload} has no selector: classification lets only known workloads through`);
  return { namespaceSelector: namespaceSelectorFor(namespaceOf(workload)), podSelector: selection.selector };
}

function namespacesNamed(namespaces: readonly string[]): LabelSelector {
  return { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [...namespaces] }] };
}

function protocolOf({ protocol, port }: ObservedPort): ClusterPolicyProtocol {
  const destinationPort = { destinationPort: { number: port } };
  return protocol === 'TCP' ? { tcp: destinationPort } : protocol === 'UDP' ? { udp: destinationPort } : { sctp: destinationPort };
}

function comparePorts(a: ObservedPort, b: ObservedPort): number {
  return compareStrings(a.protocol, b.protocol) || a.port - b.port;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let at = 0; at < items.length; at += size) out.push(items.slice(at, at + size));
  return out;
}

/** Rule names hold at most 100 characters. */
function ruleName(name: string): string {
  return name.length <= 100 ? name : name.slice(0, 100);
}

/** `ns/name` as `ns.name`: namespaces hold no dot, so it stays unique in a cluster-scoped name. */
const dotted = (workload: string) => workload.replace('/', '.');
const namespaceOf = (workload: string) => workload.slice(0, workload.indexOf('/'));
