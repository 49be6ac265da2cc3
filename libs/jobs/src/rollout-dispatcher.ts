import type { RolloutCommand, RolloutDispatcher } from '@bulkhead/rollout';
import type { BullJobQueue, NewJob } from './bullmq-queue';

/** How long a command job this process added is taken to be still queued or running. */
const RECENT_MS = 10_000;

/**
 * Commands become jobs keyed by the command's own key, so dispatching the same outstanding work
 * again (every transition re-lists it) adds nothing; a wake-up becomes a delayed advance.
 *
 * A command this process added (or runs itself) less than RECENT_MS ago is not sent again: re-adding it
 * would find its job waiting or running and cost Redis a script call for nothing, or run it twice.
 * Should that job have been lost (a flushed Redis, a dead worker), the next dispatch after RECENT_MS, or
 * the reconciler, adds it again. Wake-ups are always sent: one that fired a moment early must be able
 * to come back at once.
 */
export class BullRolloutDispatcher implements RolloutDispatcher {
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly jobs: BullJobQueue,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async dispatch(rolloutId: string, commands: readonly RolloutCommand[], runHere: ReadonlySet<string> = new Set()): Promise<void> {
    const now = this.clock().getTime();
    this.forgetOld(now);
    for (const key of runHere) this.recent.set(key, now + RECENT_MS);
    const jobs: Array<NewJob<'rollout.advance' | 'rollout.command'>> = [];
    const added: string[] = [];
    for (const command of commands) {
      if (command.type === 'wakeAt') {
        jobs.push({ name: 'rollout.advance', payload: { v: 1, rolloutId, at: command.at }, delayMs: Date.parse(command.at) - now });
      } else if (command.type !== 'requestApproval' && !((this.recent.get(command.key) ?? 0) > now)) {
        jobs.push({ name: 'rollout.command', payload: { v: 1, rolloutId, key: command.key } });
        added.push(command.key);
      }
    }
    if (!jobs.length) return;
    await this.jobs.enqueueMany(jobs);
    for (const key of added) this.recent.set(key, now + RECENT_MS);
  }

  private forgetOld(now: number): void {
    if (this.recent.size < 10_000) return;
    for (const [key, until] of this.recent) if (until <= now) this.recent.delete(key);
  }
}
