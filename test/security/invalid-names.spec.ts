import { QUEUES } from '@bulkhead/contracts';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import YAML from 'yaml';
import { type FakeKubeApiServer, startFakeKubeApiServer } from '../support/fake-kube-apiserver';
import { type Harness, startApi } from '../integration/support/harness';

/**
 * The attack: names the Kubernetes API server would never accept (`../../Etc`, upper case, too long,
 * NUL) in a snapshot or from a cluster sync, and unknown keys (`__proto__`) in a rollout's windows
 * and freezes. Each is a 400 naming the object or the key, and nothing reaches the inventory or a plan.
 */
const snapshot = YAML.parse(readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8'));

let api: Harness;
let clusterId: string;

const withChange = (change: (items: any[]) => void) => {
  const copy = structuredClone(snapshot);
  change(copy.items);
  return copy;
};
const namespaces = async (id = clusterId) =>
  (await api.call('GET', `/api/v1/clusters/${id}/namespaces`, { role: 'viewer' })).body.map((ns: { name: string }) => ns.name);

beforeAll(async () => {
  // The fake API server listens on loopback; the setting is for when registration refuses loopback servers.
  api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' }, { worker: true });
  clusterId = (await api.call('POST', '/api/v1/clusters', { body: { name: 'small', cni: 'cilium' } })).body.id;
  expect((await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { body: snapshot })).status).toBe(200);
});
afterAll(() => api.close());

describe('snapshots with names Kubernetes refuses', () => {
  it.each([
    ['a namespace named ../../Etc', (items: any[]) => (items[0].metadata.name = '../../Etc'), 'body.items[0].metadata.name'],
    ['a namespace in upper case', (items: any[]) => (items[1].metadata.name = 'API'), 'body.items[1].metadata.name'],
    ['a namespace of 64 characters', (items: any[]) => (items[2].metadata.name = 'd'.repeat(64)), 'body.items[2].metadata.name'],
    [
      'a pod whose namespace is a path',
      (items: any[]) => (items[3].metadata.namespace = '../kube-system'),
      'body.items[3].metadata.namespace',
    ],
    ['a pod named with a slash', (items: any[]) => (items[4].metadata.name = 'frontend/../../x'), 'body.items[4].metadata.name'],
    ['a pod of 254 characters', (items: any[]) => (items[5].metadata.name = 'p'.repeat(254)), 'body.items[5].metadata.name'],
    [
      'a pod owned by a workload in upper case',
      (items: any[]) => (items[6].metadata.ownerReferences[0].name = 'Postgres'),
      'body.items[6].metadata.ownerReferences[0].name',
    ],
    ['a NetworkPolicy named ../x', (items: any[]) => (items[7].metadata.name = '../x'), 'body.items[7].metadata.name'],
    ['a NUL in a pod name', (items: any[]) => (items[3].metadata.name = 'frontend\u0000'), 'body.items[3].metadata.name'],
    ['a label key with a space', (items: any[]) => (items[0].metadata.labels['bad key'] = 'x'), 'body.items[0].metadata.labels'],
    ['a label value with a slash', (items: any[]) => (items[3].metadata.labels.app = 'front/end'), 'body.items[3].metadata.labels'],
    ['a label value of 64 characters', (items: any[]) => (items[1].metadata.labels.env = 'v'.repeat(64)), 'body.items[1].metadata.labels'],
    [
      'a Deployment in upper case',
      (items: any[]) =>
        items.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'Frontend', namespace: 'web' },
          spec: { template: { metadata: { labels: { app: 'frontend' } } } },
        }),
      'body.items[8].metadata.name',
    ],
    [
      'a workload template label that is no label',
      (items: any[]) =>
        items.push({
          apiVersion: 'apps/v1',
          kind: 'Deployment',
          metadata: { name: 'frontend', namespace: 'web' },
          spec: { template: { metadata: { labels: { app: '../../etc' } } } },
        }),
      'body.items[8].spec.template.metadata.labels',
    ],
  ])('refuses %s, naming the object, and keeps the inventory as it was', async (_name, change, field) => {
    const before = await namespaces();
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { body: withChange(change) });
    expect(res.status).toBe(400);
    expect(res.body.problems.map((p: { field: string }) => p.field)).toEqual([field]);
    expect(await namespaces()).toEqual(before);
  });

  it('names the document among several in a YAML snapshot', async () => {
    const text =
      'apiVersion: v1\nkind: Namespace\nmetadata: { name: web }\n---\napiVersion: v1\nkind: Namespace\nmetadata: { name: Web_2 }\n';
    const res = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
      raw: text,
      headers: { 'content-type': 'application/yaml' },
    });
    expect([res.status, res.body.problems[0].field]).toEqual([400, 'body.documents[1].metadata.name']);
  });
});

