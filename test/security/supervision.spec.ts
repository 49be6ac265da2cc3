import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { testDatabase, TEST_REDIS_URL } from '../integration/support/harness';

/**
 * `npm start` (the built API with --with-worker) supervises its worker child: a killed worker is
 * restarted with a backoff while the API keeps serving, SIGTERM stops both, and a SIGKILLed API
 * never leaves the worker running as an orphan. Needs dist/: `npm run build` first.
 */
const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

interface Started {
  api: ChildProcess;
  port: number;
  /** Process ids of the worker children the API reported starting, in order. */
  workers: number[];
  log: string[];
}

let database: Awaited<ReturnType<typeof testDatabase>>;
let dataDir: string;
const started: Started[] = [];

beforeAll(async () => {
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  database = await testDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-supervision-'));
});

afterAll(async () => {
  // Whatever a failed test left: the API's process group holds the API and its worker.
  for (const { api } of started) {
    try {
      process.kill(-api.pid!, 'SIGKILL');
    } catch {
      /* gone already */
    }
  }
  await rm(dataDir, { recursive: true, force: true });
  await database.drop();
});

const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

async function startProduct(): Promise<Started> {
  const port = await freePort();
  const api = spawn(process.execPath, [main, '--with-worker'], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: database.url,
      REDIS_URL: TEST_REDIS_URL,
      BULKHEAD_QUEUE_PREFIX: `bh-test-${randomBytes(4).toString('hex')}`,
      BULKHEAD_DATA_DIR: dataDir,
      BULKHEAD_DEMO: 'false',
      LOG_LEVEL: 'info',
    },
  });
  const run: Started = { api, port, workers: [], log: [] };
  let pending = '';
  api.stdout!.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      run.log.push(line);
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg === 'worker started') run.workers.push(entry.pid!);
    }
  });
  api.stderr!.on('data', (chunk) => run.log.push(String(chunk)));
  started.push(run);
  await until(() => run.log.some((line) => line.includes('"service":"worker"') && line.includes('"worker ready"')), 60_000, run);
  await until(async () => (await healthz(run)) === 200, 10_000, run);
  return run;
}

async function healthz(run: Started): Promise<number> {
  try {
    return (await fetch(`http://127.0.0.1:${run.port}/healthz`)).status;
  } catch {
    return 0;
  }
}

async function until(check: () => boolean | Promise<boolean>, ms: number, run: Started): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms; the product's output:\n${run.log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
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
  new Promise<number | null>((resolve) => (child.exitCode !== null || child.signalCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

describe('the worker child', () => {
  it('is restarted with a backoff when it is killed, while the API keeps serving; SIGTERM then stops both', async () => {
    const run = await startProduct();
    const [first] = run.workers;
    process.kill(first, 'SIGKILL');
    await until(() => run.log.some((line) => line.includes('worker exited; restarting it') && line.includes('"restartInMs":1000')), 5_000, run);
    expect(await healthz(run)).toBe(200);
    await until(() => run.workers.length === 2 && running(run.workers[1]), 10_000, run);
    expect(running(first)).toBe(false);

    run.api.kill('SIGTERM');
    expect(await exited(run.api)).toBe(0);
    expect(running(run.workers[1])).toBe(false);
  }, 120_000);

  it('exits when the API is SIGKILLed: no orphan', async () => {
    const run = await startProduct();
    const [worker] = run.workers;
    expect(running(worker)).toBe(true);
    process.kill(run.api.pid!, 'SIGKILL');
    await until(() => !running(worker), 5_000, run);
  }, 120_000);
});
