import { z } from 'zod';
import { type RolloutDigest, type RolloutView, stageDigestSchema, stageSchema, stepDigestSchema, stepSchema } from './rollouts';

/**
 * The rollout event stream sends a rollout's whole state once, as its first `rollout` event, then only
 * what changed, as `patch` events: the rollout's own fields that changed or went away, and the stages
 * and steps that changed, by their index. A step is most of a state's size and a change moves a few of
 * them, so a patch is a small part of the state. Each patch names the version it applies to (`from`:
 * the version of the state the stream sent last; equal to `version` when only the stall or the next
 * actions changed, as when a newer plan of a halted rollout's cluster appears), so
 * a client that holds another version knows to read the whole state again. A stream of the light view
 * (`?view=digest`) sends the digest first and patches it the same way (rolloutDigestPatchSchema).
 */
export const rolloutPatchSchema = z.strictObject({
  from: z.number().describe('the version of the state this patch applies to'),
  version: z.number().describe('the version it makes'),
  set: z.record(z.string(), z.unknown()).describe("the rollout's own fields (not stages or steps) that changed, with their new values"),
  unset: z.array(z.string()).describe("the rollout's own fields that went away (a stall that ended, say)"),
  stages: z.array(z.tuple([z.number(), stageSchema])).describe('[index, stage] of each stage that changed'),
  steps: z.array(z.tuple([z.number(), stepSchema])).describe('[index, step] of each step that changed'),
});
export type RolloutPatch = z.infer<typeof rolloutPatchSchema>;

/** A patch of the light view: its stages and steps are digests. */
export const rolloutDigestPatchSchema = rolloutPatchSchema.extend({
  stages: z.array(z.tuple([z.number(), stageDigestSchema])).describe('[index, stage] of each stage that changed'),
  steps: z.array(z.tuple([z.number(), stepDigestSchema])).describe('[index, step] of each step that changed'),
});
export type RolloutDigestPatch = z.infer<typeof rolloutDigestPatchSchema>;

/** A rollout as a stream sends it, whole or light, and the patch that goes with it. */
type Patchable = RolloutView | RolloutDigest;
type PatchOf<V extends Patchable> = V extends RolloutDigest ? RolloutDigestPatch : RolloutPatch;

const same = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

function changed<T>(before: readonly T[], after: readonly T[]): Array<[number, T]> {
  const out: Array<[number, T]> = [];
  for (const [i, item] of after.entries()) if (!same(before[i], item)) out.push([i, item]);
  return out;
}

/** What turns `before` into `after`, two states of one rollout (stages and steps are fixed at creation, so they only change in place). */
export function rolloutPatch<V extends Patchable>(before: V, after: V): PatchOf<V> {
  const { stages: beforeStages, steps: beforeSteps, ...beforeOwn } = before;
  const { stages: afterStages, steps: afterSteps, ...afterOwn } = after;
  const set: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(afterOwn))
    if (value !== undefined && !same(value, beforeOwn[key as keyof typeof beforeOwn])) set[key] = value;
  const unset = Object.keys(beforeOwn).filter(
    (key) => beforeOwn[key as keyof typeof beforeOwn] !== undefined && afterOwn[key as keyof typeof afterOwn] === undefined,
  );
  return {
    from: before.version,
    version: after.version,
    set,
    unset,
    stages: changed<V['stages'][number]>(beforeStages, afterStages),
    steps: changed<V['steps'][number]>(beforeSteps, afterSteps),
  } as PatchOf<V>;
}

/** The state a patch makes from `state`, or null when the patch is for another version (read the whole state again). */
export function applyRolloutPatch<V extends Patchable>(state: V, patch: PatchOf<V>): V | null {
  if (state.version !== patch.from) return null;
  const next = { ...state, ...patch.set, version: patch.version } as V & Record<string, unknown>;
  for (const key of patch.unset) delete next[key];
  if (patch.stages.length > 0) {
    const stages: Array<V['stages'][number]> = state.stages.slice();
    for (const [index, stage] of patch.stages) stages[index] = stage;
    next.stages = stages;
  }
  if (patch.steps.length > 0) {
    const steps: Array<V['steps'][number]> = state.steps.slice();
    for (const [index, step] of patch.steps) steps[index] = step;
    next.steps = steps as V['steps'];
  }
  return next;
}
