import type { Command } from '../command';

/**
 * Every sub-command of `bulkhead` by name, in the order `bulkhead help` lists them. Each is loaded when it is asked
 * for, so that a command loads only its own libraries: `bulkhead simulate` needs the engine, not the planner.
 */
export const commands: Record<string, () => Promise<Command>> = {
  simulate: async () => (await import('./simulate')).simulateCommand,
  plan: async () => (await import('./plan')).planCommand,
  lint: async () => (await import('./lint')).lintCommand,
};
