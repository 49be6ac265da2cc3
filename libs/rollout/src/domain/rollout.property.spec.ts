/**
 * Crash safety as a property: whatever the interleaving of results, duplicated and replayed events, lost
 * results, lost commands (a crash, or a flushed Redis: only the state survives and a tick re-derives the
 * work), late commands from older states, operator actions and the passage of time, once the loop is
 * allowed to finish:
 * - every step is verified or restored (or never started), and the cluster holds exactly the plan or
 *   exactly the snapshot;
 * - no probe outcome, attempt or snapshot changes once recorded; phases only move forward;
 * - no step started outside its window or without its stage's approval by someone other than the creator;
 * - the version moves by exactly one per change;
 * - a command key, once no longer asked for, is never asked for again.
 */
import fc from 'fast-check';
import { transition } from './machine';
import { APPROVER, CREATOR, createInput, policy } from './testing/fixtures';
import { SimulatedCluster } from './testing/simulated-loop';
import { propertyRuns } from '../../../../test/support/property-runs';
import { windowOpen, type TimeWindow } from './time/windows';
import type { PolicyDocument, ProbeObservation, RolloutCommand, RolloutEvent, RolloutState, StepPhase, Tier } from './types';

const T0 = Date.parse('2026-01-05T02:00:00.000Z');
const TIERS: Tier[] = ['dev', 'staging', 'prod'];
const RANK: Record<StepPhase, number> = { pending: 0, snapshotted: 1, applied: 2, settled: 3, probed: 4, verified: 5, restoring: 6, restored: 7 };

type Action =
  | { kind: 'exec'; pick: number }
  | { kind: 'late'; pick: number }
  | { kind: 'deliver'; pick: number }
  | { kind: 'replay'; pick: number }
  | { kind: 'lose'; pick: number }
  | { kind: 'crash'; flush: boolean }
  | { kind: 'tick'; ms: number }
  | { kind: 'wake' }
  | { kind: 'approve'; byCreator: boolean }
  | { kind: 'reject' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'abort' }
  | { kind: 'rollback'; scope: number };

const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('exec' as const), pick: fc.nat() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('late' as const), pick: fc.nat() }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('deliver' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('lose' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('crash' as const), flush: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 600_000 }) }) },
  { weight: 2, arbitrary: fc.constant({ kind: 'wake' as const }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('approve' as const), byCreator: fc.boolean() }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'reject' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'pause' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'resume' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'abort' as const }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rollback' as const), scope: fc.nat() }) },
);

const observationArb = fc.constantFrom<ProbeObservation>('reached', 'reached', 'not_reached', 'error');

const worldArb = fc.record({
  namespaces: fc.array(fc.record({ tier: fc.constantFrom<Tier>(...TIERS), dependents: fc.nat({ max: 4 }) }), { minLength: 1, maxLength: 6 }),
  waves: fc.constantFrom([1], [1, 2], [2], [1, 2, 4]),
  settleMs: fc.constantFrom(0, 1_000, 60_000),
  retries: fc.integer({ min: 0, max: 2 }),
  retryDelayMs: fc.constantFrom(0, 1_000),
  windowed: fc.array(fc.boolean(), { minLength: 3, maxLength: 3 }),
  freeze: fc.boolean(),
  scripts: fc.array(fc.array(observationArb, { minLength: 1, maxLength: 3 }), { minLength: 18, maxLength: 18 }),
  endWithAbort: fc.boolean(),
});

type World = typeof worldArb extends fc.Arbitrary<infer W> ? W : never;

