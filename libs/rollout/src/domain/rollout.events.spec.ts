import { isCommandCurrent, outstandingCommands } from './commands';
import { transition, transitionAll } from './machine';
import { CREATOR, createInput, simulate, snapshotTaken, T0 } from '../testing/fixtures';
import type { RolloutEvent } from './types';

const now = new Date(T0);

describe('create', () => {
  it.each<[string, (i: ReturnType<typeof createInput>) => void, string]>([
    ['an id with a colon (job ids cannot have one)', (i) => (i.id = 'r:1'), 'id'],
    ['no namespaces', (i) => (i.namespaces = []), 'namespaces'],
    ['a namespace twice', (i) => i.namespaces.push({ ...i.namespaces[0]! }), 'namespaces[1].name'],
    ['an unknown tier', (i) => (i.namespaces[0]!.tier = 'qa' as never), 'namespaces[0].tier'],
    ['negative dependents', (i) => (i.namespaces[0]!.dependents = -1), 'namespaces[0].dependents'],
    ['a probe id twice', (i) => i.namespaces[0]!.probes.push({ ...i.namespaces[0]!.probes[0]! }), 'namespaces[0].probes[3].id'],
    ['a bad probe port', (i) => (i.namespaces[0]!.probes[0]!.port = 70000), 'namespaces[0].probes[0].port'],
    ['zero-size waves', (i) => (i.config = { waves: [1, 0] }), 'config.waves'],
    ['negative retries', (i) => (i.config = { probe: { retries: -1 } }), 'config.probe.retries'],
    [
      'a bad cron field',
      (i) => (i.config = { windows: { prod: [{ kind: 'cron', expression: '0 2 * * FUNDAY', durationMinutes: 60, timeZone: 'UTC' }] } }),
      'config.windows.prod[0].day-of-week',
    ],
    [
      'a bad RRULE part',
      (i) =>
        (i.config = {
          freezes: [{ kind: 'rrule', rule: 'DTSTART:20260101T000000\nRRULE:FREQ=HOURLY', durationMinutes: 60, timeZone: 'UTC' }],
        }),
      'config.freezes[0].FREQ',
    ],
    [
      'a bad time zone',
      (i) => (i.config = { windows: { dev: [{ kind: 'cron', expression: '0 2 * * *', durationMinutes: 60, timeZone: 'Berlin' }] } }),
      'config.windows.dev[0].timeZone',
    ],
  ])('refuses %s, naming the field', async (_name, mutate, field) => {
    const input = createInput({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    mutate(input);
    const r = transition(undefined, { type: 'create', input }, now);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid_input');
      expect(r.error.problems?.map((p) => p.field)).toContain(field);
    }
  });

  it('refuses a second create and events for a rollout that does not exist', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    expect(await loop.send({ type: 'create', input: createInput({ namespaces: [{ name: 'dev-a', tier: 'dev' }] }) }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.already_exists' },
    });
    expect(transition(undefined, { type: 'tick' }, now)).toMatchObject({ ok: false, error: { code: 'not_found' } });
  });

  it('is JSON all the way through', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    expect(JSON.parse(JSON.stringify(loop.state))).toEqual(loop.state);
  });
});

