import type { Command } from '../command';

/** Every sub-command of `bulkhead`, in the order `bulkhead help` lists them. */
export const commands: Command[] = [];