describe('a cluster sync that reads names Kubernetes refuses', () => {
  let server: FakeKubeApiServer;
  afterAll(() => server?.close());

  it('imports nothing from the cluster, so no such name reaches the map or a plan', async () => {
    server = await startFakeKubeApiServer({
      seed: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'web' } },
        {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: '../../etc', namespace: 'web', labels: { app: 'x' } },
          spec: { containers: [{ name: 'c', image: 'i' }] },
          status: { phase: 'Running', podIP: '10.0.0.9' },
        },
      ],
    });
    const created = await api.call('POST', '/api/v1/clusters', {
      body: { name: 'real', cni: 'calico', driver: 'kubernetes', kubeconfig: server.kubeconfig() },
    });
    expect(created.status).toBe(201);
    const id = created.body.id;
    expect((await api.call('POST', `/api/v1/clusters/${id}/sync`, { role: 'operator' })).status).toBe(202);
    const queue = api.runtime.queues.get(QUEUES.imports)!;
    const [attempt] = await api.waitFor(
      () => queue.getJobs(['active', 'wait', 'delayed', 'failed']),
      (jobs) => jobs.some((job) => job.name === 'cluster.sync' && Boolean(job.failedReason)),
      30_000,
    );
    expect(attempt?.failedReason).toContain('"web/../../etc"');
    expect(await namespaces(id)).toEqual([]);
    const plan = await api.call('POST', `/api/v1/clusters/${id}/plans`, { role: 'operator' });
    expect(JSON.stringify(plan.body)).not.toContain('../../etc');
  });
});

describe('rollout windows and freezes with keys they do not have', () => {
  const cron = { kind: 'cron', expression: '0 2 * * MON-FRI', durationMinutes: 60, timeZone: 'UTC' };
  let planId: string;
  beforeAll(async () => {
    planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
  });

  it.each([
    ['an unknown key in a freeze', `{"freezes":[${JSON.stringify({ ...cron, extra: 1 })}]}`, 'body.config.freezes[0].extra'],
    [
      '__proto__ in a freeze',
      `{"freezes":[{"kind":"once","start":"2026-12-24T00:00:00Z","durationMinutes":60,"timeZone":"UTC","__proto__":{"tiers":["dev"]}}]}`,
      'body.config.freezes[0].__proto__',
    ],
    [
      'an unknown key in a window',
      `{"windows":{"prod":[${JSON.stringify({ ...cron, tiers: ['dev'] })}]}}`,
      'body.config.windows.prod[0].tiers',
    ],
    ['__proto__ among the tiers of the windows', '{"windows":{"__proto__":[]}}', 'body.config.windows.__proto__'],
    ['a tier that does not exist', `{"windows":{"qa":[${JSON.stringify(cron)}]}}`, 'body.config.windows.qa'],
  ])('refuses %s with a 400 naming the key, and creates no rollout', async (_name, config, field) => {
    const before = (await api.call('GET', '/api/v1/rollouts', { role: 'viewer' })).body;
    const res = await api.call('POST', '/api/v1/rollouts', {
      role: 'operator',
      raw: `{"planId":"${planId}","config":${config}}`,
      headers: { 'content-type': 'application/json' },
    });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ field, reason: 'is not a known field' }]);
    expect((await api.call('GET', '/api/v1/rollouts', { role: 'viewer' })).body).toEqual(before);
  });
});
