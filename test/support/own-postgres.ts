import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger, type RunningPostgres, startEmbeddedPostgres } from '@bulkhead/platform';

const SUPERUSER = { name: 'bulkhead', password: 'bulkhead-own-postgres' };

/**
 * A PostgreSQL server of the test's own (never the shared one that other tests use), run by the same
 * code as the product's embedded one, on a port below the ephemeral range (so that no client socket
 * takes it while the server is down) and with its data in a folder of its own that survives restarts.
 */
export class OwnPostgres {
  private server?: RunningPostgres;

  private constructor(
    private readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(): Promise<OwnPostgres> {
    const dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-own-postgres-'));
    await chmod(dataDir, 0o755); // as root the server runs as `postgres`, which must reach it
    const postgres = new OwnPostgres(dataDir, await freePortBelowEphemeral());
    await postgres.restart().catch(async (error: unknown) => {
      await postgres.remove();
      throw error;
    });
    return postgres;
  }

  /** For the harness's `databaseServer`: a superuser on this server, without a database. */
  get serverUrl(): string {
    return `postgres://${SUPERUSER.name}:${SUPERUSER.password}@127.0.0.1:${this.port}`;
  }

  /** Stops the server (fast shutdown: open connections are cut) and waits until it has exited. */
  async stop(): Promise<void> {
    await this.server?.stop();
    this.server = undefined;
  }

  /** Starts the server on the same port and data, and waits until it accepts connections. */
  async restart(): Promise<void> {
    await this.stop();
    this.server = await startEmbeddedPostgres({
      dataDir: this.dataDir,
      port: this.port,
      superuser: SUPERUSER,
      logger: createLogger('silent'),
    });
  }

  async remove(): Promise<void> {
    await this.stop();
    await rm(this.dataDir, { recursive: true, force: true });
  }
}

/** A port in 20000-29999 that nothing listens on (Linux hands out client ports from 32768 up). */
async function freePortBelowEphemeral(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 10000);
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
}
