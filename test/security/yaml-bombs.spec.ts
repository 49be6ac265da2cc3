import { type Harness, startApi } from '../integration/support/harness';
import { startProductAlone } from '../support/product-process';
import {
  billionLaughs,
  deepNesting,
  expectServedThroughout,
  largeAnchor,
  requestFromAnotherProcess,
  whileWatchingHealthz,
  wideLaughs,
} from './support/attacks';

/**
 * YAML bombs sent wherever the API reads YAML: the snapshot upload, simulate, a YAML request body
 * and the kubeconfig field. Each is refused with a 400 that names the field and says why, before it
 * is expanded, while /healthz keeps answering. Needs dist/ (the snapshot and simulate work runs on
 * worker threads): `npm run build` first.
 */
let api: Harness;
let clusterId: string;

beforeAll(async () => {
  api = await startApi();
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'target' } })).body.id;
});
afterAll(() => api.close());

const yaml = { 'content-type': 'application/yaml' };
const refusedExpanded = /grows past the limit of 64 MB once its aliases are expanded/;

describe('the 40 MB anchor referenced 500 times (the reported attack), against the product in its own process', () => {
  let product: Awaited<ReturnType<typeof startProductAlone>>;
  const asAdmin = (path: string, init: RequestInit = {}) =>
    fetch(`${product.url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${product.adminToken}`, 'content-type': 'application/json', ...(init.headers ?? {}) },
    });

  beforeAll(async () => {
    product = await startProductAlone();
  }, 60_000);
  afterAll(() => product?.close());

  it('is refused with a 400 on the snapshot route while /healthz answers within 200 ms', async () => {
    const target = (await (await asAdmin('/api/v1/clusters', { method: 'POST', body: JSON.stringify({ name: 'target' }) })).json()) as {
      id: string;
    };
    const headers = { ...yaml, authorization: `Bearer ${product.adminToken}` };
    const attack = await requestFromAnotherProcess(`${product.url}/api/v1/clusters/${target.id}/snapshot`, {
      method: 'PUT',
      headers,
      body: largeAnchor(40 * 1024 * 1024, 500),
    });
    const { result, answers, ...watch } = await whileWatchingHealthz(product.url, () => attack.send());
    expect(result.status).toBe(400);
    expect(result.body.problems).toEqual([{ field: 'body', reason: expect.stringMatching(refusedExpanded) }]);
    expect(answers).toBeGreaterThan(0);
    expectServedThroughout(watch);
    // Nothing half-written: the cluster still has no inventory.
    expect(await (await asAdmin(`/api/v1/clusters/${target.id}/namespaces`)).json()).toEqual([]);
  }, 120_000);
});

describe.each([
  ['billion laughs', billionLaughs],
  ['wide laughs', wideLaughs],
  ['a 2 MB anchor referenced 500 times', largeAnchor(2 * 1024 * 1024, 500)],
])('%s', (_name, bomb) => {
  it('is refused on the snapshot route', async () => {
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { role: 'operator', raw: bomb, headers: yaml });
    expect([res.status, res.body.problems]).toEqual([400, [{ field: 'body', reason: expect.stringMatching(refusedExpanded) }]]);
  });

  it('is refused on the simulate route, as the body and as a snapshot string inside a JSON body', async () => {
    const asBody = await api.call('POST', '/api/v1/simulate', { role: 'viewer', raw: bomb, headers: yaml });
    expect([asBody.status, asBody.body.problems]).toEqual([400, [{ field: 'body', reason: expect.stringMatching(refusedExpanded) }]]);
    const inside = await api.call('POST', '/api/v1/simulate', { role: 'viewer', body: { snapshot: bomb, probes: [] } });
    expect([inside.status, inside.body.problems]).toEqual([400, [{ field: 'body', reason: expect.stringMatching(refusedExpanded) }]]);
  });

  it('is refused as a YAML request body', async () => {
    const res = await api.call('POST', '/api/v1/clusters', { role: 'operator', raw: bomb, headers: yaml });
    expect([res.status, res.body.code, res.body.problems]).toEqual([
      400,
      'request.document_over_limit',
      [{ field: 'body', reason: expect.stringMatching(refusedExpanded) }],
    ]);
  });

  it('is refused in the kubeconfig field, on registration and on update', async () => {
    const kubeconfig = bomb.length <= 1024 * 1024 ? bomb : billionLaughs;
    const created = await api.call('POST', '/api/v1/clusters', {
      role: 'admin',
      body: { name: 'bombed', driver: 'kubernetes', kubeconfig },
    });
    expect([created.status, created.body.problems]).toEqual([
      400,
      [{ field: 'body.kubeconfig', reason: expect.stringMatching(refusedExpanded) }],
    ]);
    expect((await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body.map((c: { name: string }) => c.name)).toEqual(['target']);
  });
});

describe('nesting past the depth limit', () => {
  it.each([
    ['a JSON snapshot', 'application/json'],
    ['a YAML snapshot', 'application/yaml'],
  ])('is refused in %s', async (_name, type) => {
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: deepNesting(100_000),
      headers: { 'content-type': type },
    });
    expect([res.status, res.body.problems]).toEqual([
      400,
      [{ field: 'body', reason: expect.stringMatching(/nested deeper than the limit of 100 levels/) }],
    ]);
  });

  it('is refused in a JSON request body', async () => {
    const res = await api.call('POST', '/api/v1/clusters', {
      role: 'operator',
      raw: `{"name": ${deepNesting(100_000)}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect([res.status, res.body.problems]).toEqual([400, [{ field: 'body', reason: expect.stringMatching(/nested deeper/) }]]);
  });
});

it('an alias inside the node it refers to is refused, not turned into a cycle', async () => {
  const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: 'kind: List\nitems: &loop [*loop]\n',
    headers: yaml,
  });
  expect([res.status, res.body.problems]).toEqual([
    400,
    [{ field: 'body', reason: expect.stringMatching(/alias \(\*loop\) inside the node it refers to/) }],
  ]);
});
