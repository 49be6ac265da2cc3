import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import { lineDiff, renderYaml } from '@bulkhead/plan';
import { parseWorkloadRef } from '../domain/probes';
import { required } from '../domain/required';
import { CLUSTER_SCOPE, CLUSTER_STAGE, type RolloutState, type Step } from '../domain/types';
import { clusterPolicyKey, isBulkheadClusterPolicy } from './cluster-layer';
import type { ClusterDriver } from './ports/cluster-driver.port';
import type { PlanPolicies } from './ports/rollout-dispatcher.port';
import type { RolloutStore } from './ports/rollout-store.port';

/** A policy of a finding as the plan has it and as the cluster has it, as YAML, and the lines that differ. */
export interface PolicyDifference {
  /** null: the plan has no such policy (one added by hand). */
  expected: string | null;
  /** null: the cluster has no such policy (one removed by hand). */
  live: string | null;
  /** From expected to live: `- ` a line only the plan has, `+ ` a line only the cluster has, `  ` both. */
  lines: string[];
  /** A side was longer than DIFFERENCE_LINE_LIMIT lines: it was cut there, and so was the comparison. */
  truncated: boolean;
}

export interface DriftFinding {
  /** The namespace, or CLUSTER_SCOPE for the cluster-scoped policies of the cluster stage. */
  namespace: string;
  kind: 'policy_removed' | 'policy_changed' | 'policy_added' | 'probe_changed';
  /** The policy or probe concerned. */
  subject: string;
  message: string;
  /** Policy findings only. */
  difference?: PolicyDifference;
}

export interface DriftCheck {
  clusterId: string;
  rolloutId: string;
  /** The plan version the cluster was compared with (the rollout's, or one made since by accepting live state). */
  planId: string;
  planVersion: number;
  checkedAt: Date;
  /** The verified namespaces checked (the cluster stage's step, checked too, is not one). */
  namespaces: number;
  findings: DriftFinding[];
}

/** A plan version made by accepting live state as drift after a rollout, and every namespace accepted so since that rollout. */
export interface DriftAcceptance {
  planId: string;
  planVersion: number;
  namespaces: string[];
}

export interface DriftStore {
  record(check: DriftCheck): Promise<void>;
  /** The newest acceptance of live state made after this rollout, or null. */
  acceptance(rolloutId: string): Promise<DriftAcceptance | null>;
}

export interface DriftDeps {
  store: RolloutStore;
  plans: PlanPolicies;
  driverFor(clusterId: string): Promise<ClusterDriver>;
  drift: DriftStore;
  clock(): Date;
  /** How many probes of each namespace are re-run (must-connect first, then must-be-blocked). */
  probeSample?: number;
}

/** What drift is measured against: the namespaces a rollout verified (and its cluster stage), and the plan version they should hold. */
export interface DriftBaseline {
  rollout: RolloutState;
  planId: string;
  planVersion: number;
  /** The verified steps: the namespaces', and the cluster stage's (under CLUSTER_SCOPE) when it was verified. */
  verified: Step[];
  /**
   * Namespaces whose live policies were accepted as the plan's: their probes' verified outcomes say what
   * the rollout's policies did, not what these do, so they are not re-run.
   */
  accepted: ReadonlySet<string>;
}

/** JSON with sorted keys: two policies compare equal when they say the same, whatever the key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A namespace's NetworkPolicy, or a cluster-scoped policy of the cluster stage. */
export type DriftPolicy = NetworkPolicy | SnapshotClusterPolicy;

const labelsOf = (p: DriftPolicy) => (p.metadata as { labels?: Record<string, string> }).labels ?? {};
const essence = (p: DriftPolicy) => canonical({ spec: p.spec, labels: labelsOf(p) });

/** What a finding names a policy by: its name in a namespace; its kind and name among the cluster-scoped ones. */
const subjectOf = (namespace: string, p: DriftPolicy): string =>
  namespace === CLUSTER_SCOPE ? clusterPolicyKey(p as SnapshotClusterPolicy) : p.metadata.name;
