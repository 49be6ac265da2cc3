import { demoCluster, DemoLiveTraffic, demoWindowStart } from '@bulkhead/demo';
import { type CollectedBatch, HubbleCollection } from '@bulkhead/inventory';
import { PostgresFlowSourceStore, TypeOrmInventoryStore } from '@bulkhead/persistence';
import { instantFromRfc3339 } from '@bulkhead/flows';
import { type Harness, startApi } from './support/harness';

/**
 * Coverage from what a live source wrote: three nights of the demo's live traffic, written the way a
 * collector writes it (batches under a lease, with a gap recorded), then read through the API.
 */
let api: Harness;
const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

beforeAll(async () => {
  api = await startApi();
}, 60_000);
afterAll(() => api.close());

async function demoClusterWithSource(): Promise<{ clusterId: string; sourceId: string; windowStart: Date }> {
  const created = await api.call('POST', '/api/v1/clusters', {
    role: 'operator',
    body: { name: 'demo-coverage', cni: 'cilium', driver: 'simulated' },
  });
  const clusterId: string = created.body.id;
  const windowStart = demoWindowStart(new Date(created.body.createdAt));
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: JSON.stringify(demoCluster({ start: windowStart }).snapshot),
    headers: { 'content-type': 'application/json' },
  });
  const source = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
    role: 'operator',
    body: { name: 'live', kind: 'simulated' },
  });
  expect(source.status).toBe(201);
  return { clusterId, sourceId: source.body.id, windowStart };
}

/** Batches of the traffic in each window, as the collection cuts them (one hour each at most). */
function batchesOf(
  traffic: DemoLiveTraffic,
  windows: Array<[number, number]>,
  inventory: ConstructorParameters<typeof HubbleCollection>[0],
) {
  const collection = new HubbleCollection(inventory, null);
  for (const [from, to] of windows) {
    for (const flow of traffic.between(from, to)) {
      const time = instantFromRfc3339(flow.line.time);
      const isReply = flow.line.flow.is_reply;
      const wireReply = typeof isReply === 'boolean' ? { value: isReply } : undefined;
      collection.take({ flow: { ...flow.line.flow, time, is_reply: wireReply }, node_name: flow.line.node_name, time });
    }
  }
  return collection.drain();
}

/** The demo cluster after three nights of its live traffic, with a gap after the second night. */
async function threeObservedNights(): Promise<{ clusterId: string; nights: Array<{ atMs: number }>; gapTo: number }> {
  const { clusterId, sourceId, windowStart } = await demoClusterWithSource();
  const traffic = new DemoLiveTraffic({ windowStart, connectionsPerSecond: 2, hiddenDependencyEveryMs: 6 * HOUR_MS });
  const now = Date.now();
  const nights = traffic.rareCallsBetween(now - 3.5 * DAY_MS, now - HOUR_MS).filter((c) => c.caller === 'nightly-report');
  expect(nights).toHaveLength(3);
  // Each night's run, and a few minutes of steady traffic every six hours.
  const windows: Array<[number, number]> = nights.map((n): [number, number] => [n.atMs, n.atMs + 5 * 60_000]);
  for (let t = nights[0]!.atMs + HOUR_MS; t < now - HOUR_MS; t += 6 * HOUR_MS) windows.push([t, t + 60_000]);
  windows.sort((a, b) => a[0] - b[0]);
  const loaded = await new TypeOrmInventoryStore(api.db).load(clusterId);
  const batches: CollectedBatch[] = batchesOf(traffic, windows, { pods: loaded.pods, workloads: loaded.workloads });

  const store = new PostgresFlowSourceStore(api.db);
  const [lease] = await store.claimLeases('coverage-test', 60_000);
  expect(lease?.sourceId).toBe(sourceId);
  const ours = { sourceId, owner: 'coverage-test', epoch: lease!.epoch };
  for (const batch of batches)
    expect(await store.writeBatch(ours, batch, { status: 'connected', reason: null, flowsPerSecond: 1 })).toBe(true);
  // The source was down after the second night for longer than its server kept history.
  const gapTo = nights[1]!.atMs + 12 * HOUR_MS;
  expect(await store.recordGap(ours, { from: new Date(nights[1]!.atMs + 6 * HOUR_MS), to: new Date(gapTo), reason: 'down' })).toBe(true);
  return { clusterId, nights, gapTo };
}

