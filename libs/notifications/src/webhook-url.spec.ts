import { judgeWebhookUrl, resolvedWebhookRefusal } from './webhook-url';

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.example.com/bulkhead', false, { host: 'hooks.example.com' }],
    ['https://203.0.113.7/hook', false, {}],
    ['http://127.0.0.1:8080/hook', true, {}],
    ['http://[::1]:8080/hook', true, {}],
    ['http://localhost:8080/hook', true, {}],
  ])('accepts %s (loopback allowed: %s)', (url, allowLoopback, verdict) => {
    expect(judgeWebhookUrl(url, allowLoopback)).toEqual(verdict);
  });

  it.each([
    ['not a url', false, 'is not a URL'],
    ['ftp://example.com/x', false, 'must be an https:// URL'],
    ['http://hooks.example.com/x', false, 'http:// only to a loopback address'],
    ['http://hooks.example.com/x', true, 'http:// only to a loopback address'],
    ['http://127.0.0.1/x', false, 'http:// only to a loopback address'],
    ['https://127.0.0.1/x', false, 'loopback address'],
    ['https://2130706433/x', false, '127.0.0.1 is a loopback address'],
    ['https://localhost/x', false, 'loopback name'],
    ['https://169.254.169.254/latest/meta-data', false, 'linkLocal'],
    ['https://169.254.169.254/latest/meta-data', true, 'linkLocal'],
    ['https://[::ffff:169.254.169.254]/x', true, 'linkLocal'],
    ['https://[fe80::1]/x', true, 'linkLocal'],
    ['https://0.0.0.0/x', true, 'unspecified'],
    ['https://user:pass@hooks.example.com/x', false, 'carries credentials'],
  ])('refuses %s (loopback allowed: %s)', (url, allowLoopback, reason) => {
    const verdict = judgeWebhookUrl(url, allowLoopback);
    expect('reason' in verdict && verdict.reason).toContain(reason);
  });

  it('refuses a name that resolves to a metadata address, loopback allowed or not', () => {
    expect(resolvedWebhookRefusal('evil.example', ['203.0.113.9', '169.254.169.254'], true)).toContain(
      '169.254.169.254 is a linkLocal address',
    );
    expect(resolvedWebhookRefusal('fine.example', ['203.0.113.9'], false)).toBeNull();
    expect(resolvedWebhookRefusal('local.example', ['127.0.0.1'], false)).toContain('loopback');
    expect(resolvedWebhookRefusal('local.example', ['127.0.0.1'], true)).toBeNull();
  });
});
