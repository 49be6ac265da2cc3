import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { policy, upstreamSnapshot } from '../fixtures/netpol/upstream-model';

/**
 * `bulkhead simulate` as users run it: the built CLI through bin/bulkhead.js, in a process of its own.
 * The command's behaviour in detail is apps/cli/src/commands/simulate.spec.ts.
 */
const root = join(__dirname, '..', '..');
const example = join(root, 'test/fixtures/netpol/simulate-example.yaml');

describe('the built command (node bin/bulkhead.js simulate)', () => {
  beforeAll(() => {
    if (!existsSync(join(root, 'dist/apps/cli/src/main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  });

  test('simulates the example file, starting fast', () => {
    const started = performance.now();
    const run = spawnSync('node', ['bin/bulkhead.js', 'simulate', example], { cwd: root, encoding: 'utf8' });
    const elapsed = performance.now() - started;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).results.map((r: { allowed: boolean }) => r.allowed)).toEqual([false, true, true]);
    expect(elapsed).toBeLessThan(3000);
  });

  test('reads stdin and exits 1 with the problem on stderr', () => {
    const input = {
      snapshot: upstreamSnapshot([policy('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] })]),
      probes: [{ from: 'x/a', to: 'q/a', port: 80 }],
    };
    const run = spawnSync('node', ['bin/bulkhead.js', 'simulate', '-'], { cwd: root, encoding: 'utf8', input: JSON.stringify(input) });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('probes[0].to: "q/a" is neither a pod nor a workload of the inventory');
  });
});
