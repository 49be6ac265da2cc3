import type { JobName } from '@bulkhead/contracts';
import { indexHandlers, type JobHandler } from './job-handler';

const handler = (name: string) => ({ name, parse: (d: unknown) => d, handle: async () => ({ status: 'done' }) }) as unknown as JobHandler;
const names = ['flow-import.run'] as JobName[];

describe('the worker checks its job handlers at boot', () => {
  it('accepts exactly one handler per job', () => {
    expect([...indexHandlers([handler('flow-import.run')], names).keys()]).toEqual(['flow-import.run']);
  });
  it('refuses a job with no handler', () => {
    expect(() => indexHandlers([], names)).toThrow('no handler for job(s): flow-import.run');
  });
  it('refuses a job with two handlers', () => {
    expect(() => indexHandlers([handler('flow-import.run'), handler('flow-import.run')], names)).toThrow('two handlers');
  });
  it('refuses a handler for a job that does not exist', () => {
    expect(() => indexHandlers([handler('flow-import.run'), handler('nope')], names)).toThrow('unknown job(s): nope');
  });
});
