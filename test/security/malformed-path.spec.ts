import { type Harness, startApi } from '../integration/support/harness';

/**
 * A path parameter whose percent-encoding is not UTF-8 (`%ff%fe`) or not percent-encoding at all
 * (`%zz`) cannot be decoded: the answer is a 400 naming the parameter, never a 500, on reads and
 * writes alike, and nothing reaches a store.
 */
describe('a path parameter that cannot be decoded', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it.each([
    ['GET', '/api/v1/clusters/%ff%fe', 'params.clusterId'],
    ['GET', '/api/v1/clusters/%ff%fe/namespaces', 'params.clusterId'],
    ['PATCH', '/api/v1/clusters/%E0%A4%A', 'params.clusterId'],
    ['DELETE', '/api/v1/clusters/%zz', 'params.clusterId'],
    ['GET', '/api/v1/rollouts/%ff', 'params.rolloutId'],
  ])('%s %s is a 400 naming %s', async (method, path, field) => {
    const res = await api.call(method, path, { role: 'admin', ...(method === 'PATCH' ? { body: { name: 'x' } } : {}) });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'request.invalid_params', problems: [{ field }] });
  });
});
