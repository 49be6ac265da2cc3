import { ConfigError, loadConfig } from './config';

/** The settings of the HTTP edge: body limits, timeouts, the trusted proxy, metrics and docs exposure. */
describe('HTTP edge settings', () => {
  it('defaults to a few MB of JSON, 50 MB snapshots, 16 KB without a token, short timeouts, no proxy, metrics and docs behind a token', () => {
    const config = loadConfig({});
    expect(config.http).toMatchObject({
      maxBodyBytes: 4 * 1024 * 1024,
      maxSnapshotBytes: 50 * 1024 * 1024,
      maxPublicBodyBytes: 16 * 1024,
      maxBufferedBytes: 256 * 1024 * 1024,
      timeouts: { headersMs: 20000, bodyMs: 60000, bodyIdleMs: 10000 },
      trustProxy: false,
    });
    expect(config.metrics).toEqual({ access: 'authenticated', address: undefined });
    expect(config.apiDocs).toBe('authenticated');
  });

  it('BULKHEAD_MAX_BUFFERED_MB sets what the bodies read into memory may hold together', () => {
    expect(loadConfig({ BULKHEAD_MAX_BUFFERED_MB: '6' }).http.maxBufferedBytes).toBe(6 * 1024 * 1024);
    expect(() => loadConfig({ BULKHEAD_MAX_BUFFERED_MB: '0' })).toThrow(/BULKHEAD_MAX_BUFFERED_MB/);
  });

  it.each([
    ['false', false],
    ['2', 2],
    ['loopback', ['loopback']],
    ['loopback, 10.0.0.0/8,fd00::/8, 192.0.2.10', ['loopback', '10.0.0.0/8', 'fd00::/8', '192.0.2.10']],
  ])('BULKHEAD_TRUST_PROXY=%s is passed to Express as %j', (value, expected) => {
    expect(loadConfig({ BULKHEAD_TRUST_PROXY: value }).http.trustProxy).toEqual(expected);
  });

  it.each(['true', 'everyone', '10.0.0.0/99', 'loopback,'])('BULKHEAD_TRUST_PROXY=%s stops the start with a line naming it', (value) => {
    expect(() => loadConfig({ BULKHEAD_TRUST_PROXY: value })).toThrow(ConfigError);
    expect(() => loadConfig({ BULKHEAD_TRUST_PROXY: value })).toThrow(/BULKHEAD_TRUST_PROXY: must be false, a number of proxy hops/);
  });

  it.each([
    ['10.0.0.5:9464', { host: '10.0.0.5', port: 9464 }],
    ['[::1]:9464', { host: '::1', port: 9464 }],
    ['metrics.internal:9100', { host: 'metrics.internal', port: 9100 }],
  ])('BULKHEAD_METRICS_ADDRESS=%s listens on %j', (value, expected) => {
    expect(loadConfig({ BULKHEAD_METRICS_ADDRESS: value }).metrics.address).toEqual(expected);
  });

  it.each(['9464', 'host:', 'host:70000', '::1:9464'])('BULKHEAD_METRICS_ADDRESS=%s is refused', (value) => {
    expect(() => loadConfig({ BULKHEAD_METRICS_ADDRESS: value })).toThrow(/BULKHEAD_METRICS_ADDRESS/);
  });

  it.each([
    ['BULKHEAD_METRICS', 'open'],
    ['BULKHEAD_API_DOCS', 'yes'],
    ['BULKHEAD_BODY_IDLE_TIMEOUT_S', '0'],
    ['BULKHEAD_MAX_PUBLIC_BODY_KB', '-1'],
  ])('%s=%s is refused', (key, value) => {
    expect(() => loadConfig({ [key]: value })).toThrow(new RegExp(key));
  });
});
