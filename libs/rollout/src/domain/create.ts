/**
 * Checking a rollout request and building its first state (status draft, version 1).
 */
import { GUARDRAIL_STAGES } from '@bulkhead/contracts';
import { isDns1123Label } from '@bulkhead/netpol';
import { planRollout, DEFAULT_WAVES } from './plan';
import { compileWindow, type TimeWindow } from './time/windows';
import {
  CLUSTER_SCOPE,
  CLUSTER_STAGE,
  TIERS,
  type CreateRolloutInput,
  type Probe,
  type ProbeExpectation,
  type ProbeKind,
  type ProbeSpec,
  type RolloutConfig,
  type RolloutRefusal,
  type RolloutState,
  type Stage,
  type Step,
} from './types';

export const DEFAULT_CONFIG: RolloutConfig = {
  waves: [...DEFAULT_WAVES],
  settleMs: 30_000,
  probe: { retries: 2, timeoutMs: 5_000, retryDelayMs: 10_000 },
  restoreRetryMs: 30_000,
  windows: {},
  freezes: [],
};

const EXPECTATIONS: Record<ProbeKind, ProbeExpectation> = {
  'must-connect': 'connect',
  'must-resolve': 'resolve',
  'must-be-blocked': 'blocked',
};
const ID = /^[A-Za-z0-9_-]+$/;
/** The fields a window may have, by kind; a freeze adds `tiers` and `reason`. Anything else is refused. */
const WINDOW_FIELDS: Record<TimeWindow['kind'], readonly string[]> = {
  cron: ['kind', 'name', 'durationMinutes', 'timeZone', 'expression'],
  rrule: ['kind', 'name', 'durationMinutes', 'timeZone', 'rule'],
  once: ['kind', 'name', 'durationMinutes', 'timeZone', 'start'],
};
const FREEZE_FIELDS = ['tiers', 'reason'];
/** The most days of observation a tier may ask for: a year. */
const MAX_OBSERVED_DAYS = 365;

export function expectationOf(kind: ProbeKind): ProbeExpectation {
  return EXPECTATIONS[kind];
}

export function stepIdOf(rolloutId: string, namespace: string): string {
  return `${rolloutId}.${namespace}`;
}

/** The cluster stage's step: `_cluster` is no namespace's name, so it never meets a namespace's step id. */
export const clusterStepIdOf = (rolloutId: string): string => `${rolloutId}._cluster`;

function resolveConfig(input: CreateRolloutInput['config']): RolloutConfig {
  return {
    waves: input?.waves ?? DEFAULT_CONFIG.waves,
    settleMs: input?.settleMs ?? DEFAULT_CONFIG.settleMs,
    probe: { ...DEFAULT_CONFIG.probe, ...(input?.probe ?? {}) },
    restoreRetryMs: input?.restoreRetryMs ?? DEFAULT_CONFIG.restoreRetryMs,
    windows: input?.windows ?? {},
    freezes: input?.freezes ?? [],
    minObservedDays: input?.minObservedDays ?? {},
  };
}

/** A refused field of a request and why. */
export type Problem = { field: string; reason: string };

/** Every problem of a list of probes (a namespace's, or the cluster stage's), each naming its field under `at`. */
function checkProbes(probes: readonly ProbeSpec[], at: string, p: (field: string, reason: string) => void): void {
  if (!Array.isArray(probes)) {
    p(at, 'must be an array');
    return;
  }
  const ids = new Set<string>();
  probes.forEach((probe, j) => {
    const pat = `${at}[${j}]`;
    if (typeof probe.id !== 'string' || probe.id.length === 0) p(`${pat}.id`, 'must be a non-empty string');
    else if (ids.has(probe.id)) p(`${pat}.id`, `${probe.id} is listed twice`);
    else ids.add(probe.id);
    if (!(probe.kind in EXPECTATIONS)) p(`${pat}.kind`, 'must be must-connect, must-resolve or must-be-blocked');
    if (typeof probe.from !== 'string' || probe.from.length === 0) p(`${pat}.from`, 'must be a non-empty string');
    if (typeof probe.to !== 'string' || probe.to.length === 0) p(`${pat}.to`, 'must be a non-empty string');
    if (probe.port !== undefined && (!Number.isInteger(probe.port) || probe.port < 1 || probe.port > 65535))
      p(`${pat}.port`, 'must be 1-65535');
    if (probe.protocol !== undefined && !['TCP', 'UDP', 'SCTP'].includes(probe.protocol)) p(`${pat}.protocol`, 'must be TCP, UDP or SCTP');
  });
}

