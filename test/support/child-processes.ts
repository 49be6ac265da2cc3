import type { ChildProcess } from 'node:child_process';

/** How `child` ended (its signal or exit code), or null when it is still running after `ms`. */
export const exited = (child: ChildProcess, ms: number) =>
  new Promise<NodeJS.Signals | number | null>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(child.signalCode ?? child.exitCode);
    const timer = setTimeout(() => resolve(null), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ?? code);
    });
  });

/** Asks `child` to end (SIGTERM), and kills it when it has not within 10 s. */
export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    if ((await exited(child, 10_000)) === null) child.kill('SIGKILL');
  }
}
