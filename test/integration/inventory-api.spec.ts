import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi } from './support/harness';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

let api: Harness;
let clusterId: string;
beforeAll(async () => {
  api = await startApi();
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'small', cni: 'cilium' } })).body.id;
});
afterAll(() => api.close());

describe('cluster inventory from a kubectl snapshot', () => {
  it('imports namespaces, workloads, pods and policies from YAML', async () => {
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: fixture('small-snapshot.yaml'),
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      namespaces: 3,
      workloads: 3,
      pods: 4,
      policies: 1,
      clusterPolicies: 0,
      nodes: 0,
      namespacesWithoutTier: ['db'],
      keptAtFloor: [],
    });
  });

  it('reads tiers from the usual labels and lets a person set one', async () => {
    const before = await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' });
    expect(before.body.map((n: { name: string; tier: string; tierSource: string }) => [n.name, n.tier, n.tierSource])).toEqual([
      ['api', 'staging', 'label'],
      ['db', null, 'none'],
      ['web', 'prod', 'label'],
    ]);
    expect(before.body.find((n: { name: string }) => n.name === 'db').labels).toEqual({ 'kubernetes.io/metadata.name': 'db' });
    const set = await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/db`, { role: 'operator', body: { tier: 'prod' } });
    expect(set.body).toMatchObject({ name: 'db', tier: 'prod', tierSource: 'manual' });
    const bad = await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/db`, { role: 'operator', body: { tier: 'production' } });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].field).toBe('body.tier');
  });

  it('keeps a tier chosen by hand when the snapshot is imported again', async () => {
    await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: fixture('small-snapshot.yaml'),
      headers: { 'content-type': 'application/yaml' },
    });
    const namespaces = await api.call('GET', `/api/v1/clusters/${clusterId}/namespaces`, { role: 'viewer' });
    expect(namespaces.body.find((n: { name: string }) => n.name === 'db')).toMatchObject({ tier: 'prod', tierSource: 'manual' });
  });

  it('derives workloads from owner references', async () => {
    const res = await api.call('GET', `/api/v1/clusters/${clusterId}/workloads?namespace=web`, { role: 'viewer' });
    expect(res.body).toEqual([
      {
        namespace: 'web',
        name: 'frontend',
        kind: 'Deployment',
        labels: { app: 'frontend', 'pod-template-hash': '7c9d8f6b5' },
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        podCount: 2,
      },
    ]);
    const all = await api.call('GET', `/api/v1/clusters/${clusterId}/workloads`, { role: 'viewer' });
    expect(all.body.map((w: { kind: string; name: string }) => `${w.kind}/${w.name}`)).toEqual([
      'Deployment/orders-api',
      'StatefulSet/postgres',
      'Deployment/frontend',
    ]);
  });

  it('refuses a snapshot with a policy the API server would reject, and changes nothing', async () => {
    const broken = fixture('small-snapshot.yaml').replace(
      'podSelector: {}\n      ingress:',
      'podSelector: {}\n      policyTypes: [Inbound]\n      ingress:',
    );
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: broken,
      headers: { 'content-type': 'application/yaml' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('snapshot.invalid_policy');
    expect(res.body.problems[0].field).toContain('db/allow-all-legacy');
    expect(res.body.problems[0].field).toContain('spec.policyTypes[0]');
    const policies = await api.call('GET', `/api/v1/clusters/${clusterId}/policies`, { role: 'viewer' });
    expect(policies.body.map((p: { metadata: { name: string } }) => p.metadata.name)).toEqual(['allow-all-legacy']);
  });

  it('refuses text that is no snapshot at all', async () => {
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      role: 'operator',
      raw: '{"items": [',
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe('snapshot.unreadable');
  });
});

describe('syncing the inventory from the cluster itself', () => {
  it('replaces the inventory with what the driver discovers, on the worker', async () => {
    const synced = await startApi({}, { worker: true });
    try {
      const cluster = (await synced.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'synced', cni: 'cilium' } })).body;
      await synced.call('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, {
        role: 'operator',
        raw: fixture('small-snapshot.yaml'),
        headers: { 'content-type': 'application/yaml' },
      });
      // Someone adds a policy to the (simulated) cluster behind Bulkhead's back.
      const manifest = {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { name: 'by-hand', namespace: 'web' },
        spec: { podSelector: {}, policyTypes: ['Ingress'] },
      };
      await synced.db.query(`INSERT INTO simulated_policies (cluster_id, namespace, name, manifest) VALUES ($1, 'web', 'by-hand', $2)`, [
        cluster.id,
        JSON.stringify(manifest),
      ]);
      expect((await synced.call('POST', `/api/v1/clusters/${cluster.id}/sync`, { role: 'operator' })).status).toBe(202);
      const policies = await synced.waitFor(
        async () => (await synced.call('GET', `/api/v1/clusters/${cluster.id}/policies`, { role: 'viewer' })).body,
        (list: any[]) => list.length === 2,
      );
      expect(policies.map((p: any) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['db/allow-all-legacy', 'web/by-hand']);
      expect((await synced.call('POST', `/api/v1/clusters/${cluster.id}/sync`, { role: 'viewer' })).status).toBe(403);
    } finally {
      await synced.close();
    }
  });
});