const placeOf = (namespace: string, subject: string): string => (namespace === CLUSTER_SCOPE ? subject : `${namespace}/${subject}`);

/** Lines of YAML a finding shows of each side at most: a policy written by hand can be any size. */
export const DIFFERENCE_LINE_LIMIT = 400;

function boundedYaml(policy: DriftPolicy | undefined): { text: string | null; lines: string[]; cut: boolean } {
  if (!policy) return { text: null, lines: [], cut: false };
  const lines = renderYaml([policy as Parameters<typeof renderYaml>[0][number]])
    .split('\n')
    .slice(1, -1);
  const kept = lines.slice(0, DIFFERENCE_LINE_LIMIT);
  return { text: `${kept.join('\n')}\n`, lines: kept, cut: lines.length > kept.length };
}

export function policyDifference(expected: DriftPolicy | undefined, live: DriftPolicy | undefined): PolicyDifference {
  const [before, after] = [boundedYaml(expected), boundedYaml(live)];
  return { expected: before.text, live: after.text, lines: lineDiff(before.lines, after.lines), truncated: before.cut || after.cut };
}

/** How one namespace's live policies (or the cluster-scoped ones, under CLUSTER_SCOPE) differ from the plan's, policy by policy; none when they say the same. */
export function policyDrift(namespace: string, expected: readonly DriftPolicy[], live: readonly DriftPolicy[], planVersion: number) {
  const findings: DriftFinding[] = [];
  const liveBySubject = new Map(live.map((p) => [subjectOf(namespace, p), p]));
  const expectedSubjects = new Set(expected.map((p) => subjectOf(namespace, p)));
  for (const planned of expected) {
    const subject = subjectOf(namespace, planned);
    const now = liveBySubject.get(subject);
    if (!now)
      findings.push({
        namespace,
        kind: 'policy_removed',
        subject,
        message: `${placeOf(namespace, subject)} of plan v${planVersion} is gone`,
        difference: policyDifference(planned, undefined),
      });
    else if (essence(now) !== essence(planned))
      findings.push({
        namespace,
        kind: 'policy_changed',
        subject,
        message: `${placeOf(namespace, subject)} differs from plan v${planVersion}`,
        difference: policyDifference(planned, now),
      });
  }
  for (const extra of live) {
    const subject = subjectOf(namespace, extra);
    if (!expectedSubjects.has(subject))
      findings.push({
        namespace,
        kind: 'policy_added',
        subject,
        message: `${placeOf(namespace, subject)} is not part of plan v${planVersion}`,
        difference: policyDifference(undefined, extra),
      });
  }
  return findings;
}

/**
 * How the cluster's cluster-scoped policies differ from the plan's layer: the plan's policies, and those labelled as
 * Bulkhead's, are compared; the cluster policies of others are not the plan's business.
 */
export function clusterLayerDrift(expected: readonly SnapshotClusterPolicy[], live: readonly SnapshotClusterPolicy[], planVersion: number) {
  const planned = new Set(expected.map(clusterPolicyKey));
  const ours = live.filter((policy) => planned.has(clusterPolicyKey(policy)) || isBulkheadClusterPolicy(policy));
  return policyDrift(CLUSTER_SCOPE, expected, ours, planVersion);
}

/** A verified step, a namespace's or the cluster stage's: what drift is measured on. */
const verified = (step: Step): boolean => step.phase === 'verified';

/**
 * The newest rollout of the cluster that left namespaces (or its guardrails) verified, and the plan version they
 * should hold: the rollout's, or the newest made since by accepting live state. Null when no rollout verified anything.
 */
