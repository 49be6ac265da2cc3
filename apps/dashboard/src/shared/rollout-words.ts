import {
  type ProbeOutcome,
  type RolloutStatus,
  type StageDisplayStatus,
  type StageTier,
  type StepPhase,
  type Tier,
} from '@bulkhead/contracts';
import type { Tone } from './ui';

/** How rollouts, stages, steps and probes are said and coloured, the same on every page. */
export const TIERS: Tier[] = ['dev', 'staging', 'prod'];
export const TIER_NAME: Record<Tier, string> = { dev: 'Development', staging: 'Staging', prod: 'Production' };
/** A rollout's stage by name: a tier's, or the cluster stage's (the plan's ClusterNetworkPolicy guardrails). */
export const STAGE_NAME: Record<StageTier, string> = { ...TIER_NAME, cluster: 'Cluster guardrails' };

export const STATUS_TONE: Record<RolloutStatus, Tone> = {
  draft: 'neutral',
  scheduled: 'neutral',
  running: 'info',
  waiting_approval: 'accent',
  waiting_window: 'neutral',
  waiting_coverage: 'neutral',
  paused: 'warn',
  halted: 'bad',
  aborted: 'neutral',
  rolling_back: 'warn',
  rolled_back: 'neutral',
  completed: 'good',
};
export const statusWords = (s: string): string => s.replace(/_/g, ' ');

/** A stage's badge: its display status (stageDisplay), which follows the rollout's own status. */
export const STAGE_TONE: Record<StageDisplayStatus, Tone> = {
  pending: 'neutral',
  not_started: 'neutral',
  waiting_approval: 'accent',
  waiting_window: 'neutral',
  waiting_coverage: 'neutral',
  running: 'info',
  paused: 'warn',
  halted: 'bad',
  rolling_back: 'warn',
  rolled_back: 'neutral',
  aborted: 'neutral',
  completed: 'good',
  rejected: 'bad',
};

export const PHASE_TONE: Record<StepPhase, Tone> = {
  pending: 'neutral',
  snapshotted: 'info',
  applied: 'info',
  settled: 'info',
  probed: 'info',
  verified: 'good',
  restoring: 'warn',
  restored: 'bad',
};

export const OUTCOME_TONE: Record<ProbeOutcome, Tone> = { passed: 'good', failed: 'bad', not_enforced: 'bad' };
export const OUTCOME_WORDS: Record<ProbeOutcome, string> = { passed: 'passed', failed: 'failed', not_enforced: 'not enforced' };

export const PROBE_KIND_WORDS: Record<string, string> = {
  'must-connect': 'must connect',
  'must-resolve': 'must resolve',
  'must-be-blocked': 'must be blocked',
};

/** `orders-dev/orders-api → payments-dev/payments-api:8080` */
export function probeTarget(p: { to: string; port?: number; protocol?: string }): string {
  if (p.port === undefined) return p.to;
  return `${p.to}:${p.port}${p.protocol && p.protocol !== 'TCP' ? `/${p.protocol}` : ''}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${Math.round(ms / 100) / 10} s`;
  return `${Math.round(ms / 6000) / 10} min`;
}