function setUp(world: World) {
  const names = world.namespaces.map((_, i) => `ns-${i}`);
  const windows: Partial<Record<Tier, TimeWindow[]>> = {};
  TIERS.forEach((t, i) => {
    if (world.windowed[i]) windows[t] = [{ kind: 'cron', expression: '*/30 * * * *', durationMinutes: 10, timeZone: 'Europe/Berlin' }];
  });
  const input = createInput({
    namespaces: world.namespaces.map((n, i) => ({ name: names[i], tier: n.tier, dependents: n.dependents })),
    config: {
      waves: [...world.waves],
      settleMs: world.settleMs,
      probe: { retries: world.retries, timeoutMs: 1_000, retryDelayMs: world.retryDelayMs },
      restoreRetryMs: 1_000,
      windows,
      freezes: world.freeze ? [{ kind: 'once', start: new Date(T0 + 3_600_000).toISOString(), durationMinutes: 120, timeZone: 'UTC' }] : [],
    },
  });
  const original: Record<string, PolicyDocument[]> = {};
  const plan: Record<string, PolicyDocument[]> = {};
  names.forEach((n, i) => {
    original[n] = i % 2 ? [] : [policy(n, 'legacy', { podSelector: { matchLabels: { app: `a${i}` } }, ingress: [{}] })];
    plan[n] = [policy(n, 'default-deny'), policy(n, `allow-${i}`)];
  });
  // each probe follows a script picked from the world (by its index), one observation per execution,
  // cycling: running the same attempt twice may see something else, as on a real, flaky network
  const scriptOf = new Map<string, ProbeObservation[]>();
  const executions = new Map<string, number>();
  input.namespaces.forEach((n, i) => n.probes.forEach((p, j) => scriptOf.set(p.id, world.scripts[(i * 3 + j) % world.scripts.length])));
  const cluster = new SimulatedCluster(original, plan, (run) => {
    const s = scriptOf.get(run.probe.id)!;
    const k = executions.get(run.probe.id) ?? 0;
    executions.set(run.probe.id, k + 1);
    return { observed: s[k % s.length], detail: `execution ${k + 1}` };
  });
  const created = transition(undefined, { type: 'create', input }, new Date(T0));
  if (!created.ok) throw new Error(created.error.message);
  return { cluster, state: created.state, commands: created.commands, names };
}

function check(history: RolloutState[]): void {
  for (let i = 1; i < history.length; i++) {
    const a = history[i - 1];
    const b = history[i];
    expect(b.version).toBe(a.version + 1);
    a.steps.forEach((sa, k) => {
      const sb = b.steps[k];
      expect(RANK[sb.phase]).toBeGreaterThanOrEqual(RANK[sa.phase]);
      if (sa.snapshot) expect(sb.snapshot).toEqual(sa.snapshot);
      if (sa.startedAt) expect(sb.startedAt).toBe(sa.startedAt);
      sa.probes.forEach((pa, j) => {
        const pb = sb.probes[j];
        if (pa.outcome) expect(pb.outcome).toBe(pa.outcome);
        expect(pb.attempts.slice(0, pa.attempts.length)).toEqual(pa.attempts);
        pb.attempts.forEach((at, n) => expect(at.attempt).toBe(n + 1));
      });
    });
  }
}

