import type { Logger } from '../logging/logger';

/**
 * On SIGINT or SIGTERM, runs the steps in order (each once, even when a second signal arrives), then
 * exits 0. Steps close what the process opened, outermost first.
 */
export function stopOnSignals(logger: Logger, steps: Array<() => Promise<unknown> | unknown>): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info('stopping', { signal });
    for (const step of steps) await step();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
