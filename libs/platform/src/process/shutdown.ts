import type { Logger } from '../logging/logger';

/** How long a child whose parent is gone may take to close what it opened before it exits anyway. */
const ORPHAN_GRACE_MS = 10_000;

/**
 * On SIGINT or SIGTERM, runs the steps in order (each once, even when a second signal arrives), then
 * exits 0. Steps close what the process opened, outermost first.
 *
 * A process forked with an IPC channel (the worker under `npm start --with-worker`) also stops when
 * its parent is gone, so that it never runs on as an orphan: the parent's death closes the channel,
 * whatever killed it (SIGKILL and running out of heap included), and that arrives here as 'disconnect'.
 */
export function stopOnSignals(logger: Logger, steps: Array<() => unknown>): void {
  let stopping = false;
  const stop = async (reason: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { reason });
    for (const step of steps) await step();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (process.send) {
    const orphaned = () => {
      setTimeout(() => process.exit(1), ORPHAN_GRACE_MS).unref();
      void stop('parent process gone');
    };
    // The parent may have died while this process was still starting: then the channel is closed already.
    if (process.connected) process.once('disconnect', orphaned);
    else orphaned();
  }
}
