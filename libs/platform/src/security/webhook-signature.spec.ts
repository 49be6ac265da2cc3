import { createHmac } from 'node:crypto';
import { signWebhook, verifyWebhookSignature } from './webhook-signature';

const SECRET = 'a-receiver-secret-of-some-length';
const BODY = '{"event":"rollout.halted","rollout":{"id":"r1"}}';
const T = 1_764_422_000;

describe('webhook signatures', () => {
  it('signs HMAC-SHA256 over "<timestamp>.<body>", as a receiver computes it by hand', () => {
    const expected = createHmac('sha256', SECRET).update(`${T}.${BODY}`).digest('hex');
    expect(signWebhook(SECRET, T, BODY)).toBe(`t=${T}, v1=${expected}`);
  });

  it('verifies its own signature within the tolerance', () => {
    expect(verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY), BODY, T + 299)).toBe(true);
  });

  it.each([
    ['another secret', () => verifyWebhookSignature('another-secret-entirely-000', signWebhook(SECRET, T, BODY), BODY, T)],
    ['a changed body', () => verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY), `${BODY} `, T)],
    ['a timestamp too old', () => verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY), BODY, T + 301)],
    [
      'a timestamp changed after signing',
      () => verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY).replace(`t=${T}`, `t=${T + 1}`), BODY, T),
    ],
    ['a header without v1', () => verifyWebhookSignature(SECRET, `t=${T}`, BODY, T)],
    ['a truncated signature', () => verifyWebhookSignature(SECRET, signWebhook(SECRET, T, BODY).slice(0, -2), BODY, T)],
    ['garbage', () => verifyWebhookSignature(SECRET, 'nonsense', BODY, T)],
  ])('refuses %s', (_case, verify) => {
    expect(verify()).toBe(false);
  });
});
