import { ConfigError, loadConfig } from './config';

const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    return (error as ConfigError).problems;
  }
};

describe('BULKHEAD_AUDIT_SINK', () => {
  it.each([
    ['file:/var/log/bulkhead/audit.jsonl', { kind: 'file', path: '/var/log/bulkhead/audit.jsonl' }],
    ['https://siem.example.com/ingest?source=bulkhead', { kind: 'webhook', url: 'https://siem.example.com/ingest?source=bulkhead' }],
    ['http://127.0.0.1:9000/audit', { kind: 'webhook', url: 'http://127.0.0.1:9000/audit' }],
  ])('accepts %s', (value, sink) => {
    expect(loadConfig({ BULKHEAD_AUDIT_SINK: value }).auditSink).toEqual(sink);
  });

  it.each(['file:relative/audit.jsonl', 'http://siem.example.com/ingest', 'ftp://siem.example.com/', 'siem.example.com'])(
    'refuses %s, without repeating it',
    (value) => {
      const problems = problemsOf({ BULKHEAD_AUDIT_SINK: value });
      expect(problems).toEqual([expect.stringMatching(/^BULKHEAD_AUDIT_SINK: must be file:/)]);
      expect(problems[0]).not.toContain(value);
    },
  );

  it('is off unless set', () => {
    expect(loadConfig({}).auditSink).toBeUndefined();
  });
});

describe('DATABASE_MIGRATION_URL', () => {
  it('goes with DATABASE_URL', () => {
    const config = loadConfig({ DATABASE_URL: 'postgres://app@db/bulkhead', DATABASE_MIGRATION_URL: 'postgres://owner@db/bulkhead' });
    expect(config.database).toEqual({ url: 'postgres://app@db/bulkhead', migrationUrl: 'postgres://owner@db/bulkhead' });
    expect(problemsOf({ DATABASE_MIGRATION_URL: 'postgres://owner@db/bulkhead' })).toEqual([expect.stringContaining('needs DATABASE_URL')]);
  });
});
