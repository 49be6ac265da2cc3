import { stageDisplaysOf, type StageDisplayStatus } from '@bulkhead/contracts';
import { APPROVER, CREATOR, simulate, snapshotTaken } from '../testing/fixtures';
import { scripted } from '../testing/in-memory-cluster';
import type { RolloutWorld } from '../testing/rollout-world';
import { summaryOf } from './summary';
import type { RolloutStatus } from './types';

const NAMESPACES = [
  { name: 'dev-a', tier: 'dev' as const },
  { name: 'dev-b', tier: 'dev' as const },
  { name: 'staging-a', tier: 'staging' as const },
  { name: 'prod-a', tier: 'prod' as const },
];
const SATURDAY = '2026-01-10T10:00:00.000Z';
const approve = (tier: 'staging' | 'prod') => ({ type: 'approve', tier, by: APPROVER, actorId: APPROVER, role: 'approver' }) as const;

async function started(options: Parameters<typeof simulate>[0] = { namespaces: NAMESPACES }, at?: string): Promise<RolloutWorld> {
  const loop = await simulate(options, at);
  await loop.send({ type: 'start', by: CREATOR });
  return loop;
}

/** Each rollout status, reached through the real loop, and the badges its stages (dev, staging, prod) must show. */
const SCENARIOS: Array<[string, () => Promise<RolloutWorld>, RolloutStatus, StageDisplayStatus[]]> = [
  [
    'running: the canary under way',
    async () => {
      const loop = await started();
      await loop.send(snapshotTaken(loop, 'dev-a'));
      return loop;
    },
    'running',
    ['running', 'pending', 'pending'],
  ],
  [
    'waiting for approval: dev verified, staging asks',
    async () => {
      const loop = await started();
      await loop.run();
      return loop;
    },
    'waiting_approval',
    ['completed', 'waiting_approval', 'pending'],
  ],
  [
    'paused in dev',
    async () => {
      const loop = await started();
      await loop.send(snapshotTaken(loop, 'dev-a'));
      await loop.send({ type: 'pause', by: CREATOR });
      return loop;
    },
    'paused',
    ['paused', 'pending', 'pending'],
  ],
  [
    'halted: a probe failed in staging',
    async () => {
      const loop = await started({
        namespaces: NAMESPACES,
        oracle: scripted({ 'connect-staging-a': ['not_reached', 'not_reached', 'not_reached'] }),
      });
      await loop.run();
      await loop.send(approve('staging'));
      await loop.run();
      return loop;
    },
    'halted',
    ['completed', 'halted', 'pending'],
  ],
  [
    'aborted in dev',
    async () => {
      const loop = await started();
      await loop.send(snapshotTaken(loop, 'dev-a'));
      await loop.send({ type: 'abort', by: CREATOR });
      await loop.run();
      return loop;
    },
    'aborted',
    ['aborted', 'not_started', 'not_started'],
  ],
  [
    'rolled back while staging waited for its approval',
    async () => {
      const loop = await started();
      await loop.run();
      await loop.send({ type: 'rollback', by: CREATOR, scope: { kind: 'all' } });
      await loop.run();
      return loop;
    },
    'rolled_back',
    ['rolled_back', 'not_started', 'not_started'],
  ],
  [
    'waiting for a window: prod opens on Monday nights',
    async () => {
      const windows = { prod: [{ kind: 'cron' as const, expression: '0 2 * * MON-FRI', durationMinutes: 180, timeZone: 'UTC' }] };
      const loop = await started({ namespaces: NAMESPACES, config: { windows } }, SATURDAY);
      await loop.run();
      await loop.send(approve('staging'));
      await loop.run();
      await loop.send(approve('prod'));
      return loop;
    },
    'waiting_window',
    ['completed', 'completed', 'waiting_window'],
  ],
  [
    'completed',
    async () => {
      const loop = await started();
      await loop.run();
      await loop.send(approve('staging'));
      await loop.run();
      await loop.send(approve('prod'));
      await loop.run();
      return loop;
    },
    'completed',
    ['completed', 'completed', 'completed'],
  ],
];

describe("a stage's badge agrees with the rollout's status", () => {
  it.each(SCENARIOS)('%s', async (_name, reach, status, badges) => {
    const loop = await reach();
    expect(loop.state.status).toBe(status);
    const shown = stageDisplaysOf(loop.state);
    expect(shown.map((stage) => stage.status)).toEqual(badges);
    // the API's list (summary) and the dashboard's page (the whole state) say the same
    expect(summaryOf(loop.state).stages.map((stage) => stage.display)).toEqual(badges);
    // and the counts add up to the stage's namespaces
    for (const stage of shown) expect(stage.verified + stage.underWay + stage.restored + stage.pending).toBe(stage.namespaces);
  });
});
