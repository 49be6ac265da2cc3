import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { WorkerRuntime } from './runtime';
import { WorkerModule } from './worker.module';

export type { WorkerRuntime } from './runtime';

export interface RunningWorker {
  close(): Promise<void>;
}

/** Starts the worker's Nest application context (no HTTP): its queue consumers begin at bootstrap. */
export async function startWorker(runtime: WorkerRuntime): Promise<RunningWorker> {
  const context = await NestFactory.createApplicationContext(WorkerModule.forRuntime(runtime), { logger: false });
  await context.init();
  return { close: () => context.close() };
}
