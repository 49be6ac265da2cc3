import { bookinfoSamples, bookinfoTraffic } from '../support/fake-flow-servers/bookinfo-cluster';
import { makeCertificates } from '../support/fake-flow-servers/certificates';
import { FakeHubbleRelay } from '../support/fake-flow-servers/hubble-relay';
import { type Harness, startApi } from './support/harness';
import { bookinfoCluster, importedMap, liveMap } from './support/live-map';

let api: Harness;

const source = (clusterId: string, id: string) => api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources/${id}`, { role: 'viewer' });
const collected = (clusterId: string, id: string, flows: number) =>
  api.waitFor(
    () => source(clusterId, id),
    (r) => r.body.flowsCollected >= flows,
    30_000,
  );

beforeAll(async () => {
  api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' }, { worker: true });
});
afterAll(() => api.close());

describe('collecting a Hubble Relay over plain gRPC', () => {
  const relay = new FakeHubbleRelay();
  afterAll(() => relay.stop());

  it('takes in the relay history and what it streams afterwards, into the same map a file import makes', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-plain');
    const samples = bookinfoSamples();
    relay.hold(samples.map((f) => f.wire));
    const port = await relay.start();
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'relay', kind: 'hubble-relay', address: `127.0.0.1:${port}` },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'hubble-relay', tls: { mode: 'none', hasCa: false }, enabled: true });

    await collected(clusterId, created.body.id, samples.length);
    const live = bookinfoTraffic(200);
    relay.publish(live.map((f) => f.wire));
    const done = await collected(clusterId, created.body.id, samples.length + live.length);

    expect(done.body.flowsCollected).toBe(samples.length + live.length);
    expect(done.body.gaps).toEqual([]);
    expect(done.body.lastFlowAt).toBe('2021-11-10T11:05:00.000Z');
    expect(await liveMap(api, clusterId)).toEqual(await importedMap(api, clusterId, [...samples, ...live]));
    // Each edge's activity per hour: the generated traffic is in the 11:00 hour, most samples in the 10:00 one.
    const hours: Array<{ hour: Date; connections: string }> = await api.db.query(
      `SELECT a.hour, sum(a.connections) AS connections FROM edge_activity a WHERE a.source_id = $1 GROUP BY a.hour ORDER BY a.hour`,
      [created.body.id],
    );
    expect(hours.map((h) => h.hour.toISOString()).slice(-2)).toEqual(['2021-11-10T10:00:00.000Z', '2021-11-10T11:00:00.000Z']);
    expect(Number(hours.at(-1)!.connections)).toBe(200);
    // two collections, three imports and a map compared edge by edge: seconds when idle, a minute on a loaded machine
  }, 60_000);
});

describe('collecting a Hubble Relay over mTLS', () => {
  const certificates = makeCertificates('hubble-relay.test');
  const relay = new FakeHubbleRelay({ ca: certificates.ca, ...certificates.server });
  afterAll(() => relay.stop());

  it('connects with the sealed client certificate, never shows it, and fails with the reason when the CA is wrong', async () => {
    const clusterId = await bookinfoCluster(api, 'bookinfo-mtls');
    const live = bookinfoTraffic(50);
    relay.hold(live.map((f) => f.wire));
    const port = await relay.start();
    const tls = {
      ca: certificates.ca,
      certificate: certificates.client.certificate,
      key: certificates.client.key,
      serverName: 'hubble-relay.test',
    };
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'relay', kind: 'hubble-relay', address: `127.0.0.1:${port}`, tls },
    });
    expect(created.status).toBe(201);
    expect(created.body.tls).toEqual({ mode: 'mtls', serverName: 'hubble-relay.test', hasCa: true });
    expect(JSON.stringify(created.body)).not.toContain('PRIVATE KEY');
    const [row] = await api.db.query(`SELECT sealed_tls::text AS sealed FROM flow_sources WHERE id = $1`, [created.body.id]);
    expect(row.sealed).not.toContain('PRIVATE');

    await collected(clusterId, created.body.id, live.length);
    expect(await liveMap(api, clusterId)).toEqual(await importedMap(api, clusterId, live));

    const wrong = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'wrong-ca', kind: 'hubble-relay', address: `127.0.0.1:${port}`, tls: { ...tls, ca: certificates.otherCa } },
    });
    const failing = await api.waitFor(
      () => source(clusterId, wrong.body.id),
      (r) => r.body.status === 'failing',
      20_000,
    );
    expect(failing.body.reason).toMatch(/UNAVAILABLE|certificate|self.signed|unable/i);
  });
});

describe('the flow-source routes', () => {
  it('refuse what they cannot use, naming the field, and leave viewers to read', async () => {
    const clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'routes', cni: 'cilium' } })).body.id;
    const post = (body: unknown, role: 'operator' | 'viewer' = 'operator') =>
      api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, { role, body });
    expect((await post({ name: 'r', kind: 'hubble-relay', address: 'relay:80' }, 'viewer')).status).toBe(403);
    const badAddress = await post({ name: 'r', kind: 'hubble-relay', address: 'http://relay' });
    expect(badAddress.status).toBe(400);
    expect(badAddress.body.problems[0].field).toBe('body.address');
    const keyWithoutCert = await post({
      name: 'r',
      kind: 'goldmane',
      address: 'goldmane:7443',
      tls: { key: '-----BEGIN PRIVATE KEY-----\nx\n-----END PRIVATE KEY-----' },
    });
    expect(keyWithoutCert.status).toBe(400);
    expect(keyWithoutCert.body.problems[0].field).toBe('body.tls.certificate');
    const created = await post({ name: 'r', kind: 'hubble-relay', address: '127.0.0.1:4245', enabled: false });
    expect(created.status).toBe(201);
    expect((await post({ name: 'r', kind: 'hubble-relay', address: '127.0.0.1:4245' })).status).toBe(409);
    const path = `/api/v1/clusters/${clusterId}/flow-sources/${created.body.id}`;
    const patched = await api.call('PATCH', path, { role: 'operator', body: { address: '127.0.0.1:4246' } });
    expect(patched.body.address).toBe('127.0.0.1:4246');
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources`, { role: 'viewer' })).body).toHaveLength(1);
    expect((await api.call('DELETE', path, { role: 'operator' })).status).toBe(204);
    expect((await api.call('GET', path, { role: 'viewer' })).status).toBe(404);
  });
});
