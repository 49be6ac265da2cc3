import type { NetworkPolicy } from '@bulkhead/netpol';
import { parseWorkloadRef } from '../domain/probes';
import { required } from '../domain/required';
import type { RolloutState } from '../domain/types';
import type { ClusterDriver } from './ports/cluster-driver.port';
import type { PlanPolicies } from './ports/rollout-dispatcher.port';
import type { RolloutStore } from './ports/rollout-store.port';

export interface DriftFinding {
  namespace: string;
  kind: 'policy_removed' | 'policy_changed' | 'policy_added' | 'probe_changed';
  /** The policy or probe concerned. */
  subject: string;
  message: string;
}

export interface DriftCheck {
  clusterId: string;
  rolloutId: string;
  checkedAt: Date;
  namespaces: number;
  findings: DriftFinding[];
}

export interface DriftStore {
  record(check: DriftCheck): Promise<void>;
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

/** The newest rollout of a cluster that left namespaces verified: what drift is measured against. */
function latestVerified(rollouts: RolloutState[]): RolloutState | undefined {
  return rollouts.find((r) => r.steps.some((s) => s.phase === 'verified'));
}

/**
 * Re-checks a cluster a plan was rolled out to: every verified namespace's live policies against the
 * plan's, and a sample of its probes against their verified outcome. Records what differs.
 */
export async function checkDrift(deps: DriftDeps, clusterId: string): Promise<DriftCheck | null> {
  const rollout = latestVerified(await deps.store.list({ clusterId }));
  if (!rollout) return null;
  const driver = await deps.driverFor(clusterId);
  const findings: DriftFinding[] = [];
  const verified = rollout.steps.filter((s) => s.phase === 'verified');
  for (const step of verified) {
    const [expected, live] = await Promise.all([
      deps.plans.policiesFor(rollout.planId, step.namespace),
      driver.readPolicies(step.namespace),
    ]);
    const liveByName = new Map(live.map((p) => [p.metadata.name, p]));
    const expectedNames = new Set(expected.map((p) => p.metadata.name));
    for (const p of expected) {
      const now = liveByName.get(p.metadata.name);
      if (!now)
        findings.push({
          namespace: step.namespace,
          kind: 'policy_removed',
          subject: p.metadata.name,
          message: `${step.namespace}/${p.metadata.name} of plan v${rollout.planVersion} is gone`,
        });
      else if (essence(now) !== essence(p))
        findings.push({
          namespace: step.namespace,
          kind: 'policy_changed',
          subject: p.metadata.name,
          message: `${step.namespace}/${p.metadata.name} differs from plan v${rollout.planVersion}`,
        });
    }
    for (const p of live) {
      if (!expectedNames.has(p.metadata.name))
        findings.push({
          namespace: step.namespace,
          kind: 'policy_added',
          subject: p.metadata.name,
          message: `${step.namespace}/${p.metadata.name} is not part of plan v${rollout.planVersion}`,
        });
    }
    const sample = [
      ...step.probes.filter((p) => p.kind === 'must-connect'),
      ...step.probes.filter((p) => p.kind === 'must-be-blocked'),
    ].slice(0, deps.probeSample ?? 3);
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
          timeoutMs: rollout.config.probe.timeoutMs,
        } as const;
      }),
    );
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
  }
  const check = { clusterId, rolloutId: rollout.id, checkedAt: deps.clock(), namespaces: verified.length, findings };
  await deps.drift.record(check);
  return check;
}
