import { runWorkerProcess } from '../../apps/worker/src/worker-process';

/**
 * The crash tests' worker: the production worker process (same configuration, same composition) with a
 * hook that kills it by SIGKILL at the nth pass through one checkpoint, given as its argument
 * `<checkpoint>:<n>` (e.g. `driver.applyPolicies:3`). Built into dist/test/support/crash-worker.js by
 * `npm run build`; the image ships dist/apps and dist/libs only, never this.
 */
const crashAt = /^([a-zA-Z.]+):([1-9]\d*)$/.exec(process.argv[2] ?? '');
if (!crashAt) {
  process.stderr.write(
    `usage: crash-worker <checkpoint>:<n>, e.g. driver.applyPolicies:3 (got ${JSON.stringify(process.argv[2] ?? null)})\n`,
  );
  process.exit(2);
}
const [, point, nth] = crashAt;
let passes = 0;
void runWorkerProcess({
  checkpoint: (reached) => {
    if (reached === point && ++passes === Number(nth)) process.kill(process.pid, 'SIGKILL');
  },
});