export async function driftBaseline(deps: Pick<DriftDeps, 'store' | 'drift'>, clusterId: string): Promise<DriftBaseline | null> {
  const rollout = (await deps.store.list({ clusterId })).find((r) => r.steps.some(verified));
  if (!rollout) return null;
  const acceptance = await deps.drift.acceptance(rollout.id);
  return {
    rollout,
    planId: acceptance?.planId ?? rollout.planId,
    planVersion: acceptance?.planVersion ?? rollout.planVersion,
    verified: rollout.steps.filter(verified),
    accepted: new Set(acceptance?.namespaces ?? []),
  };
}

async function probeDrift(driver: ClusterDriver, baseline: DriftBaseline, step: Step, sampleSize: number): Promise<DriftFinding[]> {
  const sample = [
    ...step.probes.filter((p) => p.kind === 'must-connect'),
    ...step.probes.filter((p) => p.kind === 'must-be-blocked'),
  ].slice(0, sampleSize);
  const results = await driver.probe(
    sample.map((probe) => {
      const to = parseWorkloadRef(probe.to);
      return {
        id: `drift.${step.id}.${probe.id}`,
        attempt: 1,
        from: parseWorkloadRef(probe.from),
        to: { kind: 'workload', namespace: to.namespace, name: to.workload },
        port: probe.port ?? 53,
        protocol: probe.protocol ?? 'TCP',
        timeoutMs: baseline.rollout.config.probe.timeoutMs,
      } as const;
    }),
  );
  const findings: DriftFinding[] = [];
  sample.forEach((probe, i) => {
    const result = required(results[i], "the driver's result for a probe");
    if (result.error) return;
    const wanted = probe.kind === 'must-connect';
    if (result.connected !== wanted) {
      findings.push({
        namespace: step.namespace,
        kind: 'probe_changed',
        subject: probe.id,
        message: `${probe.from} -> ${probe.to}:${probe.port}/${probe.protocol} ${wanted ? 'no longer connects' : 'now connects'}: ${result.detail}`,
      });
    }
  });
  return findings;
}

/** How a verified step's live policies differ from the baseline plan's: a namespace's, or the cluster layer. */
async function liveDrift(deps: DriftDeps, driver: ClusterDriver, baseline: DriftBaseline, step: Step): Promise<DriftFinding[]> {
  if (step.tier === CLUSTER_STAGE) {
    const [expected, live] = await Promise.all([deps.plans.clusterPoliciesFor(baseline.planId), driver.readClusterPolicies()]);
    return clusterLayerDrift(expected, live, baseline.planVersion);
  }
  const [expected, live] = await Promise.all([
    deps.plans.policiesFor(baseline.planId, step.namespace),
    driver.readPolicies(step.namespace),
  ]);
  return policyDrift(step.namespace, expected, live, baseline.planVersion);
}

/**
 * Re-checks a cluster a plan was rolled out to: every verified namespace's live policies (and, after a verified
 * cluster stage, the cluster-scoped ones) against the baseline plan's, and a sample of its probes against their verified outcome (but in namespaces whose
 * live state was accepted). Records what differs.
 */
export async function checkDrift(deps: DriftDeps, clusterId: string): Promise<DriftCheck | null> {
  const baseline = await driftBaseline(deps, clusterId);
  if (!baseline) return null;
  const driver = await deps.driverFor(clusterId);
  const findings: DriftFinding[] = [];
  for (const step of baseline.verified) {
    findings.push(...(await liveDrift(deps, driver, baseline, step)));
    if (!baseline.accepted.has(step.namespace)) findings.push(...(await probeDrift(driver, baseline, step, deps.probeSample ?? 3)));
  }
  const check: DriftCheck = {
    clusterId,
    rolloutId: baseline.rollout.id,
    planId: baseline.planId,
    planVersion: baseline.planVersion,
    checkedAt: deps.clock(),
    namespaces: baseline.verified.filter((step) => step.tier !== CLUSTER_STAGE).length,
    findings,
  };
  await deps.drift.record(check);
  return check;
}
