import { stallOf } from './stall';
import { CREATOR, simulate, T0 } from '../testing/fixtures';
import type { RolloutWorld } from '../testing/rollout-world';

const DEADLINE = 120_000;
/** The fixtures' probe timeout, which the deadline is extended by. */
const PROBE_TIMEOUT = 2_000;
const after = (from: string, ms: number) => new Date(Date.parse(from) + ms);

async function started(): Promise<RolloutWorld> {
  const loop = await simulate({
    namespaces: [
      { name: 'dev-a', tier: 'dev' },
      { name: 'staging-a', tier: 'staging' },
    ],
  });
  await loop.send({ type: 'start', by: CREATOR });
  return loop;
}

/** Snapshot and apply of dev-a recorded: the step now waits out its settle time (60 s in the fixtures). */
async function applied(): Promise<RolloutWorld> {
  const loop = await started();
  await loop.run({ followWakeUps: false });
  expect(loop.step('dev-a').phase).toBe('applied');
  return loop;
}

describe('a rollout is stalled when it does not move past its deadline', () => {
  it('counts from the last change while a command is outstanding, and names the step under way', async () => {
    const loop = await started();
    expect(stallOf(loop.state, after(T0, DEADLINE + PROBE_TIMEOUT), DEADLINE)).toBeUndefined();
    const stall = stallOf(loop.state, after(T0, DEADLINE + PROBE_TIMEOUT + 1000), DEADLINE);
    expect(stall).toEqual({
      since: loop.state.updatedAt,
      deadlineMs: DEADLINE + PROBE_TIMEOUT,
      reason: expect.stringContaining('dev-a (pending)'),
    });
    expect(stall!.reason).toContain('no progress for 123 s while running');
  });

  it('is not stalled while a settle time it names is still ahead, however long ago the last change was', async () => {
    const loop = await applied();
    const settleUntil = loop.step('dev-a').settleUntil!;
    expect(stallOf(loop.state, after(settleUntil, -1), 1)).toBeUndefined();
  });

  it('counts from the end of the settle time once it has passed without the wake-up coming (a flushed Redis)', async () => {
    const loop = await applied();
    const settleUntil = loop.step('dev-a').settleUntil!;
    expect(stallOf(loop.state, after(settleUntil, DEADLINE + PROBE_TIMEOUT), DEADLINE)).toBeUndefined();
    expect(stallOf(loop.state, after(settleUntil, DEADLINE + PROBE_TIMEOUT + 1), DEADLINE)).toMatchObject({
      since: settleUntil,
      reason: expect.stringContaining('dev-a (applied)'),
    });
  });

  it.each([
    ['waits for an approval', (l: RolloutWorld) => l.run({ until: (s) => s.status === 'waiting_approval' })],
    ['is paused', (l: RolloutWorld) => l.send({ type: 'pause', by: CREATOR })],
    ['has been aborted', (l: RolloutWorld) => l.send({ type: 'abort', by: CREATOR })],
  ])('is never stalled while it %s', async (_name, act) => {
    const loop = await started();
    await act(loop);
    expect(loop.state.status).not.toBe('running');
    expect(stallOf(loop.state, after(loop.state.updatedAt, 365 * 86_400_000), 1)).toBeUndefined();
  });
});
