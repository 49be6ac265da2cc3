import { SimulatedDriver } from '@bulkhead/cluster';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { type Harness, startApi } from './support/harness';

// Imports that say what they did: a warning when nothing could be attributed, the flows an inventory
// may explain later kept and attributed once a snapshot arrives or a sync reads the cluster, and a
// failed import never a source.

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

let api: Harness;

const newCluster = async (name: string): Promise<string> =>
  (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name, cni: 'cilium' } })).body.id;
const putSnapshot = (clusterId: string) =>
  api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: fixture('small-snapshot.yaml'),
    headers: { 'content-type': 'application/yaml' },
  });
const uploadFinished = async (clusterId: string, body: string) => {
  const res = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl`, {
    role: 'operator',
    raw: body,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(res.status).toBe(202);
  return (
    await api.waitFor(
      () => api.call('GET', `/api/v1/flow-imports/${res.body.id}`, { role: 'viewer' }),
      (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
    )
  ).body;
};
const edgesOf = async (clusterId: string) => (await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer' })).body.items;

/**
 * Waits until the flows of small-flows.hubble.jsonl, kept by `importId`, are attributed against the inventory of
 * small-snapshot.yaml: two edges, as evidence of that import, and the one flow whose pod the snapshot does not
 * hold either still waiting.
 */
async function smallFlowsOnTheMap(clusterId: string, importId: string): Promise<void> {
  const map = await api.waitFor(
    () => edgesOf(clusterId),
    (items) => items.length === 2,
  );
  expect(map.map((e: { from: string; to: string; port: number; connections: number }) => [e.from, e.to, e.port, e.connections])).toEqual([
    ['api/orders-api', 'db/postgres', 5432, 1],
    ['web/frontend', 'api/orders-api', 8080, 2],
  ]);
  expect(map[1].sources).toEqual([expect.objectContaining({ importId, format: 'hubble', connections: 2 })]);
  const view = (await api.call('GET', `/api/v1/flow-imports/${importId}`, { role: 'viewer' })).body;
  expect(view.unattributed).toEqual({ waiting: 1, notKept: 0, attributedLater: 4 });
}

/** One Hubble flow, a SYN from `src` to `dst` (`{ namespace, pod }` or a raw Hubble endpoint), forwarded unless `refused` says why not. */
const hubbleFlow = (src: object, dst: object, port: number, refused?: string) =>
  JSON.stringify({
    flow: {
      time: '2026-11-20T10:00:00.000Z',
      verdict: refused ? 'DROPPED' : 'FORWARDED',
      ...(refused && { drop_reason_desc: refused }),
      IP: { source: '10.9.0.1', destination: '10.9.0.2', ipVersion: 'IPv4' },
      l4: { TCP: { source_port: 40000, destination_port: port, flags: { SYN: true } } },
      source: src,
      destination: dst,
      Type: 'L3_L4',
      node_name: 'node-1',
      traffic_direction: 'EGRESS',
      trace_observation_point: 'TO_ENDPOINT',
    },
  });

beforeAll(async () => {
  api = await startApi({}, { worker: true });
});
afterAll(() => api.close());

describe('flows uploaded before the snapshot', () => {
  let clusterId: string;
  let importId: string;

  it('finish with the warning that the cluster has no inventory yet, and keep the flows', async () => {
    clusterId = await newCluster('flows-first');
    const done = await uploadFinished(clusterId, fixture('small-flows.hubble.jsonl'));
    importId = done.id;
    expect(done).toMatchObject({ status: 'succeeded', warnings: [{ code: 'no-inventory' }] });
    expect(done.warnings[0].message).toMatch(/no inventory yet/);
    expect(done.progress.flowsAttributed).toBe(0);
    expect(done.unattributed).toEqual({ waiting: 5, notKept: 0, attributedLater: 0 });
    expect(await edgesOf(clusterId)).toEqual([]);
  });

  it('end up on the map once the snapshot is uploaded, as evidence of their import', async () => {
    expect((await putSnapshot(clusterId)).status).toBe(200);
    await smallFlowsOnTheMap(clusterId, importId);
  });

  it('are counted once however often the inventory changes', async () => {
    expect((await putSnapshot(clusterId)).status).toBe(200);
    await new Promise((r) => setTimeout(r, 1500));
    expect((await edgesOf(clusterId)).map((e: { connections: number }) => e.connections)).toEqual([1, 2]);
    const view = (await api.call('GET', `/api/v1/flow-imports/${importId}`, { role: 'viewer' })).body;
    expect(view.unattributed).toEqual({ waiting: 1, notKept: 0, attributedLater: 4 });
  });
});

describe('flows uploaded before the first sync', () => {
  it('end up on the map once a sync reads the cluster', async () => {
    const clusterId = await newCluster('flows-before-sync');
    // The simulated cluster holds the pods; Bulkhead's inventory of it stays empty until a sync reads them.
    await SimulatedDriver.create(api.db, clusterId, YAML.parse(fixture('small-snapshot.yaml')));
    const done = await uploadFinished(clusterId, fixture('small-flows.hubble.jsonl'));
    expect(done).toMatchObject({ status: 'succeeded', warnings: [{ code: 'no-inventory' }] });
    expect(done.unattributed).toEqual({ waiting: 5, notKept: 0, attributedLater: 0 });

    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/sync`, { role: 'operator' })).status).toBe(202);
    await smallFlowsOnTheMap(clusterId, done.id);
  });
});

