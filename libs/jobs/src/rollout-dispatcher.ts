import type { RolloutCommand, RolloutDispatcher } from '@bulkhead/rollout';
import type { BullJobQueue, NewJob } from './bullmq-queue';

/**
 * Commands become jobs keyed by the command's own key, so dispatching the same outstanding work
 * again (every transition re-lists it) adds nothing; a wake-up becomes a delayed advance.
 */
export class BullRolloutDispatcher implements RolloutDispatcher {
  constructor(
    private readonly jobs: BullJobQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async dispatch(rolloutId: string, commands: readonly RolloutCommand[]): Promise<void> {
    const jobs: Array<NewJob<'rollout.advance' | 'rollout.command'>> = [];
    for (const command of commands) {
      if (command.type === 'wakeAt') {
        jobs.push({ name: 'rollout.advance', payload: { v: 1, rolloutId, at: command.at }, delayMs: Date.parse(command.at) - this.clock().getTime() });
      } else if (command.type !== 'requestApproval') {
        jobs.push({ name: 'rollout.command', payload: { v: 1, rolloutId, key: command.key } });
      }
    }
    if (jobs.length) await this.jobs.enqueueMany(jobs);
  }
}