/** Every problem of a rollout request, each naming its field; empty when the request is valid. */
export function validateCreateInput(input: CreateRolloutInput): Problem[] {
  const problems: Problem[] = [];
  const p = (field: string, reason: string): void => {
    problems.push({ field, reason });
  };
  if (!input || typeof input !== 'object') return [{ field: 'input', reason: 'must be an object' }];
  if (typeof input.id !== 'string' || !ID.test(input.id)) p('id', 'must be letters, digits, "-" or "_" (it becomes part of job ids)');
  for (const f of ['clusterId', 'planId', 'createdBy', 'creatorId'] as const)
    if (typeof input[f] !== 'string' || input[f].length === 0) p(f, 'must be a non-empty string');
  if (!Array.isArray(input.approvalTiers) || input.approvalTiers.some((t) => !(TIERS as readonly string[]).includes(t)))
    p('approvalTiers', `must list tiers (${TIERS.join(', ')})`);
  if (!Number.isInteger(input.planVersion) || input.planVersion < 1) p('planVersion', 'must be a positive integer');
  if (!Array.isArray(input.namespaces) || (input.namespaces.length === 0 && input.guardrails === undefined))
    p('namespaces', 'must list at least one namespace (or the rollout must have guardrails)');
  const names = new Set<string>();
  (Array.isArray(input.namespaces) ? input.namespaces : []).forEach((ns, i) => {
    const at = `namespaces[${i}]`;
    if (typeof ns.name !== 'string' || isDns1123Label(ns.name).length > 0) p(`${at}.name`, 'must be a Kubernetes namespace name');
    else if (names.has(ns.name)) p(`${at}.name`, `${ns.name} is listed twice`);
    else names.add(ns.name);
    if (!(TIERS as readonly string[]).includes(ns.tier)) p(`${at}.tier`, `must be one of ${TIERS.join(', ')}`);
    if (!Number.isInteger(ns.dependents) || ns.dependents < 0) p(`${at}.dependents`, 'must be a non-negative integer');
    checkProbes(ns.probes, `${at}.probes`, p);
  });
  if (input.guardrails !== undefined) {
    const guardrails = input.guardrails;
    if (typeof guardrails !== 'object' || guardrails === null) p('guardrails', 'must be an object');
    else {
      if (!(GUARDRAIL_STAGES as readonly string[]).includes(guardrails.placement))
        p('guardrails.placement', `must be ${GUARDRAIL_STAGES.join(' or ')}`);
      checkProbes(guardrails.probes, 'guardrails.probes', p);
    }
  }
  if (input.excluded !== undefined && !Array.isArray(input.excluded)) p('excluded', 'must be a list of namespaces with reasons');
  (Array.isArray(input.excluded) ? input.excluded : []).forEach((entry, i) => {
    const at = `excluded[${i}]`;
    if (typeof entry?.namespace !== 'string' || isDns1123Label(entry.namespace).length > 0)
      p(`${at}.namespace`, 'must be a Kubernetes namespace name');
    else if (names.has(entry.namespace)) p(`${at}.namespace`, `${entry.namespace} is both in a stage and excluded`);
    else names.add(entry.namespace);
    if (typeof entry?.reason !== 'string' || entry.reason.trim().length === 0) p(`${at}.reason`, 'must say why the namespace is left out');
  });
  problems.push(...validateConfig(input.config));
  return problems;
}

