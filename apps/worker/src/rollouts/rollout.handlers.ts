import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import {
  advance,
  carryOutDriftAction,
  checkDrift,
  type DriftActionDeps,
  type DriftDeps,
  executeCommand,
  giveUpDriftAction,
  reconcileAll,
  type RolloutDeps,
} from '@bulkhead/rollout';
import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler';

const advancePayload = z.strictObject({ v: z.literal(1), rolloutId: z.uuid(), at: z.iso.datetime().optional() });
const commandPayload = z.strictObject({ v: z.literal(1), rolloutId: z.uuid(), key: z.string().min(1).max(500) });
const reconcilePayload = z.strictObject({ v: z.literal(1) });

/** A rollout this process has seen is in its database; otherwise the database is asked. */
const rolloutIsHere = async (deps: RolloutDeps, id: string) => deps.store.lastSeen(id) !== undefined || (await deps.store.get(id)) !== null;

/** Looks at a rollout: records a tick, which re-derives and dispatches what is due. */
export class RolloutAdvanceHandler implements JobHandler<'rollout.advance'> {
  readonly name = 'rollout.advance';
  constructor(private readonly deps: RolloutDeps) {}
  parse = (data: unknown): JobPayloads['rollout.advance'] => advancePayload.parse(data);
  isInThisDatabase = (p: JobPayloads['rollout.advance']) => rolloutIsHere(this.deps, p.rolloutId);
  async handle(p: JobPayloads['rollout.advance']): Promise<JobOutcome> {
    await advance(this.deps, p.rolloutId);
    return { status: 'done' };
  }
}

/** Carries out one command (snapshot, apply, probes, restore) and records its result. */
export class RolloutCommandHandler implements JobHandler<'rollout.command'> {
  readonly name = 'rollout.command';
  constructor(private readonly deps: RolloutDeps) {}
  parse = (data: unknown): JobPayloads['rollout.command'] => commandPayload.parse(data);
  isInThisDatabase = (p: JobPayloads['rollout.command']) => rolloutIsHere(this.deps, p.rolloutId);
  handle(p: JobPayloads['rollout.command']): Promise<JobOutcome> {
    return executeCommand(this.deps, p.rolloutId, p.key);
  }
}

/** The safety net: every active rollout is looked at again, whatever happened to its jobs; leftover probe pods go. */
export class RolloutReconcileHandler implements JobHandler<'rollout.reconcile'> {
  readonly name = 'rollout.reconcile';
  constructor(private readonly deps: RolloutDeps) {}
  parse = (data: unknown): JobPayloads['rollout.reconcile'] => reconcilePayload.parse(data);
  async handle(): Promise<JobOutcome> {
    const { rollouts, swept, failures } = await reconcileAll(this.deps);
    const sweep = swept.length ? `; removed leftover probe pods ${swept.join(', ')}` : '';
    const failed = failures.length ? `; could not sweep probe pods of ${failures.join('; ')}` : '';
    return { status: 'done', detail: `${rollouts} active rollout(s) looked at${sweep}${failed}` };
  }
}

const driftPayload = z.strictObject({ v: z.literal(1), clusterId: z.uuid().optional() });

/** Re-reads the live policies of rolled-out clusters and re-runs a sample of probes; records drift. */
export class DriftCheckHandler implements JobHandler<'cluster.drift-check'> {
  readonly name = 'cluster.drift-check';
  constructor(private readonly deps: DriftDeps & { clustersToCheck(): Promise<string[]> }) {}
  parse = (data: unknown): JobPayloads['cluster.drift-check'] => driftPayload.parse(data);
  async handle(p: JobPayloads['cluster.drift-check']): Promise<JobOutcome> {
    const clusters = p.clusterId ? [p.clusterId] : await this.deps.clustersToCheck();
    let findings = 0;
    for (const id of clusters) findings += (await checkDrift(this.deps, id))?.findings.length ?? 0;
    return { status: 'done', detail: `${clusters.length} cluster(s) checked, ${findings} finding(s)` };
  }
}

const driftActionPayload = z.strictObject({ v: z.literal(1), actionId: z.uuid() });

/** Re-applies the plan to drifted namespaces, or accepts their live policies as a new plan version; then checks drift again. */
export class DriftActionHandler implements JobHandler<'drift.act'> {
  readonly name = 'drift.act';
  constructor(private readonly deps: DriftActionDeps) {}
  parse = (data: unknown): JobPayloads['drift.act'] => driftActionPayload.parse(data);
  isInThisDatabase = async (p: JobPayloads['drift.act']) => (await this.deps.actions.get(p.actionId)) !== null;
  handle = (p: JobPayloads['drift.act']): Promise<JobOutcome> => carryOutDriftAction(this.deps, p.actionId);
  gaveUp = (p: JobPayloads['drift.act'], error: string) => giveUpDriftAction(this.deps, p.actionId, error);
}
