/**
 * Which probes prove the cluster stage (the plan's ClusterNetworkPolicy guardrails). Plain data in, plain data
 * out, deterministic. Every probe crosses namespaces, and all but DNS cross tiers:
 *
 * - must-connect: every allowed edge between tiers (tier isolation passes exactly these to NetworkPolicy);
 * - must-resolve: DNS from one workload of each tier (a guardrail must never cut off name resolution);
 * - must-be-blocked, with tier isolation only: every cross-tier connection the map saw and the plan forbids (the
 *   incident story: a dev workload reaching a prod data store), dev reaching each prod data store that none of
 *   these covers, and one pair for every ordered pair of tiers that none of these covers.
 */
import { shortHash } from './hash';
import type { DependencyEdge, InventoryNamespaceInput, WorkloadRef } from './probes';
import { DEFAULT_DNS_NAMES, mustResolve } from './probes';
import { TIERS, type ProbeSpec, type Protocol, type Tier } from './types';

export interface GuardrailProbeInput {
  /** the plan's allowed edges between live workloads */
  allowed: readonly DependencyEdge[];
  /** connections the map saw that the plan forbids, between live workloads */
  forbidden: readonly DependencyEdge[];
  /** the namespaces with a tier, with their live workloads */
  namespaces: readonly InventoryNamespaceInput[];
  /** the layer holds tier isolation, so connections between tiers that nobody confirmed must be blocked */
  tierIsolation: boolean;
  dnsNames?: readonly string[];
}

const ref = (r: WorkloadRef): string => `${r.namespace}/${r.workload}`;
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
const edgeKey = (from: string, to: string, port: number, protocol: Protocol): string => `${from}->${to}:${port}/${protocol}`;

export function selectGuardrailProbes(input: GuardrailProbeInput): ProbeSpec[] {
  const tierOf = new Map(input.namespaces.map((ns) => [ns.name, ns.tier]));
  const crossTier = (e: DependencyEdge): boolean => {
    const from = tierOf.get(e.from.namespace);
    const to = tierOf.get(e.to.namespace);
    return from !== undefined && to !== undefined && from !== to;
  };
  const out: ProbeSpec[] = [];
  const seen = new Set<string>();
  const add = (probe: ProbeSpec): void => {
    if (seen.has(probe.id)) return;
    seen.add(probe.id);
    out.push(probe);
  };

  const allowed = new Set(input.allowed.map((e) => edgeKey(ref(e.from), ref(e.to), e.port, e.protocol ?? 'TCP')));
  const connect = input.allowed
    .filter(crossTier)
    .map((e) => ({ e, key: edgeKey(ref(e.from), ref(e.to), e.port, e.protocol ?? 'TCP') }))
    .sort((a, b) => byText(a.key, b.key));
  for (const { e, key } of connect)
    add({
      id: `must-connect:${key}`,
      kind: 'must-connect',
      from: ref(e.from),
      to: ref(e.to),
      port: e.port,
      protocol: e.protocol ?? 'TCP',
      reason: `confirmed edge from ${tierOf.get(e.from.namespace)} to ${tierOf.get(e.to.namespace)}, passed to NetworkPolicy`,
    });

  const sorted = [...input.namespaces].sort((a, b) => byText(a.name, b.name));
  const inTier = (tier: Tier) => sorted.filter((ns) => ns.tier === tier && ns.workloads.length > 0);
  for (const tier of TIERS) {
    const [ns] = inTier(tier);
    const workload = ns && [...ns.workloads].sort((a, b) => byText(a.name, b.name))[0];
    if (!ns || !workload) continue;
    for (const name of input.dnsNames ?? DEFAULT_DNS_NAMES)
      add(mustResolve(`${ns.name}/${workload.name}`, name, `DNS from ${tier} under the guardrails`));
  }
  if (!input.tierIsolation) return out;

  const covered = new Set<string>();
  const blocked = (from: string, to: string, port: number, protocol: Protocol, fromTier: Tier, toTier: Tier, reason: string): void => {
    const key = edgeKey(from, to, port, protocol);
    if (allowed.has(key)) return;
    covered.add(`${fromTier}>${toTier}`);
    add({ id: `must-be-blocked:${key}`, kind: 'must-be-blocked', from, to, port, protocol, reason });
  };
  const seenForbidden = input.forbidden
    .filter(crossTier)
    .map((e) => ({ e, key: edgeKey(ref(e.from), ref(e.to), e.port, e.protocol ?? 'TCP') }))
    .sort((a, b) => byText(a.key, b.key));
  for (const { e } of seenForbidden) {
    const fromTier = tierOf.get(e.from.namespace)!;
    const toTier = tierOf.get(e.to.namespace)!;
    blocked(
      ref(e.from),
      ref(e.to),
      e.port,
      e.protocol ?? 'TCP',
      fromTier,
      toTier,
      `seen from ${fromTier} to ${toTier}, forbidden by the plan`,
    );
  }

  // One source per tier (the first of a stable shuffle), so that a sample does not always lean on the same names.
  const pick = <T extends { name: string }>(items: readonly T[], salt: string): T | undefined =>
    [...items].sort((a, b) => byText(shortHash(`${salt}/${a.name}`), shortHash(`${salt}/${b.name}`)) || byText(a.name, b.name))[0];
  const sourceIn = (tier: Tier): string | undefined => {
    const ns = pick(inTier(tier), tier);
    const workload = ns && pick(ns.workloads, ns.name);
    return ns && workload ? `${ns.name}/${workload.name}` : undefined;
  };
  const devSource = sourceIn('dev');
  if (devSource)
    for (const ns of inTier('prod'))
      for (const store of ns.workloads.filter((w) => w.dataStore)) {
        const port = store.ports[0];
        const to = `${ns.name}/${store.name}`;
        const probedFromDev = out.some(
          (probe) => probe.kind === 'must-be-blocked' && probe.to === to && tierOf.get(probe.from.split('/')[0]!) === 'dev',
        );
        if (port && !probedFromDev)
          blocked(devSource, to, port.port, port.protocol ?? 'TCP', 'dev', 'prod', 'dev reaching a prod data store');
      }
  for (const fromTier of TIERS)
    for (const toTier of TIERS) {
      if (fromTier === toTier || covered.has(`${fromTier}>${toTier}`)) continue;
      const from = sourceIn(fromTier);
      const target = inTier(toTier)
        .flatMap((ns) => ns.workloads.flatMap((w) => w.ports.map((port) => ({ to: `${ns.name}/${w.name}`, port }))))
        .find(({ to, port }) => from !== undefined && !allowed.has(edgeKey(from, to, port.port, port.protocol ?? 'TCP')));
      if (from && target)
        blocked(from, target.to, target.port.port, target.port.protocol ?? 'TCP', fromTier, toTier, `${fromTier} reaching ${toTier}`);
    }
  return out;
}
