import { APPROVER, CREATOR, simulate } from '../testing/fixtures';
import { windowsFor } from './commands';
import { windowOpen, type TimeWindow } from './time/windows';
import type { Freeze, RolloutState } from './types';
import type { RolloutWorld } from '../testing/rollout-world';

const SATURDAY = '2026-01-10T10:00:00.000Z';
const prodNights: TimeWindow = {
  kind: 'cron',
  name: 'prod weekday nights',
  expression: '0 2 * * MON-FRI',
  durationMinutes: 180,
  timeZone: 'UTC',
};
const NAMESPACES = [
  { name: 'dev-a', tier: 'dev' as const },
  { name: 'prod-a', tier: 'prod' as const, dependents: 0 },
  { name: 'prod-b', tier: 'prod' as const, dependents: 1 },
  { name: 'prod-c', tier: 'prod' as const, dependents: 2 },
];

async function toProdGate(freezes: Freeze[] = [], settleMs = 60_000): Promise<RolloutWorld> {
  const loop = await simulate({ namespaces: NAMESPACES, config: { windows: { prod: [prodNights] }, freezes, settleMs } }, SATURDAY);
  await loop.send({ type: 'start', by: CREATOR });
  await loop.run();
  expect(loop.step('dev-a').phase).toBe('verified'); // dev has no windows: any time
  await loop.send({ type: 'approve', tier: 'prod', by: APPROVER, actorId: APPROVER, role: 'approver' });
  return loop;
}

function everyStartInsideItsWindow(state: RolloutState): void {
  for (const s of state.steps.filter((x) => x.startedAt)) {
    const { windows, freezes } = windowsFor(state.config, s.tier);
    expect(windowOpen(new Date(s.startedAt!), windows, freezes)).toBe(true);
  }
}

describe('maintenance windows', () => {
  it('a prod step never starts outside its window: it waits for Monday 02:00', async () => {
    const loop = await toProdGate();
    expect(loop.state.status).toBe('waiting_window');
    expect(loop.state.opensAt).toBe('2026-01-12T02:00:00.000Z');
    expect(loop.step('prod-a').startedAt).toBeUndefined();
    expect(loop.commands).toEqual([
      expect.objectContaining({ type: 'wakeAt', at: '2026-01-12T02:00:00.000Z', key: 'r1.wake.1768183200000' }),
    ]);
    // an early tick changes nothing
    loop.advanceTo('2026-01-12T01:59:59Z');
    expect(await loop.send({ type: 'tick' })).toMatchObject({ changed: false });
    await loop.run({ until: (st) => st.status !== 'waiting_window' });
    expect(loop.state.opensAt).toBeUndefined();
    await loop.run();
    expect(loop.step('prod-a').startedAt).toBe('2026-01-12T02:00:00.000Z');
    expect(loop.state.status).toBe('completed');
    everyStartInsideItsWindow(loop.state);
  });

  it('a step that started inside the window finishes after it closes; the next wave waits for the next window', async () => {
    const loop = await toProdGate([], 4 * 3_600_000); // settling takes 4 h, past the 05:00 close
    await loop.run({ until: (s) => s.steps.find((x) => x.namespace === 'prod-a')!.phase === 'verified' });
    const canary = loop.step('prod-a');
    expect(canary.startedAt).toBe('2026-01-12T02:00:00.000Z');
    expect(Date.parse(canary.verifiedAt!)).toBeGreaterThanOrEqual(Date.parse('2026-01-12T06:00:00Z'));
    expect(loop.state.status).toBe('waiting_window');
    expect(loop.state.opensAt).toBe('2026-01-13T02:00:00.000Z');
    await loop.run();
    expect(loop.step('prod-b').startedAt).toBe('2026-01-13T02:00:00.000Z');
    expect(loop.step('prod-c').startedAt).toBe('2026-01-13T02:00:00.000Z');
    expect(loop.state.status).toBe('completed');
    everyStartInsideItsWindow(loop.state);
  });

  it('a freeze wins over the window: a prod freeze on Monday moves the start to Tuesday', async () => {
    const freezes: Freeze[] = [
      { kind: 'once', start: '2026-01-12T00:00:00Z', durationMinutes: 1440, timeZone: 'UTC', tiers: ['prod'], reason: 'quarter close' },
      { kind: 'cron', expression: '0 0 * * *', durationMinutes: 1440, timeZone: 'UTC', tiers: ['staging'] }, // not ours
    ];
    const loop = await toProdGate(freezes);
    expect(loop.commands).toEqual([expect.objectContaining({ type: 'wakeAt', at: '2026-01-13T02:00:00.000Z' })]);
    await loop.run();
    expect(loop.step('prod-a').startedAt).toBe('2026-01-13T02:00:00.000Z');
    everyStartInsideItsWindow(loop.state);
  });

  it('a freeze that starts while a step runs does not stop it', async () => {
    const freezes: Freeze[] = [{ kind: 'once', start: '2026-01-12T02:00:30Z', durationMinutes: 60 * 24 * 3, timeZone: 'UTC' }];
    const loop = await toProdGate(freezes);
    await loop.run({ until: (s) => s.status !== 'waiting_window' && s.steps.find((x) => x.namespace === 'prod-a')!.phase === 'verified' });
    expect(loop.step('prod-a').startedAt).toBe('2026-01-12T02:00:00.000Z');
    await loop.run();
    // the freeze lasts until Thursday 02:00:30, inside Thursday's window: the next wave starts as it lifts
    expect(loop.step('prod-b').startedAt).toBe('2026-01-15T02:00:30.000Z');
    everyStartInsideItsWindow(loop.state);
  });

  it('windows in Europe/Berlin follow the local clock across the spring change', async () => {
    const berlin: TimeWindow = {
      kind: 'rrule',
      rule: 'DTSTART;TZID=Europe/Berlin:20260105T023000\nRRULE:FREQ=WEEKLY;BYDAY=SU',
      durationMinutes: 60,
      timeZone: 'Europe/Berlin',
    };
    const loop = await simulate(
      { namespaces: [{ name: 'dev-a', tier: 'dev' }], config: { windows: { dev: [berlin] } } },
      '2026-03-28T12:00:00.000Z',
    );
    await loop.send({ type: 'start', by: CREATOR });
    expect(loop.state.status).toBe('waiting_window');
    await loop.run();
    expect(loop.step('dev-a').startedAt).toBe('2026-03-29T01:30:00.000Z'); // 02:30 does not exist: 03:30 CEST
  });
});