/** Every problem of a rollout's config (waves, settle time, probes, windows, freezes, observation), each naming its field under `config.`. */
export function validateConfig(config: CreateRolloutInput['config']): Problem[] {
  const problems: Problem[] = [];
  const p = (field: string, reason: string): void => {
    problems.push({ field, reason });
  };
  if (config !== undefined && (typeof config !== 'object' || config === null)) return [{ field: 'config', reason: 'must be an object' }];
  const c = config ?? {};
  if (c.waves !== undefined && (!Array.isArray(c.waves) || c.waves.length === 0 || c.waves.some((n) => !Number.isInteger(n) || n < 1)))
    p('config.waves', 'must be a non-empty list of positive integers');
  if (c.settleMs !== undefined && (!Number.isFinite(c.settleMs) || c.settleMs < 0)) p('config.settleMs', 'must be >= 0');
  if (c.restoreRetryMs !== undefined && (!Number.isFinite(c.restoreRetryMs) || c.restoreRetryMs <= 0))
    p('config.restoreRetryMs', 'must be > 0');
  if (c.probe?.retries !== undefined && (!Number.isInteger(c.probe.retries) || c.probe.retries < 0))
    p('config.probe.retries', 'must be a non-negative integer');
  if (c.probe?.timeoutMs !== undefined && (!Number.isFinite(c.probe.timeoutMs) || c.probe.timeoutMs <= 0))
    p('config.probe.timeoutMs', 'must be > 0');
  if (c.probe?.retryDelayMs !== undefined && (!Number.isFinite(c.probe.retryDelayMs) || c.probe.retryDelayMs < 0))
    p('config.probe.retryDelayMs', 'must be >= 0');
  const isObject = (value: unknown): boolean => typeof value === 'object' && value !== null && !Array.isArray(value);
  /** A window (or freeze) with its own fields only, each one valid. */
  const checkWindow = (w: TimeWindow, field: string, extraFields: readonly string[] = []): void => {
    if (!isObject(w)) {
      p(field, 'must be an object');
      return;
    }
    const known = [...(Object.hasOwn(WINDOW_FIELDS, w.kind) ? WINDOW_FIELDS[w.kind] : ['kind']), ...extraFields];
    const unknown = Object.keys(w).filter((key) => !known.includes(key));
    for (const key of unknown) p(`${field}.${key}`, 'is not a field of a window');
    if (unknown.length > 0) return;
    const r = compileWindow(w);
    if (!r.ok) p(`${field}.${r.error.part}`, r.error.message);
  };
  if (c.windows !== undefined && !isObject(c.windows)) p('config.windows', 'must map tiers to lists of windows');
  else {
    for (const [tier, list] of Object.entries(c.windows ?? {})) {
      if (!(TIERS as readonly string[]).includes(tier)) p(`config.windows.${tier}`, `is not a tier (${TIERS.join(', ')})`);
      else if (list !== undefined && !Array.isArray(list)) p(`config.windows.${tier}`, 'must be a list of windows');
      else (list ?? []).forEach((w, i) => checkWindow(w, `config.windows.${tier}[${i}]`));
    }
  }
  if (c.freezes !== undefined && !Array.isArray(c.freezes)) p('config.freezes', 'must be a list of freezes');
  if (c.minObservedDays !== undefined && !isObject(c.minObservedDays)) p('config.minObservedDays', 'must map tiers to days');
  else {
    for (const [tier, days] of Object.entries(c.minObservedDays ?? {})) {
      if (!(TIERS as readonly string[]).includes(tier)) p(`config.minObservedDays.${tier}`, `is not a tier (${TIERS.join(', ')})`);
      else if (days !== undefined && (typeof days !== 'number' || !Number.isFinite(days) || days < 0 || days > MAX_OBSERVED_DAYS))
        p(`config.minObservedDays.${tier}`, `must be a number of days from 0 to ${MAX_OBSERVED_DAYS}`);
    }
  }
  (Array.isArray(c.freezes) ? c.freezes : []).forEach((f, i) => {
    checkWindow(f, `config.freezes[${i}]`, FREEZE_FIELDS);
    if (isObject(f) && f.tiers !== undefined && (!Array.isArray(f.tiers) || f.tiers.some((t) => !(TIERS as readonly string[]).includes(t))))
      p(`config.freezes[${i}].tiers`, `must list tiers (${TIERS.join(', ')})`);
  });
  return problems;
}

