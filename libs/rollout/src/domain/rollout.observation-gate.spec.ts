import { APPROVER, CREATOR, simulate } from '../testing/fixtures';
import type { RolloutWorld } from '../testing/rollout-world';
import { transition } from './machine';
import { COVERAGE_FRESH_MS, COVERAGE_RECHECK_MS, observationVerdict } from './observation-gate';
import { validateConfig } from './create';
import { stallOf } from './stall';

const DAY_MS = 86_400_000;
const T0 = '2026-03-02T09:00:00.000Z';
const daysBefore = (iso: string, days: number) => new Date(Date.parse(iso) - days * DAY_MS).toISOString();
const NAMESPACES = [
  { name: 'dev-a', tier: 'dev' as const },
  { name: 'prod-a', tier: 'prod' as const, dependents: 0 },
  { name: 'prod-b', tier: 'prod' as const, dependents: 1 },
];

/** A rollout whose prod asks for 7 days of observation, run through dev and prod's approval. */
async function toProd(observed: Record<string, string>): Promise<RolloutWorld> {
  const loop = await simulate({ namespaces: NAMESPACES, config: { minObservedDays: { prod: 7 }, waves: [1, 2] } }, T0);
  for (const [namespace, since] of Object.entries(observed)) loop.observedSince.set(namespace, since);
  await loop.send({ type: 'start', by: CREATOR });
  await loop.run();
  expect(loop.step('dev-a').phase).toBe('verified'); // dev asks for nothing: it never waits, never measures
  await loop.send({ type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' });
  return loop;
}

describe('observation gate: a tier that asks for days of observation', () => {
  it('starts the prod canary at once when it has been observed for the minimum', async () => {
    const loop = await toProd({ 'prod-a': daysBefore(T0, 8), 'prod-b': daysBefore(T0, 10) });
    await loop.run();
    expect(loop.state.status).toBe('completed');
    expect(Object.keys(loop.state.coverage!.observed)).toEqual(['prod-b']); // the last wave's measurement
    expect(loop.state.coverage!.observed['prod-b']).toMatchObject({ since: daysBefore(T0, 10) });
    expect(loop.audit.filter((a) => a.action === 'rollout.coverage.measure')).toHaveLength(2); // one per prod wave
    expect(loop.audit.some((a) => a.action === 'rollout.status.waiting_coverage')).toBe(true); // while each measurement ran
  });

  it('waits, naming the namespace short of it, until it has been observed long enough; nothing is applied meanwhile', async () => {
    const since = daysBefore(T0, 5);
    const loop = await toProd({ 'prod-a': since, 'prod-b': daysBefore(T0, 30) });
    await loop.run({ followWakeUps: false });
    expect(loop.state.status).toBe('waiting_coverage');
    const readyAt = new Date(Date.parse(since) + 7 * DAY_MS);
    expect(loop.state.coverageWait).toMatchObject({
      tier: 'prod',
      minObservedDays: 7,
      namespaces: ['prod-a'],
      short: [{ namespace: 'prod-a', observedSince: since, observedDays: expect.closeTo(5, 1) }],
      measuring: false,
      // measured again within the hour, not only once the two days are over: a gap may come, or a source connect
      recheckAt: new Date(Date.parse(loop.state.coverage!.measuredAt) + COVERAGE_RECHECK_MS).toISOString(),
    });
    expect(loop.step('prod-a').startedAt).toBeUndefined();
    expect(loop.commands).toEqual([expect.objectContaining({ type: 'wakeAt', at: loop.state.coverageWait!.recheckAt })]);
    // an early tick changes nothing
    expect(await loop.send({ type: 'tick' })).toMatchObject({ changed: false });
    await loop.run({ until: (s) => s.status !== 'waiting_coverage' });
    expect(Date.parse(loop.step('prod-a').startedAt!)).toBeGreaterThanOrEqual(readyAt.getTime());
    expect(Date.parse(loop.step('prod-a').startedAt!)).toBeLessThan(readyAt.getTime() + COVERAGE_RECHECK_MS + COVERAGE_FRESH_MS);
    await loop.run();
    expect(loop.state.status).toBe('completed');
  });

  it('goes by the latest measurement: a gap that moves the start of observation later makes it wait longer', async () => {
    const loop = await toProd({ 'prod-a': daysBefore(T0, 6.5), 'prod-b': daysBefore(T0, 30) });
    await loop.run({ followWakeUps: false });
    expect(loop.state.status).toBe('waiting_coverage');
    const gapEnded = new Date(Date.parse(T0) + 3_600_000).toISOString(); // the source was down; it is back an hour later
    loop.observedSince.set('prod-a', gapEnded);
    await loop.run({ until: (s) => s.coverage?.observed['prod-a']?.since === gapEnded });
    expect(loop.state.coverageWait?.short).toEqual([{ namespace: 'prod-a', observedSince: gapEnded, observedDays: expect.any(Number) }]);
    await loop.run({ until: (s) => s.steps.some((step) => step.namespace === 'prod-a' && step.startedAt), maxRounds: 2_000 });
    expect(Date.parse(loop.step('prod-a').startedAt!)).toBeGreaterThanOrEqual(Date.parse(gapEnded) + 7 * DAY_MS);
  });

  it('waits for a namespace that was never observed, measuring it every hour', async () => {
    const loop = await toProd({ 'prod-b': daysBefore(T0, 30) });
    await loop.run({ followWakeUps: false });
    expect(loop.state.coverageWait?.short).toEqual([{ namespace: 'prod-a', observedSince: null, observedDays: 0 }]);
    const firstMeasure = Date.parse(loop.state.coverage!.measuredAt);
    expect(Date.parse(loop.state.coverageWait!.recheckAt!)).toBe(firstMeasure + COVERAGE_RECHECK_MS);
    await loop.run({ maxRounds: 12, followWakeUps: true });
    expect(loop.state.status).toBe('waiting_coverage');
    expect(Date.parse(loop.state.coverage!.measuredAt)).toBeGreaterThan(firstMeasure);
  });

  it('is stalled only while a measurement it asked for does not come back, not while it waits for time to pass', async () => {
    const loop = await toProd({ 'prod-b': daysBefore(T0, 30) });
    const asked = loop.state; // the approval started prod: a measurement is asked for
    expect(asked.coverageWait?.measuring).toBe(true);
    expect(loop.commands).toEqual([expect.objectContaining({ type: 'measureCoverage', namespaces: ['prod-a'] })]);
    const late = new Date(Date.parse(asked.updatedAt) + 10 * 60_000);
    expect(stallOf(asked, late, 120_000)?.reason).toContain('while waiting coverage');
    await loop.run({ followWakeUps: false });
    expect(loop.state.coverageWait?.measuring).toBe(false);
    expect(stallOf(loop.state, new Date(Date.parse(loop.state.updatedAt) + 10 * 60_000), 120_000)).toBeUndefined();
  });

  it('can be paused while it waits, and does not measure while paused', async () => {
    const loop = await toProd({ 'prod-b': daysBefore(T0, 30) });
    await loop.run({ followWakeUps: false });
    await loop.send({ type: 'pause', by: CREATOR });
    expect(loop.state.status).toBe('paused');
    expect(loop.state.coverageWait).toBeUndefined();
    expect(loop.commands.filter((c) => c.type === 'measureCoverage')).toEqual([]);
  });

  it('refuses a measurement with a bad time, naming the field, and ignores one that is not newer', async () => {
    const loop = await toProd({ 'prod-b': daysBefore(T0, 30) });
    await loop.run({ followWakeUps: false });
    const bad = transition(loop.state, { type: 'coverageMeasured', at: 'yesterday', observed: {} }, loop.now);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input', problems: [{ field: 'at' }] } });
    const badSpan = transition(
      loop.state,
      { type: 'coverageMeasured', at: T0, observed: { 'prod-a': { since: 'soon', until: T0 } } },
      loop.now,
    );
    expect(badSpan).toMatchObject({ ok: false, error: { problems: [{ field: 'observed' }] } });
    const backwards = transition(
      loop.state,
      { type: 'coverageMeasured', at: T0, observed: { 'prod-a': { since: T0, until: daysBefore(T0, 1) } } },
      loop.now,
    );
    expect(backwards).toMatchObject({ ok: false, error: { problems: [{ field: 'observed' }] } });
    const stale = transition(loop.state, { type: 'coverageMeasured', at: daysBefore(T0, 1), observed: { 'prod-a': null } }, loop.now);
    expect(stale).toMatchObject({ ok: true, changed: false, ignored: 'a newer measurement is recorded' });
  });
});

describe('observation verdict', () => {
  const now = Date.parse(T0);
  /** A measurement `ageMs` old of spans observed up to it. */
  const measured = (ageMs: number, since: Record<string, string | null>) => {
    const measuredAt = new Date(now - ageMs).toISOString();
    const observed = Object.fromEntries(Object.entries(since).map(([ns, from]) => [ns, from ? { since: from, until: measuredAt } : null]));
    return { measuredAt, observed };
  };

  it.each([
    ['no minimum: open without a measurement', undefined, 0, 'open'],
    ['no measurement yet: measure', undefined, 7, 'measure'],
    ['a measurement older than five minutes: measure again', measured(COVERAGE_FRESH_MS, { a: daysBefore(T0, 30) }), 7, 'measure'],
    ['a fresh measurement without the namespace: measure', measured(0, { b: daysBefore(T0, 30) }), 7, 'measure'],
    ['a fresh measurement that shows the days: open', measured(60_000, { a: daysBefore(T0, 7.01) }), 7, 'open'],
    ['a fresh measurement a minute short of the days: wait', measured(60_000, { a: daysBefore(T0, 7 - 1 / 1440) }), 7, 'wait'],
    ['never observed: wait', measured(0, { a: null }), 0.5, 'wait'],
  ] as const)('%s', (_name, coverage, minDays, expected) => {
    expect(observationVerdict(coverage, ['a'], minDays, now).kind).toBe(expected);
  });

  it('goes by the span observed, not the time since it began: an import of two days, a month ago, is two days', () => {
    const measuredAt = new Date(now).toISOString();
    const oldImport = { measuredAt, observed: { a: { since: daysBefore(T0, 30), until: daysBefore(T0, 28) } } };
    // it will not grow by waiting: measured again in an hour, in case a source connects
    expect(observationVerdict(oldImport, ['a'], 7, now)).toEqual({
      kind: 'wait',
      short: [{ namespace: 'a', observedSince: daysBefore(T0, 30), observedDays: 2 }],
      recheckAt: now + COVERAGE_RECHECK_MS,
    });
  });

  it('measures again once the last short namespace reaches the minimum, or within the hour, never within five minutes', () => {
    const soon = observationVerdict(measured(0, { a: daysBefore(T0, 7 - 1 / 1440) }), ['a'], 7, now);
    expect(soon).toMatchObject({ kind: 'wait', recheckAt: now + COVERAGE_FRESH_MS });
    const later = observationVerdict(measured(0, { a: daysBefore(T0, 6.99) }), ['a'], 7, now);
    expect(later).toMatchObject({ kind: 'wait', recheckAt: now + 0.01 * DAY_MS });
    const far = observationVerdict(measured(0, { a: daysBefore(T0, 1) }), ['a'], 7, now);
    expect(far).toMatchObject({ kind: 'wait', recheckAt: now + COVERAGE_RECHECK_MS });
  });
});

describe('config.minObservedDays', () => {
  it.each([
    [{ prod: 7, staging: 0.5 }, []],
    [{ qa: 3 }, ['config.minObservedDays.qa']],
    [{ prod: -1 }, ['config.minObservedDays.prod']],
    [{ prod: 400 }, ['config.minObservedDays.prod']],
    [{ prod: '7' }, ['config.minObservedDays.prod']],
    [[7], ['config.minObservedDays']],
  ])('%j', (minObservedDays, fields) => {
    expect(validateConfig({ minObservedDays } as never).map((p) => p.field)).toEqual(fields);
  });
});