function run(world: World, actions: Action[]): void {
  const { cluster, names } = setUp(world);
  let { state } = setUp(world);
  let now = T0;
  let pool: RolloutCommand[] = [];
  let latest: RolloutCommand[] = [];
  const retired = new Set<string>();
  const inbox: RolloutEvent[] = [];
  const delivered: RolloutEvent[] = [];
  const history: RolloutState[] = [state];

  const record = (event: RolloutEvent): boolean => {
    const r = transition(state, event, new Date(now));
    if (!r.ok) return false;
    if (r.changed) history.push(r.state);
    state = r.state;
    // a command key that stopped being wanted is never wanted again (so a retained job id cannot block it)
    for (const c of latest) if (c.type !== 'wakeAt' && !r.commands.some((n) => n.key === c.key)) retired.add(c.key);
    for (const c of r.commands) expect(retired.has(c.key)).toBe(false);
    latest = r.commands;
    for (const c of r.commands) if (!pool.some((p) => p.key === c.key)) pool.push(c);
    return true;
  };
  const waitingTier = (): Tier | undefined =>
    state.status === 'waiting_approval' || state.status === 'paused' ? state.stages.find((s) => s.status === 'waiting_approval')?.tier : undefined;
  const wake = (): void => {
    const w = pool.filter((c): c is Extract<RolloutCommand, { type: 'wakeAt' }> => c.type === 'wakeAt').map((c) => Date.parse(c.at));
    if (w.length > 0) now = Math.max(now, Math.min(...w));
    pool = pool.filter((c) => c.type !== 'wakeAt' || Date.parse(c.at) > now);
    record({ type: 'tick' });
  };
  const exec = (c: RolloutCommand): void => {
    inbox.push(...cluster.execute(state, c, new Date(now)));
  };

  record({ type: 'start', by: CREATOR });
  for (const a of actions) {
    switch (a.kind) {
      case 'exec': {
        const work = pool.filter((c) => c.type !== 'wakeAt' && c.type !== 'requestApproval');
        if (work.length > 0) exec(work[a.pick % work.length]);
        break;
      }
      case 'late': {
        // a job from an older state runs late (BullMQ retry, slow worker): the executor must skip it
        const stale = pool.filter((c) => (c.type === 'applyPolicies' || c.type === 'restoreNamespace' || c.type === 'snapshotNamespace') && !latest.some((l) => l.key === c.key));
        if (stale.length > 0) exec(stale[a.pick % stale.length]);
        break;
      }
      case 'deliver':
        if (inbox.length > 0) {
          const [e] = inbox.splice(a.pick % inbox.length, 1);
          delivered.push(e);
          expect(record(e)).toBe(true);
        }
        break;
      case 'replay':
        if (delivered.length > 0) {
          const before = state;
          expect(record(delivered[a.pick % delivered.length])).toBe(true);
          // a replay of a recorded result is harmless: probe outcomes and snapshots are checked below
          expect(state.steps.map((s) => s.snapshot)).toEqual(before.steps.map((s) => s.snapshot));
        }
        break;
      case 'lose':
        if (inbox.length > 0) inbox.splice(a.pick % inbox.length, 1);
        break;
      case 'crash':
        // a worker dies: results not yet recorded are lost; with a flushed Redis, every queued job too
        inbox.length = 0;
        if (a.flush) pool = [];
        record({ type: 'tick' }); // the reconciler looks again: only the stored state survives
        break;
      case 'tick':
        now += a.ms;
        record({ type: 'tick' });
        break;
      case 'wake':
        wake();
        break;
      case 'approve': {
        const tier = waitingTier();
        if (tier) {
          const ok = record({ type: 'approve', tier, by: a.byCreator ? CREATOR : APPROVER, actorId: a.byCreator ? CREATOR : APPROVER, role: 'approver' });
          expect(ok).toBe(!a.byCreator);
        }
        break;
      }
      case 'reject': {
        const tier = waitingTier();
        if (tier) record({ type: 'reject', tier, by: APPROVER, actorId: APPROVER, role: 'approver' });
        break;
      }
      case 'pause':
        record({ type: 'pause', by: CREATOR });
        break;
      case 'resume':
        record({ type: 'resume', by: CREATOR });
        break;
      case 'abort':
        record({ type: 'abort', by: CREATOR });
        break;
      case 'rollback': {
        const n = a.scope % (names.length + 4);
        const scope = n < names.length ? { kind: 'namespace' as const, namespace: names[n] } : n === names.length ? { kind: 'all' as const } : { kind: 'stage' as const, tier: TIERS[n - names.length - 1] };
        record({ type: 'rollback', by: CREATOR, scope });
        break;
      }
    }
  }

  // Let the loop finish: deliver what is in flight, then behave like a faithful loop with a patient operator.
  while (inbox.length > 0) {
    const e = inbox.shift()!;
    delivered.push(e);
    record(e);
  }
  pool = [];
  record({ type: 'tick' });
  for (let round = 0; round < 2_000; round++) {
    const final = ['aborted', 'rolled_back', 'completed'].includes(state.status) && !state.steps.some((s) => s.phase === 'restoring');
    if (final) break;
    const work = pool.filter((c) => c.type !== 'wakeAt' && c.type !== 'requestApproval');
    pool = [];
    if (work.length > 0) {
      for (const c of work) exec(c);
      while (inbox.length > 0) record(inbox.shift()!);
      record({ type: 'tick' });
      continue;
    }
    if (state.status === 'paused') record({ type: 'resume', by: CREATOR });
    else if (state.status === 'halted') record(world.endWithAbort ? { type: 'abort', by: CREATOR } : { type: 'rollback', by: CREATOR, scope: { kind: 'all' } });
    else if (state.status === 'draft' || state.status === 'scheduled') record({ type: 'start', by: CREATOR });
    else if (state.status === 'waiting_approval') record({ type: 'approve', tier: waitingTier()!, by: APPROVER, actorId: APPROVER, role: 'approver' });
    else {
      record({ type: 'tick' });
      wake();
    }
  }

  expect(['aborted', 'rolled_back', 'completed']).toContain(state.status);
  check(history);
  for (const s of state.steps) {
    const policies = cluster.policies.get(s.namespace);
    if (s.phase === 'verified') expect(policies).toEqual(cluster.plan[s.namespace]);
    else if (s.phase === 'restored' || (s.phase === 'pending' && !s.startedAt)) {
      expect(JSON.stringify(policies)).toBe(JSON.stringify(cluster.original[s.namespace]));
      if (s.snapshot) expect(s.snapshot.policies).toEqual(cluster.original[s.namespace]);
    } else throw new Error(`step ${s.id} ended in ${s.phase}`);
    if (s.startedAt) {
      const windows = state.config.windows[s.tier] ?? [];
      expect(windowOpen(new Date(s.startedAt), windows, state.config.freezes)).toBe(true);
      const stageIndex = state.stages.findIndex((st) => st.tier === s.tier);
      if (stageIndex > 0) {
        const decision = state.stages[stageIndex].approval?.decision;
        expect(decision).toMatchObject({ approved: true });
        expect(decision?.by).not.toBe(CREATOR);
        expect(Date.parse(s.startedAt)).toBeGreaterThanOrEqual(Date.parse(decision!.at));
      }
    }
  }
  // completed: everything verified, except namespaces an operator rolled back afterwards
  if (state.status === 'completed') expect(state.steps.every((s) => s.phase === 'verified' || (s.phase === 'restored' && s.restore?.cause === 'rollback'))).toBe(true);
}

