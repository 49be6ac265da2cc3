import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testDatabase, TEST_REDIS_URL } from '../integration/support/harness';
import { freePort } from './ports';

/**
 * The built product (`node dist/apps/api/src/main.js`, as `npm start` runs it) in a process of its own,
 * on a test database: for tests of what a process does as a whole (supervising its worker, keeping its
 * event loop free under an attack) that the in-process harness, inside Jest's large heap, cannot show.
 */
const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');

export interface ProductProcess {
  process: ChildProcess;
  url: string;
  /** An admin token, chosen for the start (BULKHEAD_ADMIN_TOKEN). */
  adminToken: string;
  /** Every line the product wrote, stdout (JSON log lines) and stderr. */
  log: string[];
  /** Process ids of the worker children it reported starting, in order (with `withWorker`). */
  workers: number[];
  /** SIGKILLs the product's process group (its worker included), whatever state it is in. */
  kill(): void;
}

export async function until(check: () => boolean | Promise<boolean>, ms: number, log: string[]): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms; the product's output:\n${log.join('\n')}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function healthz(url: string): Promise<number> {
  try {
    return (await fetch(`${url}/healthz`)).status;
  } catch {
    return 0;
  }
}

/** Starts the product on `databaseUrl` and waits until it serves (and, with `withWorker`, its worker is ready). */
export async function startProduct(options: { databaseUrl: string; dataDir: string; withWorker?: boolean }): Promise<ProductProcess> {
  if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  const port = await freePort();
  const adminToken = `bh_${randomBytes(24).toString('hex')}`;
  const child = spawn(process.execPath, [main, ...(options.withWorker ? ['--with-worker'] : [])], {
    cwd: root,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      PATH: process.env.PATH,
      PORT: String(port),
      DATABASE_URL: options.databaseUrl,
      REDIS_URL: TEST_REDIS_URL,
      BULKHEAD_QUEUE_PREFIX: `bh-test-${randomBytes(4).toString('hex')}`,
      BULKHEAD_DATA_DIR: options.dataDir,
      BULKHEAD_DEMO: 'false',
      BULKHEAD_ADMIN_TOKEN: adminToken,
      BULKHEAD_ADMIN_PASSWORD: randomBytes(12).toString('hex'),
      LOG_LEVEL: 'info',
    },
  });
  const product: ProductProcess = {
    process: child,
    url: `http://127.0.0.1:${port}`,
    adminToken,
    log: [],
    workers: [],
    kill() {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        /* gone already */
      }
    },
  };
  let pending = '';
  child.stdout.on('data', (chunk) => {
    pending += chunk;
    const lines = pending.split('\n');
    pending = lines.pop()!;
    for (const line of lines) {
      product.log.push(line);
      const entry = JSON.parse(line) as { msg?: string; pid?: number };
      if (entry.msg === 'worker started') product.workers.push(entry.pid!);
    }
  });
  child.stderr.on('data', (chunk) => product.log.push(String(chunk)));
  if (options.withWorker)
    await until(
      () => product.log.some((line) => line.includes('"service":"worker"') && line.includes('"worker ready"')),
      60_000,
      product.log,
    );
  await until(async () => (await healthz(product.url)) === 200, 30_000, product.log);
  return product;
}

/** The product on a database and data folder of its own, which `close` removes with it. */
export async function startProductAlone(): Promise<ProductProcess & { close(): Promise<void> }> {
  const database = await testDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-product-'));
  const product = await startProduct({ databaseUrl: database.url, dataDir });
  return {
    ...product,
    async close() {
      product.kill();
      await rm(dataDir, { recursive: true, force: true });
      await database.drop();
    },
  };
}
