import type { Command } from '../command';
import { simulateCommand } from './simulate';

/** Every sub-command of `bulkhead`, in the order `bulkhead help` lists them. */
export const commands: Command[] = [simulateCommand];
