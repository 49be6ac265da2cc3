/** Test fixtures for specs only: not exported from the library, and not built (tools/build.mjs skips testing/). */
import { DEFAULT_APPROVAL_TIERS } from '@bulkhead/contracts';
import type { CreateRolloutInput, PolicyDocument, ProbeSpec, RolloutEvent, Tier } from '../domain/types';
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
}

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
  };
}

/** A fresh rollout on the real loop; even namespaces start with two policies, odd ones with none. */
export function simulate(spec: WorldSpec, at = T0): Promise<RolloutWorld> {
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
  return RolloutWorld.create(createInput(spec), { original, plan, oracle: spec.oracle, now: new Date(at) });
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
