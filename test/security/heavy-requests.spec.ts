import { type Harness, startApi } from '../integration/support/harness';
import { startProductAlone } from '../support/product-process';
import { expectServedThroughout, requestFromAnotherProcess, whileWatchingHealthz } from './support/attacks';
import { largeSimulateInput } from './support/heavy-inputs';

/**
 * Heavy requests run on worker threads: the event loop keeps serving every route while they run,
 * and a request past the time or memory limit, or beyond the queue, is answered (413 naming the
 * limit, or 503 with Retry-After) without stopping the API. Needs dist/: `npm run build` first.
 */
const small = {
  snapshot: largeSimulateInput({ namespaces: 1, podsPerNamespace: 2, probes: 0 }).snapshot,
  probes: [{ from: 'team-0/app-0', to: 'team-0/app-1', port: 8080 }],
};
// About two seconds of evaluation on an idle machine, from 2.7 MB of JSON.
const large = JSON.stringify(largeSimulateInput({ namespaces: 50, podsPerNamespace: 100, probes: 20_000 }));

const simulate = (api: Harness, raw: string) =>
  api.call('POST', '/api/v1/simulate', { role: 'viewer', raw, headers: { 'content-type': 'application/json' } });

describe('a large simulate, against the product in its own process', () => {
  let product: Awaited<ReturnType<typeof startProductAlone>>;
  beforeAll(async () => {
    product = await startProductAlone();
  }, 60_000);
  afterAll(() => product?.close());

  it('is evaluated on a thread while /healthz answers within 200 ms', async () => {
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${product.adminToken}` };
    const request = await requestFromAnotherProcess(
      `${product.url}/api/v1/simulate`,
      { method: 'POST', headers, body: large },
      '(body) => ({ results: body.results.length })',
    );
    const { result, answers, ...watch } = await whileWatchingHealthz(product.url, () => request.send());
    expect(result.status).toBe(200);
    expect(result.body.results).toBe(20_000);
    expect(answers).toBeGreaterThan(1);
    expectServedThroughout(watch);
  }, 60_000);
});

describe('with the default limits', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi();
  });
  afterAll(() => api.close());

  it('builds a plan on a thread and reads a snapshot on a thread, with the same answers as before', async () => {
    const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'threads' } })).body;
    const imported = await api.call('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, {
      role: 'operator',
      body: largeSimulateInput({ namespaces: 3, podsPerNamespace: 4, probes: 0 }).snapshot,
    });
    expect([imported.status, imported.body.namespaces, imported.body.pods, imported.body.policies]).toEqual([200, 3, 12, 30]);
    const plan = await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' });
    expect(plan.status).toBe(201);
    expect(plan.body.policies.length).toBeGreaterThan(0);
  });
});

describe('past the time limit', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi({ BULKHEAD_WORK_TIMEOUT_S: '1' });
  });
  afterAll(() => api.close());

  it('answers 413 naming the time limit, and the next request is served', async () => {
    // Several seconds of evaluation on any machine, against a limit of one.
    const res = await simulate(api, JSON.stringify(largeSimulateInput({ namespaces: 50, podsPerNamespace: 100, probes: 150_000 })));
    expect([res.status, res.body.code]).toEqual([413, 'work.time_limit']);
    expect(res.body.problems).toEqual([{ field: 'body', reason: expect.stringMatching(/time limit of 1 s/) }]);
    const next = await simulate(api, JSON.stringify(small));
    expect([next.status, next.body.results]).toEqual([200, [expect.objectContaining({ from: 'team-0/app-0', to: 'team-0/app-1' })]]);
  }, 30_000);
});

describe('past the memory limit', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi({ BULKHEAD_WORK_MEMORY_MB: '64' });
  });
  afterAll(() => api.close());

  it('answers 413 naming the memory limit (the thread dies, not the API), and the next request is served', async () => {
    // 24 MB of tiny objects: several hundred MB once parsed.
    const items = `[${Array(2_000_000).fill('{"k":[1]}').join(',')}]`;
    const res = await simulate(api, `{"snapshot": {"kind": "List", "items": ${items}}, "probes": []}`);
    expect([res.status, res.body.code]).toEqual([413, 'work.memory_limit']);
    expect(res.body.problems).toEqual([{ field: 'body', reason: expect.stringMatching(/memory limit of 64 MB/) }]);
    const next = await simulate(api, JSON.stringify(small));
    expect(next.status).toBe(200);
    expect((await api.call('GET', '/healthz', { role: null })).status).toBe(200);
  }, 60_000);
});

describe('beyond the queue', () => {
  let api: Harness;
  beforeAll(async () => {
    api = await startApi({ BULKHEAD_WORK_THREADS: '1', BULKHEAD_WORK_QUEUE: '1' });
  });
  afterAll(() => api.close());

  it('answers 503 with Retry-After instead of queueing without bound, and serves again once there is room', async () => {
    const answers = await Promise.all([1, 2, 3, 4].map(() => simulate(api, large)));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses).toEqual([200, 200, 503, 503]);
    const busy = answers.find((a) => a.status === 503)!;
    expect([busy.body.code, busy.headers.get('retry-after')]).toEqual(['work.busy', '5']);
    expect((await simulate(api, JSON.stringify(small))).status).toBe(200);
  }, 120_000);
});
