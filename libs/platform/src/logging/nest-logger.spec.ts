import { createLogger, REDACTED } from './logger';
import { NestLogger } from './nest-logger';

function capture(level: 'debug' | 'info') {
  const lines: string[] = [];
  const nest = new NestLogger(createLogger(level, {}, (line) => void lines.push(line)));
  return { nest, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

describe('NestLogger', () => {
  it("writes Nest's chatter (log, verbose) as debug lines, with the context Nest passes last", () => {
    const { nest, entries } = capture('debug');
    nest.log('Mapped {/healthz, GET} route', 'RouterExplorer');
    nest.verbose('resolving', 'InstanceLoader');
    expect(entries()).toEqual([
      expect.objectContaining({ level: 'debug', msg: 'Mapped {/healthz, GET} route', context: 'RouterExplorer' }),
      expect.objectContaining({ level: 'debug', msg: 'resolving', context: 'InstanceLoader' }),
    ]);
  });

  it('leaves the chatter out at LOG_LEVEL=info and keeps warnings and errors', () => {
    const { nest, entries } = capture('info');
    nest.log('Nest application successfully started', 'NestApplication');
    nest.warn('deprecated', 'Terminus');
    nest.error('Health Check has failed!', '{"redis":{"status":"down"}}', 'HealthCheckService');
    nest.fatal(new Error('boom'));
    expect(entries().map(({ level, msg }) => [level, msg])).toEqual([
      ['warn', 'deprecated'],
      ['error', 'Health Check has failed!'],
      ['error', 'boom'],
    ]);
    expect(entries()[1]).toMatchObject({ context: 'HealthCheckService', details: ['{"redis":{"status":"down"}}'] });
  });

  it('masks the secrets of an object Nest logs, never stringifying it into the message', () => {
    const { nest, entries } = capture('info');
    nest.error({ headers: { authorization: 'Bearer leaked' } }, 'ExceptionsHandler');
    const [entry] = entries();
    expect(JSON.stringify(entry)).not.toContain('leaked');
    expect(entry).toMatchObject({ msg: 'ExceptionsHandler logged an object', logged: { headers: { authorization: REDACTED } } });
  });
});
