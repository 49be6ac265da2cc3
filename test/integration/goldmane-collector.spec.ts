import { makeCertificates } from '../support/fake-flow-servers/certificates';
import { BOOKINFO_PREFIX, FakeGoldmane, goldmaneFlow } from '../support/fake-flow-servers/goldmane';
import { type Harness, startApi } from './support/harness';
import { bookinfoCluster } from './support/live-map';

let api: Harness;

const PRODUCTPAGE_TO_REVIEWS = { src: 'workload:bookinfo/productpage-v1', dst: 'workload:bookinfo/reviews-v2' };
/** A bucket start a few minutes ago: inside what Goldmane keeps, so no gap. */
const BUCKET = Math.floor(Date.now() / 1000 / 15) * 15 - 300;

const source = (clusterId: string, id: string) => api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources/${id}`, { role: 'viewer' });
const collected = (clusterId: string, id: string, flows: number) =>
  api.waitFor(
    () => source(clusterId, id),
    (r) => r.body.flowsCollected >= flows,
    30_000,
  );
const until = (condition: () => boolean) =>
  api.waitFor(
    async () => condition(),
    (met) => met,
    30_000,
  );
const toReviews = (bucket: number, started: number) =>
  (['Src', 'Dst'] as const).map((reporter) =>
    goldmaneFlow({ bucket, from: BOOKINFO_PREFIX.productpage, to: BOOKINFO_PREFIX.reviews, port: 9080, started, reporter }),
  );

/** The connections of productpage -> reviews:9080 as the API shows them, and the sum of its hours. */
async function productpageToReviews(clusterId: string): Promise<{ connections: number; hours: number }> {
  const page = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=500`, { role: 'viewer' })).body;
  const edge = page.items.find(
    (e: any) => e.fromKey === PRODUCTPAGE_TO_REVIEWS.src && e.toKey === PRODUCTPAGE_TO_REVIEWS.dst && e.port === 9080,
  );
  const [hours] = await api.db.query(
    `SELECT COALESCE(sum(a.connections), 0) AS connections FROM edge_activity a JOIN edges e ON e.id = a.edge_id
     WHERE e.cluster_id = $1 AND e.src_key = $2 AND e.dst_key = $3 AND e.port = 9080`,
    [clusterId, PRODUCTPAGE_TO_REVIEWS.src, PRODUCTPAGE_TO_REVIEWS.dst],
  );
  return { connections: edge?.connections ?? 0, hours: Number(hours.connections) };
}

beforeAll(async () => {
  api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' }, { worker: true });
});
afterAll(() => api.close());

describe('collecting Calico Goldmane over plain gRPC', () => {
  const goldmane = new FakeGoldmane();
  afterAll(() => goldmane.stop());

  it('streams buckets, backfills with List after a disconnect, and counts a re-sent bucket once', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-goldmane');
    const port = await goldmane.start();
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'goldmane', kind: 'goldmane', address: `127.0.0.1:${port}` },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    await until(() => goldmane.streaming === 1);
    // A new source lists nothing: it follows the stream from now.
    expect(goldmane.requests.map((r) => r.method)).toEqual(['Stream']);

    // One connection seen at both ends counts once; the bucket sent again with larger counts is set, not added.
    goldmane.publish(toReviews(BUCKET, 3));
    await collected(clusterId, id, 2);
    goldmane.publish(toReviews(BUCKET, 5));
    await collected(clusterId, id, 4);
    expect(await productpageToReviews(clusterId)).toEqual({ connections: 5, hours: 5 });

    // Goldmane goes away; meanwhile the first bucket grows and a new one comes, with a prefix no pod carries.
    await goldmane.stop();
    goldmane.hold([
      ...toReviews(BUCKET, 6),
      ...toReviews(BUCKET + 15, 2),
      goldmaneFlow({ bucket: BUCKET + 15, from: 'legacy-5c9d8f7b6-*', to: BOOKINFO_PREFIX.details, port: 9080, started: 4 }),
    ]);
    await goldmane.start();
    const backfilled = await collected(clusterId, id, 9);
    const list = goldmane.requests.find((r) => r.method === 'List');
    expect(Number(list?.request.start_time_gte)).toBe(BUCKET - 15);
    expect(await productpageToReviews(clusterId)).toEqual({ connections: 8, hours: 8 });
    expect(backfilled.body.reason).toContain('bookinfo/legacy-5c9d8f7b6-*');
    expect(backfilled.body.gaps).toEqual([]);

    // What the stream sends again after the backfill changes nothing; a new bucket adds.
    await until(() => goldmane.streaming === 1);
    goldmane.publish(toReviews(BUCKET + 15, 2));
    goldmane.publish(toReviews(BUCKET + 30, 1));
    await collected(clusterId, id, 13);
    expect(await productpageToReviews(clusterId)).toEqual({ connections: 9, hours: 9 });
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=500`, { role: 'viewer' })).body.items;
    expect(edges.filter((e: any) => e.fromKey.includes('legacy') || e.toKey.includes('legacy'))).toEqual([]);
  }, 120_000);
});

describe('a Goldmane source back after longer than Goldmane keeps', () => {
  const goldmane = new FakeGoldmane();
  afterAll(() => goldmane.stop());

  it('records the span it could not see as a gap, and takes what Goldmane still holds', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-goldmane-gap');
    const port = await goldmane.start();
    goldmane.hold(toReviews(BUCKET, 4));
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'goldmane', kind: 'goldmane', address: `127.0.0.1:${port}`, enabled: false },
    });
    const twoHoursAgo = BUCKET - 7_200;
    await api.db.query(`UPDATE flow_sources SET checkpoint = $2 WHERE id = $1`, [
      created.body.id,
      JSON.stringify({ v: 1, lastCompleteBucket: twoHoursAgo }),
    ]);
    await api.call('PATCH', `/api/v1/clusters/${clusterId}/flow-sources/${created.body.id}`, { role: 'operator', body: { enabled: true } });

    const done = await collected(clusterId, created.body.id, 2);
    expect(done.body.gaps).toEqual([
      expect.objectContaining({
        from: new Date((twoHoursAgo + 15) * 1000).toISOString(),
        reason: expect.stringMatching(/Goldmane no longer held/),
      }),
    ]);
    expect(await productpageToReviews(clusterId)).toEqual({ connections: 4, hours: 4 });
  });
});

describe('collecting Calico Goldmane over mTLS', () => {
  const certificates = makeCertificates('goldmane.calico-system.svc');
  const goldmane = new FakeGoldmane({ ca: certificates.ca, ...certificates.server });
  afterAll(() => goldmane.stop());

  it('connects with the sealed client certificate, as Goldmane requires', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-goldmane-mtls');
    const port = await goldmane.start();
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: {
        name: 'goldmane',
        kind: 'goldmane',
        address: `127.0.0.1:${port}`,
        tls: {
          ca: certificates.ca,
          certificate: certificates.client.certificate,
          key: certificates.client.key,
          serverName: 'goldmane.calico-system.svc',
        },
      },
    });
    expect(created.body.tls).toEqual({ mode: 'mtls', serverName: 'goldmane.calico-system.svc', hasCa: true });
    await until(() => goldmane.streaming === 1);
    // A bucket that just closed: the collector is not behind.
    goldmane.publish(toReviews(Math.floor(Date.now() / 1000 / 15) * 15 - 15, 2));
    const done = await collected(clusterId, created.body.id, 2);
    expect(done.body.status).toBe('connected');
    expect(await productpageToReviews(clusterId)).toEqual({ connections: 2, hours: 2 });
  });
});
