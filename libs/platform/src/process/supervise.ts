import { type ChildProcess, fork } from 'node:child_process';
import type { Logger } from '../logging/logger';

/** A child that ran this long before it exited counts as healthy: its next crash starts the backoff over. */
const HEALTHY_RUN_MS = 60_000;
const MAX_RESTART_DELAY_MS = 30_000;

/** The wait before restarting a child that exited the nth time in a row: 1 s, 2 s, 4 s ... at most 30 s. */
export const restartDelayMs = (exitsInARow: number): number => Math.min(1000 * 2 ** (exitsInARow - 1), MAX_RESTART_DELAY_MS);

export interface SupervisedChild {
  /** The running child's process id (undefined while it waits to be restarted). */
  readonly pid: number | undefined;
  /** Stops restarting it, sends SIGTERM, and waits for it to exit (SIGKILL after `graceMs`). */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Forks a Node module as a child process with an IPC channel and keeps it running: when it exits
 * without being asked to, it is started again after a backoff. The channel is also what makes the
 * child exit when this process dies (see stopOnSignals), so the pair never leaves an orphan.
 */
export function superviseChild(name: string, modulePath: string, env: NodeJS.ProcessEnv, logger: Logger): SupervisedChild {
  let child: ChildProcess | undefined;
  let stopping = false;
  let exitsInARow = 0;
  let restart: NodeJS.Timeout | undefined;

  const start = () => {
    restart = undefined;
    const startedAt = Date.now();
    const current = fork(modulePath, [], { env });
    child = current;
    logger.info(`${name} started`, { pid: current.pid });
    current.on('error', (error) => logger.error(`${name} process error`, { pid: current.pid, error }));
    current.once('exit', (code, signal) => {
      child = undefined;
      if (stopping) return;
      exitsInARow = Date.now() - startedAt >= HEALTHY_RUN_MS ? 1 : exitsInARow + 1;
      const delayMs = restartDelayMs(exitsInARow);
      logger.error(`${name} exited; restarting it`, { code, signal, exitsInARow, restartInMs: delayMs });
      restart = setTimeout(start, delayMs);
    });
  };
  start();

  return {
    get pid() {
      return child?.pid;
    },
    async stop(graceMs = 15_000) {
      stopping = true;
      clearTimeout(restart);
      const running = child;
      if (!running || running.exitCode !== null || running.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
      running.kill('SIGTERM');
      const kill = setTimeout(() => running.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(kill);
    },
  };
}