/** The first state of a rollout, or the problems of the request. */
export function buildRollout(
  input: CreateRolloutInput,
  now: Date,
): { ok: true; state: RolloutState } | { ok: false; error: RolloutRefusal } {
  const problems = validateCreateInput(input);
  if (problems.length > 0) {
    return {
      ok: false,
      error: {
        code: 'invalid_input',
        message: `the rollout request is invalid: ${problems.map((x) => `${x.field}: ${x.reason}`).join('; ')}`,
        problems,
      },
    };
  }
  const config = resolveConfig(input.config);
  const planned = planRollout({ namespaces: input.namespaces, waves: config.waves });
  const byName = new Map(input.namespaces.map((n) => [n.name, n]));
  const steps: Step[] = [];
  const stages: Stage[] = planned.map((ps) => {
    const waves = ps.waves.map((wave, w) =>
      wave.map((name) => {
        const ns = byName.get(name)!;
        const probes = probesOf(ns.probes);
        const step: Step = {
          id: stepIdOf(input.id, name),
          namespace: name,
          tier: ps.tier,
          wave: w,
          dependents: ns.dependents,
          phase: 'pending',
          probes,
        };
        steps.push(step);
        return step.id;
      }),
    );
    const stage: Stage = { tier: ps.tier, status: 'pending', waves, approvalRequired: input.approvalTiers.includes(ps.tier) };
    const diffRef = input.diffRefs?.[ps.tier];
    if (diffRef !== undefined) stage.diffRef = diffRef;
    return stage;
  });
  if (input.guardrails) {
    const { stage, step } = clusterStage(input.id, input.guardrails.probes);
    if (input.guardrails.placement === 'beforeDev') stages.unshift(stage);
    else stages.push(stage);
    steps.push(step);
  }
  const at = now.toISOString();
  return {
    ok: true,
    state: {
      id: input.id,
      clusterId: input.clusterId,
      planId: input.planId,
      planVersion: input.planVersion,
      createdBy: input.createdBy,
      creatorId: input.creatorId,
      createdAt: at,
      status: 'draft',
      stages,
      steps,
      excluded: (input.excluded ?? []).map(({ namespace, reason }) => ({ namespace, reason })),
      config,
      rollbacks: [],
      version: 1,
      updatedAt: at,
    },
  };
}

const probesOf = (specs: readonly ProbeSpec[]): Probe[] =>
  specs.map((spec) => ({ ...spec, expectation: expectationOf(spec.kind), attempts: [] }));

/**
 * The cluster stage: one step, which snapshots, applies and restores the cluster-scoped policies as a namespace's
 * step does its NetworkPolicies. A change to every namespace at once always waits for an approver.
 */
function clusterStage(rolloutId: string, probes: readonly ProbeSpec[]): { stage: Stage; step: Step } {
  const step: Step = {
    id: clusterStepIdOf(rolloutId),
    namespace: CLUSTER_SCOPE,
    tier: CLUSTER_STAGE,
    wave: 0,
    dependents: 0,
    phase: 'pending',
    probes: probesOf(probes),
  };
  return { stage: { tier: CLUSTER_STAGE, status: 'pending', waves: [[step.id]], approvalRequired: true }, step };
}
