import { AppError } from '@bulkhead/contracts';
import type { ErrorCode } from '../http/error-statuses';
import { RequestError } from '../http/request-error';
import type { Config } from '@bulkhead/platform';
import type { OnModuleDestroy } from '@nestjs/common';
import { existsSync } from 'node:fs';
import { extname, join, relative } from 'node:path';
import { Piscina } from 'piscina';
import type { Refusal, TaskAnswer, TaskName, TaskRequest, Tasks } from './tasks';

/**
 * Where a thread starts. Node loads a thread's entry itself, outside of any TypeScript tooling, so
 * the entry must be compiled JavaScript. In the build this module is
 * dist/apps/api/src/work-threads/work-threads.js and the entry is its sibling thread.js. Under Jest
 * this module is the TypeScript source (compiled in memory by @swc/jest), which a thread cannot
 * load: the entry is then the compiled copy under dist/, so tests that reach a thread run after
 * `npm run build` (as `npm test` does).
 */
function threadEntry(): string {
  if (extname(__filename) === '.js') return join(__dirname, 'thread.js');
  const root = join(__dirname, '..', '..', '..', '..');
  const built = join(root, 'dist', relative(root, __dirname), 'thread.js');
  if (!existsSync(built))
    throw new Error(`${relative(root, built)} is missing: run \`npm run build\` before tests that reach a worker thread`);
  return built;
}

const RETRY_AFTER_SECONDS = 5;

/**
 * The memory of byte arguments that can move to the thread instead of being copied: only a buffer
 * that owns its whole memory (small Node buffers are slices of a shared pool, which must stay). The
 * caller's view of a moved buffer is empty afterwards.
 */
function movable(args: readonly unknown[]): ArrayBuffer[] {
  return args
    .filter(
      (arg): arg is Uint8Array<ArrayBuffer> =>
        arg instanceof Uint8Array && arg.buffer instanceof ArrayBuffer && arg.byteOffset === 0 && arg.byteLength === arg.buffer.byteLength,
    )
    .map((arg) => arg.buffer);
}

/**
 * Runs heavy pure work (simulate, snapshot reading, plan building) on a bounded pool of worker
 * threads, so that the event loop keeps serving every other route. Each task has a time limit
 * (past it the thread is terminated) and a heap limit (past it the thread dies, not the process);
 * either answers a 413 that names the limit. Tasks beyond the threads wait in a bounded queue, and
 * when that is full the request is answered 503 with Retry-After instead of piling up.
 */
export class WorkThreads implements OnModuleDestroy {
  private readonly pool: Piscina;
  /** Tasks running or waiting for a thread; counted here because Piscina's queue bound also counts threads still starting. */
  private inFlight = 0;

  constructor(private readonly limits: Config['workThreads']) {
    this.pool = new Piscina({
      filename: threadEntry(),
      minThreads: 0,
      maxThreads: limits.size,
      idleTimeout: 60_000,
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
    });
  }

  async run<K extends TaskName>(task: K, ...args: Parameters<Tasks[K]>): Promise<ReturnType<Tasks[K]>> {
    if (this.inFlight >= this.limits.size + this.limits.queueSize) {
      const busy = `the server is at its limit of ${this.limits.size} heavy requests running and ${this.limits.queueSize} waiting; try again shortly`;
      throw new RequestError('work.busy', busy, { retryAfterSeconds: RETRY_AFTER_SECONDS });
    }
    this.inFlight++;
    let answer: TaskAnswer<K>;
    try {
      answer = await this.pool.run({ task, args } satisfies TaskRequest<K>, {
        signal: AbortSignal.timeout(this.limits.timeoutMs),
        transferList: movable(args),
      });
    } catch (error) {
      throw this.refusal(error);
    } finally {
      this.inFlight--;
    }
    if ('refused' in answer) throw ThreadRefusal.of(answer.refused);
    return answer.value;
  }

  /** When the app closes: ends the threads, aborting what they run. */
  onModuleDestroy(): Promise<void> {
    return this.pool.close({ force: true });
  }

  /** A limit the task hit, as the answer the caller gets; anything else is a bug and stays an error (500). */
  private refusal(error: unknown): unknown {
    const { name, code } = error as { name?: string; code?: string };
    if (name === 'AbortError') {
      const reason = `was not processed within the time limit of ${this.limits.timeoutMs / 1000} s (waiting for a thread included)`;
      return new RequestError('work.time_limit', [{ field: 'body', reason }]);
    }
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const reason = `needs more than the memory limit of ${this.limits.maxMemoryMb} MB to process`;
      return new RequestError('work.memory_limit', [{ field: 'body', reason }]);
    }
    return error;
  }
}

/** A module's refusal sent back by a thread, thrown again on the API thread with the same code, message and fields. */
class ThreadRefusal extends AppError<ErrorCode> {
  static of({ code, message, problems, listsProblems }: Refusal): ThreadRefusal {
    return listsProblems ? new ThreadRefusal(code as ErrorCode, problems) : new ThreadRefusal(code as ErrorCode, message, { problems });
  }
}
