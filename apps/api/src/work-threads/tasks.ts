import type { FieldProblem } from '@bulkhead/contracts';
import type { DocumentLimits } from '@bulkhead/documents';
import { readSnapshot } from '@bulkhead/inventory';
import { buildPlanReport } from '@bulkhead/plan';
import { simulateClusterRequest, simulateRequest } from '../simulate/simulate-request';

/**
 * The heavy pure work the API hands to worker threads, by name. Arguments and results cross the
 * thread boundary by structured clone, so they are plain data; an AppError thrown here reaches the
 * caller as an AppError with the same code, message and fields (see thread.ts). Request bodies come
 * as bytes, moved to the thread rather than copied, and are decoded there, and a large answer goes
 * back as encoded JSON: for tens of
 * megabytes, decoding, encoding and copying strings would hold the event loop for a noticeable time.
 */
export const tasks = {
  // The answers are encoded here too: for tens of thousands of probes they run to megabytes of JSON.
  simulate: (body: Uint8Array, limits: DocumentLimits) => simulateRequest(new TextDecoder().decode(body), limits),
  simulateCluster: simulateClusterRequest,
  readSnapshot,
  buildPlan: buildPlanReport,
};

export type Tasks = typeof tasks;
export type TaskName = keyof Tasks;

export interface TaskRequest<K extends TaskName = TaskName> {
  task: K;
  args: Parameters<Tasks[K]>;
}

/** An AppError as plain data, as a thread sends it back. */
export interface Refusal {
  code: string;
  message: string;
  problems: readonly FieldProblem[];
  listsProblems: boolean;
}

/** What a thread answers: the task's value, or the AppError it refused the input with, as plain data. */
export type TaskAnswer<K extends TaskName = TaskName> = { value: ReturnType<Tasks[K]> } | { refused: Refusal };