describe('crash safety (property)', () => {
  it('every step ends verified or restored, whatever happens on the way', () => {
    fc.assert(
      fc.property(worldArb, fc.array(actionArb, { minLength: 10, maxLength: 120, size: 'max' }), (world, actions) => run(world, actions)),
      { numRuns: propertyRuns(250) },
    );
  });

  it('with nothing going wrong, the same world always completes', () => {
    fc.assert(
      fc.property(worldArb, (world) => {
        const calm = { ...world, scripts: world.scripts.map(() => ['reached' as ProbeObservation]), freeze: false };
        // must-be-blocked probes must not reach in a calm world
        const { cluster, state } = setUp(calm);
        const original = cluster.oracle;
        cluster.oracle = (runArg, ns) => (runArg.probe.expectation === 'blocked' ? { observed: 'not_reached' } : original(runArg, ns));
        let s = state;
        let now = T0;
        const send = (e: RolloutEvent) => {
          const r = transition(s, e, new Date(now));
          if (!r.ok) throw new Error(r.error.message);
          s = r.state;
          return r.commands;
        };
        let commands = send({ type: 'start', by: CREATOR });
        for (let i = 0; i < 2_000 && s.status !== 'completed'; i++) {
          const work = commands.filter((c) => c.type !== 'wakeAt' && c.type !== 'requestApproval');
          if (work.length > 0) {
            const events = work.flatMap((c) => cluster.execute(s, c, new Date(now)));
            for (const e of events) send(e);
            commands = send({ type: 'tick' });
          } else if (s.status === 'waiting_approval') commands = send({ type: 'approve', tier: s.stages.find((x) => x.status === 'waiting_approval')!.tier, by: APPROVER, actorId: APPROVER, role: 'approver' });
          else {
            const w = commands.find((c): c is Extract<RolloutCommand, { type: 'wakeAt' }> => c.type === 'wakeAt');
            if (!w) throw new Error(`stuck in ${s.status}`);
            now = Date.parse(w.at);
            commands = send({ type: 'tick' });
          }
        }
        expect(s.status).toBe('completed');
        expect(s.steps.every((x) => x.phase === 'verified')).toBe(true);
      }),
      { numRuns: propertyRuns(100) },
    );
  });
});
