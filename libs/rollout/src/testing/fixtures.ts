/** Test fixtures for specs only: not exported from the library, and not built (tools/build.mjs skips testing/). */
import { DEFAULT_APPROVAL_TIERS } from '@bulkhead/contracts';
import type { SnapshotClusterPolicy } from '@bulkhead/netpol';
import { MANAGED_BY, MANAGED_BY_LABEL } from '@bulkhead/plan';
import {
  CLUSTER_SCOPE,
  type CreateRolloutInput,
  type GuardrailStage,
  type PolicyDocument,
  type ProbeSpec,
  type RolloutEvent,
  type Tier,
} from '../domain/types';
import type { ProbeOracle } from './in-memory-cluster';
import { RolloutWorld } from './rollout-world';

export const CREATOR = 'alice@example.com';
export const APPROVER = 'bob@example.com';
export const T0 = '2026-01-05T02:00:00.000Z'; // a Monday

export function policy(namespace: string, name: string, spec: PolicyDocument = { podSelector: {} }): PolicyDocument {
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace, labels: { owner: 'team-ü' } }, spec };
}

export function probesFor(namespace: string, tier: Tier): ProbeSpec[] {
  const other = tier === 'dev' ? 'prod-x' : 'dev-x';
  return [
    { id: `connect-${namespace}`, kind: 'must-connect', from: `${namespace}/web`, to: `${namespace}/db`, port: 5432, protocol: 'TCP' },
    {
      id: `resolve-${namespace}`,
      kind: 'must-resolve',
      from: `${namespace}/web`,
      to: 'kubernetes.default.svc.cluster.local',
      port: 53,
      protocol: 'UDP',
    },
    { id: `blocked-${namespace}`, kind: 'must-be-blocked', from: `${other}/client`, to: `${namespace}/db`, port: 5432, protocol: 'TCP' },
  ];
}

export interface WorldSpec {
  namespaces: Array<{ name: string; tier: Tier; dependents?: number; probes?: ProbeSpec[] }>;
  config?: CreateRolloutInput['config'];
  oracle?: ProbeOracle;
  id?: string;
  approvalTiers?: readonly Tier[];
  /** the plan has a cluster layer, staged here (GUARDRAIL_PROBES prove it) */
  guardrails?: GuardrailStage;
}

/** A ClusterNetworkPolicy, as a plan's cluster layer or a cluster holds one. */
export function clusterPolicy(name: string, tier: 'Admin' | 'Baseline' = 'Admin', priority = 10): SnapshotClusterPolicy {
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name, labels: { owner: 'team-ü' } },
    spec: { tier, priority, subject: { namespaces: {} }, ingress: [{ name: 'no-dev', action: 'Deny', from: [{ namespaces: {} }] }] },
  };
}

/** A ClusterNetworkPolicy of a plan's cluster layer: labelled as Bulkhead's, as the plan generates them. */
export function managedClusterPolicy(name: string, tier: 'Admin' | 'Baseline' = 'Admin', priority = 10): SnapshotClusterPolicy {
  const policy = clusterPolicy(name, tier, priority);
  const labels = policy.metadata.labels as Record<string, string>;
  return { ...policy, metadata: { ...policy.metadata, labels: { ...labels, [MANAGED_BY_LABEL]: MANAGED_BY } } };
}

/** The cluster stage's probes: a confirmed edge from staging to prod must connect, dev must not reach a prod data store. */
export const GUARDRAIL_PROBES: ProbeSpec[] = [
  { id: 'connect-staging-prod', kind: 'must-connect', from: 'staging-a/web', to: 'prod-a/api', port: 8080, protocol: 'TCP' },
  { id: 'blocked-dev-prod', kind: 'must-be-blocked', from: 'dev-a/debug', to: 'prod-a/db', port: 5432, protocol: 'TCP' },
];

export function createInput(spec: WorldSpec): CreateRolloutInput {
  return {
    id: spec.id ?? 'r1',
    clusterId: 'c1',
    planId: 'plan-7',
    planVersion: 3,
    createdBy: CREATOR,
    creatorId: CREATOR,
    approvalTiers: spec.approvalTiers ?? DEFAULT_APPROVAL_TIERS,
    namespaces: spec.namespaces.map((n) => ({
      name: n.name,
      tier: n.tier,
      dependents: n.dependents ?? 0,
      probes: n.probes ?? probesFor(n.name, n.tier),
    })),
    config: { settleMs: 60_000, probe: { retries: 2, timeoutMs: 2_000, retryDelayMs: 5_000 }, ...(spec.config ?? {}) },
    diffRefs: { staging: 'plan-7/diff/staging', prod: 'plan-7/diff/prod' },
    ...(spec.guardrails ? { guardrails: { placement: spec.guardrails, probes: GUARDRAIL_PROBES } } : {}),
  };
}

/** A fresh rollout on the real loop; even namespaces start with two policies, odd ones with none. */
export async function simulate(spec: WorldSpec, at = T0): Promise<RolloutWorld> {
  const original: Record<string, PolicyDocument[]> = {};
  const plan: Record<string, PolicyDocument[]> = {};
  spec.namespaces.forEach((n, i) => {
    original[n.name] =
      i % 2 === 0 ? [policy(n.name, 'legacy-allow-all', { podSelector: {}, ingress: [{}] }), policy(n.name, 'zz-keep')] : [];
    plan[n.name] = [
      policy(n.name, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      policy(n.name, 'allow-web-db'),
    ];
  });
  // The cluster's own Admin policy stays; the plan's cluster layer stands under CLUSTER_SCOPE (see RolloutWorld).
  plan[CLUSTER_SCOPE] = [
    managedClusterPolicy('bulkhead-tier-isolation', 'Admin', 20),
    managedClusterPolicy('bulkhead-baseline', 'Baseline', 0),
  ] as unknown as PolicyDocument[];
  const world = await RolloutWorld.create(createInput(spec), { original, plan, oracle: spec.oracle, now: new Date(at) });
  world.cluster.putClusterPolicies([clusterPolicy('platform-team-admin', 'Admin', 5)]);
  return world;
}

export const THREE_TIERS: WorldSpec['namespaces'] = [
  { name: 'dev-a', tier: 'dev' },
  { name: 'staging-a', tier: 'staging', dependents: 0 },
  { name: 'staging-b', tier: 'staging', dependents: 3 },
  { name: 'staging-c', tier: 'staging', dependents: 1 },
  { name: 'prod-a', tier: 'prod', dependents: 5 },
  { name: 'prod-b', tier: 'prod', dependents: 0 },
  { name: 'prod-c', tier: 'prod', dependents: 2 },
  { name: 'prod-d', tier: 'prod', dependents: 2 },
];

/** The result a snapshot of `namespace` records, taken now: for a test that moves one step by hand. */
export function snapshotTaken(world: RolloutWorld, namespace: string): RolloutEvent {
  return { type: 'snapshotTaken', stepId: world.step(namespace).id, policies: world.cluster.policiesOf(namespace) };
}
