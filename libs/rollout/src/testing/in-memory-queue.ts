/**
 * The dispatcher port as an in-memory queue, for tests of the real loop: a command becomes a job whose
 * id is the command's key, so dispatching the same outstanding work again adds nothing while its job is
 * waiting (BullMQ drops a duplicate job id; completed jobs are removed, as ours are); a wake-up becomes a
 * delayed "advance" job. Nothing runs by itself: the test takes jobs and runs them, in the order it
 * chooses, as many workers would.
 */
import type { RolloutDispatcher } from '../application/ports/rollout-dispatcher.port';
import type { RolloutCommand } from '../domain/types';

export type QueuedJob = { kind: 'command'; rolloutId: string; key: string } | { kind: 'advance'; rolloutId: string; at: number };

export class InMemoryQueue implements RolloutDispatcher {
  /** command jobs waiting for a worker, by key (the job id) */
  readonly commands = new Map<string, QueuedJob & { kind: 'command' }>();
  /** delayed advance jobs, by rollout and time */
  readonly wakeUps = new Map<string, QueuedJob & { kind: 'advance' }>();

  async dispatch(rolloutId: string, commands: readonly RolloutCommand[], runHere: ReadonlySet<string> = new Set()): Promise<void> {
    for (const command of commands) {
      if (command.type === 'wakeAt') {
        const at = Date.parse(command.at);
        this.wakeUps.set(`${rolloutId}@${at}`, { kind: 'advance', rolloutId, at });
      } else if (command.type !== 'requestApproval' && !runHere.has(command.key) && !this.commands.has(command.key)) {
        this.commands.set(command.key, { kind: 'command', rolloutId, key: command.key });
      }
    }
  }

  /** The jobs a worker may take at `now`: every waiting command, and the wake-ups that are due. */
  ready(now: Date): QueuedJob[] {
    return [...this.commands.values(), ...[...this.wakeUps.values()].filter((job) => job.at <= now.getTime())];
  }

  /** The earliest wake-up not yet due, if any. */
  nextWakeUp(now: Date): number | undefined {
    const later = [...this.wakeUps.values()].map((job) => job.at).filter((at) => at > now.getTime());
    return later.length ? Math.min(...later) : undefined;
  }

  /** Takes a job off the queue (a worker picked it up). */
  take(job: QueuedJob): void {
    if (job.kind === 'command') this.commands.delete(job.key);
    else this.wakeUps.delete(`${job.rolloutId}@${job.at}`);
  }

  /** Puts a job back that a worker died running (BullMQ hands a stalled job to another worker). */
  retry(job: QueuedJob): void {
    if (job.kind === 'command') this.commands.set(job.key, job);
    else this.wakeUps.set(`${job.rolloutId}@${job.at}`, job);
  }

  /** Loses every job (a flushed Redis): only the stored state survives. */
  flush(): void {
    this.commands.clear();
    this.wakeUps.clear();
  }
}
