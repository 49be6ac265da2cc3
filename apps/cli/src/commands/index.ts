import type { Command } from '../command';
import { lintCommand } from './lint';
import { planCommand } from './plan';
import { simulateCommand } from './simulate';

/** Every sub-command of `bulkhead`, in the order `bulkhead help` lists them. */
export const commands: Command[] = [simulateCommand, planCommand, lintCommand];