describe('stale and duplicated events change nothing', () => {
  /** dev-a snapshotted and applied by the real loop, waiting out its settle time. */
  async function applied() {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'dev-b', tier: 'dev' },
      ],
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ followWakeUps: false });
    expect(loop.step('dev-a').phase).toBe('applied');
    const applyEvents: RolloutEvent[] = [{ type: 'applied', stepId: 'r1.dev-a' }];
    return { loop, applyEvents };
  }

  it.each<[string, (x: Awaited<ReturnType<typeof applied>>) => RolloutEvent]>([
    ['the snapshot result again (with other policies)', () => ({ type: 'snapshotTaken', stepId: 'r1.dev-a', policies: [{ evil: true }] })],
    ['the apply result again', (x) => x.applyEvents[0]!],
    ['an apply failure after the apply succeeded', () => ({ type: 'applyFailed', stepId: 'r1.dev-a', error: 'late' })],
    [
      'a probe result before the settle time',
      () => ({ type: 'probeResult', stepId: 'r1.dev-a', probeId: 'connect-dev-a', attempt: 1, observed: 'not_reached' }),
    ],
    ['a restore result for a step that is not restoring', () => ({ type: 'restored', stepId: 'r1.dev-a', attempt: 1 })],
    ['a snapshot for a step that has not started', () => ({ type: 'snapshotTaken', stepId: 'r1.dev-b', policies: [] })],
  ])('%s', async (_name, make) => {
    const x = await applied();
    const before = x.loop.state;
    const r = transition(before, make(x), x.loop.now);
    expect(r).toMatchObject({ ok: true, changed: false, audit: [] });
    expect(r.ok && r.ignored).toBeTruthy();
    // recorded through the loop, it stores nothing
    expect(await x.loop.send(make(x))).toMatchObject({ ok: true, changed: false });
    expect(x.loop.state).toBe(before);
  });

  it('a probe result for an attempt already recorded, or one not yet asked for, is ignored; the outcome never changes', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ until: (s) => s.steps[0]?.phase === 'settled' });
    const ev = (attempt: number, observed: 'reached' | 'not_reached'): RolloutEvent => ({
      type: 'probeResult',
      stepId: 'r1.dev-a',
      probeId: 'connect-dev-a',
      attempt,
      observed,
    });
    expect(await loop.send(ev(2, 'reached'))).toMatchObject({ changed: false });
    await loop.send(ev(1, 'reached'));
    expect(loop.step('dev-a').probes[0]!.outcome).toBe('passed');
    expect(await loop.send(ev(1, 'not_reached'))).toMatchObject({ changed: false });
    expect(await loop.send(ev(2, 'not_reached'))).toMatchObject({ changed: false });
    expect(loop.step('dev-a').probes[0]!.outcome).toBe('passed');
  });

  it('events naming an unknown step or probe are errors', async () => {
    const { loop } = await applied();
    expect(await loop.send({ type: 'applied', stepId: 'r1.nope' }, true)).toMatchObject({
      ok: false,
      error: { code: 'rollout.unknown_step' },
    });
    expect(
      await loop.send({ type: 'probeResult', stepId: 'r1.dev-a', probeId: 'nope', attempt: 1, observed: 'reached' }, true),
    ).toMatchObject({ ok: false, error: { code: 'rollout.unknown_probe' } });
  });

  it('an invalid clock is refused', async () => {
    const { loop } = await applied();
    expect(transition(loop.state, { type: 'tick' }, new Date(NaN))).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('a batch of results is one change', () => {
  /** dev-a settled, and the results its probe batch would bring (every probe as expected). */
  async function probing() {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run({ until: (s) => s.steps[0]?.phase === 'settled' });
    const batch = loop.commands.find((c) => c.type === 'runProbes')!;
    const results: RolloutEvent[] =
      batch.type !== 'runProbes'
        ? []
        : batch.probes.map((run) => ({
            type: 'probeResult',
            stepId: batch.stepId,
            probeId: run.probe.id,
            attempt: run.attempt,
            observed: run.probe.expectation === 'blocked' ? 'not_reached' : 'reached',
          }));
    return { loop, results };
  }

  it('folds the results in order into one version, leaving out the one the domain refuses', async () => {
    const { loop, results } = await probing();
    expect(results.length).toBeGreaterThan(1);
    const unknown: RolloutEvent = { type: 'probeResult', stepId: 'r1.dev-a', probeId: 'nope', attempt: 1, observed: 'reached' };
    const r = transitionAll(loop.state, [results[0]!, unknown, ...results.slice(1)], loop.now);
    let one = loop.state;
    for (const e of results) {
      const step = transition(one, e, loop.now);
      if (step.ok) one = step.state;
    }
    expect(r).toMatchObject({ ok: true, changed: true });
    if (!r.ok) return;
    expect(r.state.version).toBe(loop.state.version + 1);
    expect(r.state.steps).toEqual(one.steps);
    expect(r.state.status).toBe(one.status);
    expect(r.audit.filter((a) => a.action === 'rollout.step.probe')).toHaveLength(results.length);
    expect(new Set(r.audit.map((a) => a.version))).toEqual(new Set([r.state.version]));
    expect(r.commands).toEqual(outstandingCommands(r.state, loop.now));
  });

  it('is refused only when every result is, and an empty batch is refused', async () => {
    const { loop } = await probing();
    const unknown: RolloutEvent = { type: 'probeResult', stepId: 'r1.dev-a', probeId: 'nope', attempt: 1, observed: 'reached' };
    expect(transitionAll(loop.state, [unknown, unknown], loop.now)).toMatchObject({ ok: false, error: { code: 'unknown_probe' } });
    expect(transitionAll(loop.state, [], loop.now)).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });
});

describe('commands come from the state alone', () => {
  it('a tick re-issues the same commands with the same keys (what a reconciler does after a crash)', async () => {
    const loop = await simulate({
      namespaces: [
        { name: 'dev-a', tier: 'dev' },
        { name: 'dev-b', tier: 'dev' },
        { name: 'dev-c', tier: 'dev' },
      ],
    });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    expect(loop.state.status).toBe('completed');
    // every version the loop wrote, looked at again when it was written, asks for exactly what it asked for then
    expect(loop.history.length).toBeGreaterThan(12);
    for (const state of loop.history.slice(1)) {
      const at = new Date(state.updatedAt);
      const again = transition(state, { type: 'tick' }, at);
      expect(again).toMatchObject({ ok: true, changed: false });
      expect(again.ok && again.commands).toEqual(outstandingCommands(state, at));
    }
  });

  it('a late apply is no longer current once an abort has asked for the restore', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.send(snapshotTaken(loop, 'dev-a'));
    const apply = loop.commands.find((c) => c.type === 'applyPolicies')!;
    expect(isCommandCurrent(loop.state, apply, loop.now)).toBe(true);
    await loop.send({ type: 'abort', by: CREATOR });
    expect(isCommandCurrent(loop.state, apply, loop.now)).toBe(false);
    // the apply's job runs late: the worker skips it without touching the cluster
    expect(await loop.execute(apply.key)).toMatchObject({ status: 'skipped' });
    await loop.run();
    expect(loop.cluster.policiesOf('dev-a')).toEqual(loop.cluster.original['dev-a']);
    expect(loop.cluster.calls.map((c) => c.method).filter((method) => method !== 'readPolicies')).toEqual(['restorePolicies']);
  });

  it('command keys never contain ":" (BullMQ refuses them in job ids)', async () => {
    const loop = await simulate({ namespaces: [{ name: 'dev-a', tier: 'dev' }] });
    await loop.send({ type: 'start', by: CREATOR });
    await loop.run();
    const keys = loop.history.flatMap((state) => outstandingCommands(state, new Date(state.updatedAt)).map((c) => c.key));
    expect(keys).toEqual(expect.arrayContaining(['r1.dev-a.snapshot', 'r1.dev-a.apply', expect.stringMatching(/^r1\.dev-a\.probes\./)]));
    for (const k of keys) expect(k).not.toContain(':');
  });
});
