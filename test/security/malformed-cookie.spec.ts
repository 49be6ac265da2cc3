import { type Harness, startApi } from '../integration/support/harness';

/**
 * Review of issue 11: a session cookie that is not valid percent-encoding (`bh_session=%`) made
 * decodeURIComponent throw, a 500 on every guarded route. It is now taken as no cookie: a 401.
 */
describe('a session cookie that cannot be decoded', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it.each([
    ['a write route', 'POST', '/api/v1/clusters'],
    ['a read route', 'GET', '/api/v1/clusters'],
    ['/metrics', 'GET', '/metrics'],
    ['/api/docs', 'GET', '/api/docs/openapi.json'],
    ['signing out', 'POST', '/api/v1/auth/logout'],
  ])('is taken as absent on %s: 401, not 500', async (_name, method, path) => {
    for (const cookie of ['bh_session=%', 'bh_session=%E0%A4%A', 'other=1; bh_session=%zz']) {
      const res = await api.call(method, path, {
        role: null,
        headers: { cookie, 'content-type': 'application/json' },
        ...(method === 'POST' ? { raw: '{}' } : {}),
      });
      expect([cookie, res.status]).toEqual([cookie, 401]);
    }
  });
});
