import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, startApi } from './support/harness';

/**
 * Cluster-scoped policies in the inventory: a snapshot listing an AdminNetworkPolicy and a v1alpha2
 * ClusterNetworkPolicy stores them as listed, GET /clusters/{id}/cluster-policies shows them, and a live
 * simulation of the cluster evaluates them with its NetworkPolicies (the Admin Deny wins over db's allow-all).
 */
const small = readFileSync(join(__dirname, '..', 'fixtures', 'small-snapshot.yaml'), 'utf8');

const guardrails = `
apiVersion: policy.networking.k8s.io/v1alpha1
kind: AdminNetworkPolicy
metadata: { name: no-staging-to-db }
spec:
  priority: 10
  subject: { namespaces: { matchLabels: { kubernetes.io/metadata.name: db } } }
  ingress:
    - name: deny-staging
      action: Deny
      from: [{ namespaces: { matchLabels: { env: stage } } }]
---
apiVersion: policy.networking.k8s.io/v1alpha2
kind: ClusterNetworkPolicy
metadata: { name: baseline-default-deny }
spec:
  tier: Baseline
  priority: 100
  subject: { namespaces: {} }
  ingress:
    - name: deny-all
      action: Deny
      from: [{ namespaces: {} }]
`;

let api: Harness;
let clusterId: string;
beforeAll(async () => {
  api = await startApi();
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'guarded', cni: 'calico' } })).body.id;
});
afterAll(() => api.close());

const importSnapshot = (text: string) =>
  api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: text,
    headers: { 'content-type': 'application/yaml' },
  });

const clusterPolicies = async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/cluster-policies`, { role: 'viewer' })).body;

const simulate = async (from: string, to: string, port: number) =>
  (await api.call('POST', `/api/v1/clusters/${clusterId}/simulate`, { role: 'viewer', body: { probes: [{ from, to, port }] } })).body
    .results[0];

describe('cluster-scoped policies in the inventory', () => {
  it('stores the cluster policies a snapshot lists and counts them', async () => {
    const res = await importSnapshot(`${small}\n---\n${guardrails}`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ policies: 1, clusterPolicies: 2 });
  });

  it('lists them as the cluster holds them, by kind and name', async () => {
    const listed = await clusterPolicies();
    expect(listed.map((p: { kind: string; metadata: { name: string } }) => `${p.kind}/${p.metadata.name}`)).toEqual([
      'AdminNetworkPolicy/no-staging-to-db',
      'ClusterNetworkPolicy/baseline-default-deny',
    ]);
    expect(listed[0]).toMatchObject({ apiVersion: 'policy.networking.k8s.io/v1alpha1', spec: { priority: 10 } });
    expect(listed[0].spec.ingress[0].action).toBe('Deny');
  });

  it('evaluates them in a live simulation: the Admin Deny wins over the namespace allow-all', async () => {
    const denied = await simulate('api/orders-api', 'db/postgres', 5432);
    expect(denied.allowed).toBe(false);
    expect(denied.ingress.decidedBy).toMatchObject({ kind: 'AdminNetworkPolicy', name: 'no-staging-to-db', tier: 'Admin', action: 'Deny' });
    // web has no NetworkPolicy: the Baseline default-deny decides.
    const baseline = await simulate('api/orders-api', 'web/frontend', 8080);
    expect(baseline.allowed).toBe(false);
    expect(baseline.ingress.decidedBy).toMatchObject({ name: 'baseline-default-deny', tier: 'Baseline' });
    // db's allow-all admits web, which the Admin rule does not name.
    expect((await simulate('web/frontend', 'db/postgres', 5432)).allowed).toBe(true);
  });

  it('refuses a snapshot with a cluster policy the API server would reject, naming it, and changes nothing', async () => {
    const res = await importSnapshot(`${small}\n---\n${guardrails.replace('priority: 10', 'priority: 1001')}`);
    expect(res.status).toBe(400);
    expect(res.body.problems[0].field).toContain('no-staging-to-db: spec.priority');
    expect(await clusterPolicies()).toHaveLength(2);
  });

  it('forgets them when a snapshot no longer lists them', async () => {
    expect((await importSnapshot(small)).body.clusterPolicies).toBe(0);
    expect(await clusterPolicies()).toEqual([]);
    expect((await simulate('api/orders-api', 'db/postgres', 5432)).allowed).toBe(true);
  });
});