describe('observation coverage of the demo cluster after three nights of live traffic', () => {
  let observed: Awaited<ReturnType<typeof threeObservedNights>>;
  beforeAll(async () => {
    observed = await threeObservedNights();
  }, 60_000);

  it('says how long each namespace was observed without a gap, when edges were last active, and which are periodic', async () => {
    const { clusterId, nights, gapTo } = observed;

    const all: any[] = [];
    for (let cursor: string | null = null; ;) {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await api.call('GET', `/api/v1/clusters/${clusterId}/observation-coverage?limit=7${query}`, { role: 'viewer' });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(7);
      all.push(...page.body.items);
      cursor = page.body.nextCursor;
      if (!cursor) break;
    }
    const namespaces = new Map(all.map((n) => [n.namespace, n]));
    expect(namespaces.size).toBe(31);

    const legacy = namespaces.get('legacy-reporting');
    expect(legacy.observedSince).toBe(new Date(gapTo).toISOString());
    expect(legacy.observedDays).toBeGreaterThan(0.9);
    expect(legacy.observedDays).toBeLessThan(1.6);
    expect(legacy.underObserved).toBe(true);
    const report = legacy.workloads.find((w: any) => w.name === 'report-builder');
    const nightly = report.edges.find((e: any) => e.peer === 'workload:orders-prod/orders-api');
    expect(nightly).toMatchObject({ direction: 'outgoing', port: 8080, protocol: 'TCP', periodic: 'daily' });
    expect(Date.parse(nightly.lastActive)).toBeGreaterThanOrEqual(nights[2]!.atMs);
    expect(Date.parse(nightly.lastActive)).toBeLessThan(nights[2]!.atMs + 5 * 60_000);

    // Steady edges are not periodic; the ingress controller talks all the time.
    const ingress = namespaces.get('ingress-nginx').workloads.find((w: any) => w.name === 'ingress-nginx-controller');
    expect(ingress.underObserved).toBe(false);
    expect(ingress.edges.filter((e: any) => e.periodic)).toEqual([]);

    // The weekly report never ran in these days; the catalog importer has no pods.
    const weekly = namespaces.get('orders-prod').workloads.find((w: any) => w.name === 'orders-weekly-report');
    expect(weekly).toMatchObject({ kind: 'CronJob', underObserved: true, lastSeen: null });
    expect(weekly.warning).toMatch(/^no traffic seen in 1\.\d days of observation/);
    const importer = namespaces.get('catalog-staging').workloads.find((w: any) => w.name === 'catalog-importer');
    expect(importer.underObserved).toBe(true);

    const week = await api.call('GET', `/api/v1/clusters/${clusterId}/observation-coverage?minObservedDays=1`, { role: 'viewer' });
    expect(week.body.items.every((n: any) => n.underObserved === false)).toBe(true);
  });

  it('keeps in a new plan the same figure per namespace, with its under-observed workloads, as the route answers', async () => {
    const { clusterId, gapTo } = observed;
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator', body: {} });
    expect(created.status).toBe(201);
    const review = await api.call('GET', `/api/v1/plans/${created.body.id}/review`, { role: 'viewer' });
    expect(review.status).toBe(200);
    const coverage: any[] = review.body.report.coverage;
    expect(coverage.map((n) => n.namespace).sort()).toEqual(Object.keys(review.body.report.plan.tiers).sort());

    const legacy = coverage.find((n) => n.namespace === 'legacy-reporting');
    expect(legacy).toMatchObject({ observedSince: new Date(gapTo).toISOString(), underObserved: true, minObservedDays: 7 });
    const route = await api.call('GET', `/api/v1/clusters/${clusterId}/observation-coverage?limit=200`, { role: 'viewer' });
    const fromRoute = route.body.items.find((n: any) => n.namespace === 'orders-prod');
    const inPlan = coverage.find((n) => n.namespace === 'orders-prod');
    expect(inPlan.observedSince).toBe(fromRoute.observedSince);
    expect(inPlan.underObservedWorkloads.map((w: any) => w.name)).toEqual(
      fromRoute.workloads.filter((w: any) => w.underObserved).map((w: any) => w.name),
    );
    expect(inPlan.underObservedWorkloads).toContainEqual(
      expect.objectContaining({
        name: 'orders-weekly-report',
        kind: 'CronJob',
        lastSeen: null,
        warning: expect.stringMatching(/^no traffic seen/),
      }),
    );
    // The ingress controller talks all the time: it is not listed.
    const ingress = coverage.find((n) => n.namespace === 'ingress-nginx');
    expect(ingress.underObservedWorkloads.map((w: any) => w.name)).not.toContain('ingress-nginx-controller');
  });

  it('refuses a minimum out of range, naming the field', async () => {
    const bad = await api.call('GET', '/api/v1/clusters/00000000-0000-4000-8000-000000000000/observation-coverage?minObservedDays=-1', {
      role: 'viewer',
    });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('minObservedDays');
  });
});