describe('a refused flow uploaded before the snapshot', () => {
  it('is a blocked attempt once the snapshot is uploaded, never an edge', async () => {
    const clusterId = await newCluster('refused-first');
    const frontend = { namespace: 'web', pod_name: 'frontend-7c9d8f6b5-x2k4q' };
    const postgres = { namespace: 'db', pod_name: 'postgres-0' };
    const done = await uploadFinished(clusterId, hubbleFlow(frontend, postgres, 5432, 'POLICY_DENIED'));
    expect(done.unattributed).toEqual({ waiting: 1, notKept: 0, attributedLater: 0 });
    expect((await putSnapshot(clusterId)).status).toBe(200);
    const blocked = await api.waitFor(
      () => api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked`, { role: 'viewer' }),
      (r) => r.body.items.length > 0,
    );
    expect(blocked.body.items).toEqual([
      expect.objectContaining({ from: 'web/frontend', to: 'db/postgres', port: 5432, attempts: 1, reasons: ['POLICY_DENIED'] }),
    ]);
    expect(await edgesOf(clusterId)).toEqual([]);
    const view = (await api.call('GET', `/api/v1/flow-imports/${done.id}`, { role: 'viewer' })).body;
    expect(view.unattributed).toEqual({ waiting: 0, notKept: 0, attributedLater: 1 });
  });
});

describe('an import that attributes nothing says why', () => {
  let clusterId: string;
  beforeAll(async () => {
    clusterId = await newCluster('with-inventory');
    expect((await putSnapshot(clusterId)).status).toBe(200);
  });

  it('flows of pods this inventory does not hold: another cluster', async () => {
    const done = await uploadFinished(
      clusterId,
      hubbleFlow({ namespace: 'shop', pod_name: 'cart-7d9f-abcde' }, { namespace: 'shop', pod_name: 'redis-0' }, 6379),
    );
    expect(done).toMatchObject({ status: 'succeeded', warnings: [{ code: 'other-cluster' }] });
    expect(done.warnings[0].message).toMatch(/another cluster's traffic/);
  });

  it('only health checks', async () => {
    const done = await uploadFinished(
      clusterId,
      hubbleFlow({ identity: 6, labels: ['reserved:remote-node'] }, { identity: 4, labels: ['reserved:health'] }, 4240),
    );
    expect(done).toMatchObject({ status: 'succeeded', warnings: [{ code: 'only-health-checks' }] });
  });

  it('an import that attributed flows has no warning', async () => {
    const done = await uploadFinished(clusterId, fixture('small-flows.hubble.jsonl'));
    expect(done).toMatchObject({ status: 'succeeded', warnings: [] });
  });
});

describe('a failed import', () => {
  it('is no source of the map', async () => {
    const clusterId = await newCluster('failed-import');
    expect((await putSnapshot(clusterId)).status).toBe(200);
    const failed = await uploadFinished(clusterId, 'hello\nthis is not a flow log\n');
    expect(failed.status).toBe('failed');
    const ok = await uploadFinished(clusterId, fixture('small-flows.hubble.jsonl'));
    const sources = (await edgesOf(clusterId)).flatMap((e: { sources: Array<{ importId: string }> }) => e.sources.map((s) => s.importId));
    expect(new Set(sources)).toEqual(new Set([ok.id]));
  });
});
