import type { NetworkPolicy } from '@bulkhead/netpol';
import { lineDiff, renderYaml } from '@bulkhead/plan';
import { parseWorkloadRef } from '../domain/probes';
import { required } from '../domain/required';
import { CLUSTER_STAGE, type RolloutState, type Step } from '../domain/types';
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

/** What drift is measured against: the namespaces a rollout verified, and the plan version they should hold. */
export interface DriftBaseline {
  rollout: RolloutState;
  planId: string;
  planVersion: number;
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

const essence = (p: NetworkPolicy) => canonical({ spec: p.spec, labels: p.metadata.labels ?? {} });

/** Lines of YAML a finding shows of each side at most: a policy written by hand can be any size. */
export const DIFFERENCE_LINE_LIMIT = 400;

function boundedYaml(policy: NetworkPolicy | undefined): { text: string | null; lines: string[]; cut: boolean } {
  if (!policy) return { text: null, lines: [], cut: false };
  const lines = renderYaml([policy]).split('\n').slice(1, -1);
  const kept = lines.slice(0, DIFFERENCE_LINE_LIMIT);
  return { text: `${kept.join('\n')}\n`, lines: kept, cut: lines.length > kept.length };
}

export function policyDifference(expected: NetworkPolicy | undefined, live: NetworkPolicy | undefined): PolicyDifference {
  const [before, after] = [boundedYaml(expected), boundedYaml(live)];
  return { expected: before.text, live: after.text, lines: lineDiff(before.lines, after.lines), truncated: before.cut || after.cut };
}

/** How one namespace's live policies differ from the plan's, policy by policy; none when they say the same. */
export function policyDrift(namespace: string, expected: readonly NetworkPolicy[], live: readonly NetworkPolicy[], planVersion: number) {
  const findings: DriftFinding[] = [];
  const liveByName = new Map(live.map((p) => [p.metadata.name, p]));
  const expectedNames = new Set(expected.map((p) => p.metadata.name));
  for (const planned of expected) {
    const name = planned.metadata.name;
    const now = liveByName.get(name);
    if (!now)
      findings.push({
        namespace,
        kind: 'policy_removed',
        subject: name,
        message: `${namespace}/${name} of plan v${planVersion} is gone`,
        difference: policyDifference(planned, undefined),
      });
    else if (essence(now) !== essence(planned))
      findings.push({
        namespace,
        kind: 'policy_changed',
        subject: name,
        message: `${namespace}/${name} differs from plan v${planVersion}`,
        difference: policyDifference(planned, now),
      });
  }
  for (const extra of live) {
    if (!expectedNames.has(extra.metadata.name))
      findings.push({
        namespace,
        kind: 'policy_added',
        subject: extra.metadata.name,
        message: `${namespace}/${extra.metadata.name} is not part of plan v${planVersion}`,
        difference: policyDifference(undefined, extra),
      });
  }
  return findings;
}

/** A namespace's step, verified: what drift is measured on (the cluster stage's step is not a namespace's). */
const verifiedNamespace = (step: Step): boolean => step.phase === 'verified' && step.tier !== CLUSTER_STAGE;

/**
 * The newest rollout of the cluster that left namespaces verified, and the plan version they should
 * hold: the rollout's, or the newest made since by accepting live state. Null when no rollout verified anything.
 */
export async function driftBaseline(deps: Pick<DriftDeps, 'store' | 'drift'>, clusterId: string): Promise<DriftBaseline | null> {
  const rollout = (await deps.store.list({ clusterId })).find((r) => r.steps.some(verifiedNamespace));
  if (!rollout) return null;
  const acceptance = await deps.drift.acceptance(rollout.id);
  return {
    rollout,
    planId: acceptance?.planId ?? rollout.planId,
    planVersion: acceptance?.planVersion ?? rollout.planVersion,
    verified: rollout.steps.filter(verifiedNamespace),
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

/**
 * Re-checks a cluster a plan was rolled out to: every verified namespace's live policies against the
 * baseline plan's, and a sample of its probes against their verified outcome (but in namespaces whose
 * live state was accepted). Records what differs.
 */
export async function checkDrift(deps: DriftDeps, clusterId: string): Promise<DriftCheck | null> {
  const baseline = await driftBaseline(deps, clusterId);
  if (!baseline) return null;
  const driver = await deps.driverFor(clusterId);
  const findings: DriftFinding[] = [];
  for (const step of baseline.verified) {
    const [expected, live] = await Promise.all([
      deps.plans.policiesFor(baseline.planId, step.namespace),
      driver.readPolicies(step.namespace),
    ]);
    findings.push(...policyDrift(step.namespace, expected, live, baseline.planVersion));
    if (!baseline.accepted.has(step.namespace)) findings.push(...(await probeDrift(driver, baseline, step, deps.probeSample ?? 3)));
  }
  const check: DriftCheck = {
    clusterId,
    rolloutId: baseline.rollout.id,
    planId: baseline.planId,
    planVersion: baseline.planVersion,
    checkedAt: deps.clock(),
    namespaces: baseline.verified.length,
    findings,
  };
  await deps.drift.record(check);
  return check;
}
