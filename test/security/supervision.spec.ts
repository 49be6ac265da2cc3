import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase } from '../integration/support/harness';
import { healthz, type ProductProcess, startProduct, until } from '../support/product-process';

/**
 * `npm start` (the built API with --with-worker) supervises its worker child: a killed worker is
 * restarted with a backoff while the API keeps serving, SIGTERM stops both, and a SIGKILLed API
 * never leaves the worker running as an orphan. Needs dist/: `npm run build` first.
 */
let database: Awaited<ReturnType<typeof testDatabase>>;
let dataDir: string;
const started: ProductProcess[] = [];

beforeAll(async () => {
  database = await testDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-supervision-'));
});

afterAll(async () => {
  // Whatever a failed test left: the product's process group holds the API and its worker.
  for (const product of started) product.kill();
  await rm(dataDir, { recursive: true, force: true });
  await database.drop();
});

async function product(): Promise<ProductProcess> {
  const run = await startProduct({ databaseUrl: database.url, dataDir, withWorker: true });
  started.push(run);
  return run;
}

/** Alive and not a zombie (a dead child whose new parent has not reaped it yet is gone for our purpose). */
function running(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code)),
  );

describe('the worker child', () => {
  it('is restarted with a backoff when it is killed, while the API keeps serving; SIGTERM then stops both', async () => {
    const run = await product();
    const first = run.workers[0]!;
    process.kill(first, 'SIGKILL');
    await until(
      () => run.log.some((line) => line.includes('worker exited; restarting it') && line.includes('"restartInMs":1000')),
      5_000,
      run.log,
    );
    expect(await healthz(run.url)).toBe(200);
    await until(() => run.workers.length === 2 && running(run.workers[1]!), 10_000, run.log);
    const restarted = run.workers[1]!;
    expect(running(first)).toBe(false);

    run.process.kill('SIGTERM');
    expect(await exited(run.process)).toBe(0);
    expect(running(restarted)).toBe(false);
  }, 120_000);

  it('exits when the API is SIGKILLed: no orphan', async () => {
    const run = await product();
    const worker = run.workers[0]!;
    expect(running(worker)).toBe(true);
    process.kill(run.process.pid!, 'SIGKILL');
    await until(() => !running(worker), 5_000, run.log);
  }, 120_000);
});
