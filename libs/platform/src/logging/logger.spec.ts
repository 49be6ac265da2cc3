import { createLogger, type LogLevel, REDACTED, TOO_DEEP } from './logger';

/** A logger whose lines are kept, parsed, for the test to read. */
function capture(level: LogLevel | 'silent', base: Record<string, unknown> = {}) {
  const lines: string[] = [];
  const logger = createLogger(level, base, (line) => void lines.push(line));
  return { logger, lines, entries: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>) };
}

const SECRETS = {
  token: 'bh_0123456789abcdef-token',
  password: 'correct horse battery staple',
  kubeconfig: 'apiVersion: v1\nusers:\n- user:\n    token: kube-secret-token',
  webhookSecret: 'whsec_4f9a8b7c6d5e',
  authorization: 'Bearer bh_authorization_header_value',
  cookie: 'bh_session=session-cookie-value',
};

describe('createLogger', () => {
  it('writes one JSON object per line with the level name, an ISO time, the base fields and the message', () => {
    const { logger, lines, entries } = capture('info', { service: 'api' });
    logger.info('request', { method: 'GET', path: '/api/v1/clusters', status: 200, ms: 4 });
    expect(lines).toHaveLength(1);
    expect(lines[0]?.endsWith('}\n')).toBe(true);
    const entry = entries()[0]!;
    expect(entry).toMatchObject({
      level: 'info',
      service: 'api',
      msg: 'request',
      method: 'GET',
      path: '/api/v1/clusters',
      status: 200,
      ms: 4,
    });
    expect(new Date(entry.time as string).toISOString()).toBe(entry.time);
  });

  it.each([
    ['debug', ['debug', 'info', 'warn', 'error']],
    ['info', ['info', 'warn', 'error']],
    ['warn', ['warn', 'error']],
    ['error', ['error']],
    ['silent', []],
  ] as const)('at LOG_LEVEL=%s writes the levels %j', (level, written) => {
    const { logger, entries } = capture(level);
    logger.debug('d');
    logger.info('i');
    logger.warn('w');
    logger.error('e');
    expect(entries().map((entry) => entry.level)).toEqual(written);
  });

  it.each(Object.entries(SECRETS))('masks a field named %s at the top, nested, in arrays and in child bindings', (key, secret) => {
    const { logger, lines, entries } = capture('debug', { [key]: secret });
    logger.child({ [key]: secret }).info('top', { [key]: secret });
    logger.info('nested', { request: { headers: { [key]: secret } } });
    logger.info('in an array', { steps: [{ [key]: secret }] });
    expect(lines.join('')).not.toContain(secret);
    expect(entries()[1]).toMatchObject({ request: { headers: { [key]: REDACTED } } });
  });

  it('matches secret names in any case and inside longer names', () => {
    const { logger, entries } = capture('info');
    logger.info('headers', {
      Authorization: 'Bearer a',
      'set-cookie': 'b',
      clusterKubeconfigYaml: 'c',
      X_CSRF_TOKEN: 'd',
      dbCredentials: 'e',
    });
    const entry = entries()[0]!;
    for (const key of ['Authorization', 'set-cookie', 'clusterKubeconfigYaml', 'X_CSRF_TOKEN', 'dbCredentials'])
      expect(entry[key]).toBe(REDACTED);
  });

  it('writes nothing of an object nested too deep to be searched for secrets', () => {
    const { logger, lines, entries } = capture('info');
    logger.info('deep', { a: { b: { c: { d: { e: { token: 'deep-secret' } } } } } });
    expect(lines.join('')).not.toContain('deep-secret');
    expect(entries()[0]).toMatchObject({ a: { b: { c: { d: { e: TOO_DEEP } } } } });
  });

  it('spells out an error with its name, message and stack', () => {
    const { logger, entries } = capture('error');
    logger.error('failed', { error: new TypeError('no such cluster') });
    expect(entries()[0]?.error).toMatchObject({
      name: 'TypeError',
      message: 'no such cluster',
      stack: expect.stringContaining('TypeError: no such cluster'),
    });
  });

  it("leaves the caller's fields as they were", () => {
    const { logger } = capture('info');
    const fields = { headers: { authorization: 'Bearer x' } };
    logger.info('request', fields);
    expect(fields.headers.authorization).toBe('Bearer x');
  });
});
