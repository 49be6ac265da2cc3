import { type ChildProcess, spawn } from 'node:child_process';
import { freePort } from './ports';
import { Redis } from 'ioredis';

/**
 * A Redis of the test's own (never the shared one that other tests use), on a free port, holding
 * nothing on disk: killed and started again, it comes back empty, as a Redis that lost its data does.
 */
export class OwnRedis {
  private process?: ChildProcess;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Kills the server (SIGKILL, by its PID): everything it held is gone. */
  async kill(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  /** Starts the server on the same port, empty, and waits until it answers. */
  async restart(): Promise<void> {
    await this.kill();
    this.process = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      for (let tries = 0; ; tries++) {
        try {
          await probe.connect();
          await probe.ping();
          return;
        } catch (error) {
          if (tries > 100) throw error;
          probe.disconnect();
          await new Promise((r) => setTimeout(r, 50));
        }
      }
    } finally {
      probe.disconnect();
    }
  }
}
