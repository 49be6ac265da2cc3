import { AppError } from '@bulkhead/contracts';
import { type TaskAnswer, type TaskRequest, tasks } from './tasks';

/** A worker thread's entry (Piscina calls the default export once per task). */
export default function runTask({ task, args }: TaskRequest): TaskAnswer {
  try {
    const work = tasks[task] as (...input: unknown[]) => unknown;
    return { value: work(...args) } as TaskAnswer;
  } catch (error) {
    // A class does not survive the structured clone back to the API thread: send the refusal as data.
    if (error instanceof AppError) {
      const { code, message, problems, listsProblems } = error;
      return { refused: { code, message, problems, listsProblems } };
    }
    throw error;
  }
}
