import YAML from 'yaml';
import { type Harness, seedDemoCluster, startApi } from './support/harness';

let api: Harness;
let clusterId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 60000);
afterAll(() => api.close());

describe('plans of the demo cluster', () => {
  let first: any;

  it('makes version 1: default-deny everywhere, DNS, and allows for the map; nothing observed is newly blocked but the incident', async () => {
    const res = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' });
    expect(res.status).toBe(201);
    first = res.body;
    expect(first.version).toBe(1);
    expect(first.summary.policies).toBeGreaterThan(31);
    const blocked = first.report.impact.newlyBlocked.map((e: any) => `${e.edge.src}>${e.edge.dst}:${e.edge.port}`);
    expect(blocked).toEqual(['workload:orders-dev/orders-debug>workload:postgres-prod/postgres:5432']);
    expect(first.report.plan.blocked.map((b: any) => b.reason)).toContain('cross-tier-unconfirmed');
    expect(first.summary.blastRadius.after.meanReachableWorkloads).toBeLessThan(first.summary.blastRadius.before.meanReachableWorkloads);
  });

  it('answers the plan as it was made, gzip-compressed to a client that accepts it and plain to one that does not', async () => {
    const read = (encoding: string) =>
      fetch(`${api.url}/api/v1/plans/${first.id}`, {
        headers: { authorization: `Bearer ${api.tokens.viewer}`, 'accept-encoding': encoding },
      });
    const compressed = await read('gzip, deflate, br');
    expect(compressed.headers.get('content-encoding')).toBe('gzip');
    expect(await compressed.json()).toEqual(first);
    const plain = await read('identity');
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(plain.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await plain.json()).toEqual(first);
    expect((await api.call('GET', '/api/v1/plans/00000000-0000-4000-8000-000000000000', { role: 'viewer' })).status).toBe(404);
  });

  it('answers the review of the plan: the same plan without its manifests, evidence and replay of every edge', async () => {
    const review = await api.call('GET', `/api/v1/plans/${first.id}/review`, { role: 'viewer' });
    expect(review.status).toBe(200);
    const { policies: _manifests, ...view } = first;
    const { evidence: _evidence, ...findings } = first.report.plan;
    const { edges: _replay, ...impact } = first.report.impact;
    expect(review.body).toEqual({ ...view, report: { ...first.report, plan: findings, impact } });
    expect(JSON.stringify(review.body).length).toBeLessThan(JSON.stringify(first).length / 2);
    expect((await api.call('GET', '/api/v1/plans/00000000-0000-4000-8000-000000000000/review', { role: 'viewer' })).status).toBe(404);
    expect((await api.call('GET', `/api/v1/plans/${first.id}/review`, { role: null })).status).toBe(401);
  });

  it('serves the plan as YAML that kubectl apply accepts, one NetworkPolicy per document', async () => {
    const res = await fetch(`${api.url}/api/v1/plans/${first.id}/yaml?namespace=payments-prod`, {
      headers: { authorization: `Bearer ${api.tokens.viewer}` },
    });
    expect(res.headers.get('content-type')).toContain('application/yaml');
    const docs = YAML.parseAllDocuments(await res.text()).map((d) => d.toJS());
    expect(docs.length).toBeGreaterThanOrEqual(3);
    for (const doc of docs) {
      expect(doc).toMatchObject({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'payments-prod' } });
      expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    }
  });

  it('answers 404 for a namespace the plan does not cover', async () => {
    const unknown = await api.call('GET', `/api/v1/plans/${first.id}/yaml?namespace=no-such-namespace`, { role: 'viewer' });
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'plan.namespace_not_found' });
  });

  it('diffs against the live cluster: everything is added, and the connections it blocks are listed', async () => {
    const diff = (await api.call('GET', `/api/v1/plans/${first.id}/diff?against=live`, { role: 'viewer' })).body;
    expect(diff.against).toEqual({ kind: 'live' });
    expect(diff.policies.filter((p: any) => p.change === 'added').length).toBe(
      first.summary.policies - diff.policies.filter((p: any) => p.change === 'changed').length,
    );
    expect(
      diff.semantic.blocked.some((c: any) => c.from === 'orders-dev/orders-debug' && c.to === 'postgres-prod/postgres' && c.port === 5432),
    ).toBe(true);
    expect(
      diff.semantic.blocked.some(
        (c: any) => c.from === 'orders-prod/orders-api' && c.to === 'payments-prod/payments-api' && c.port === 8080,
      ),
    ).toBe(false);
  });

  it('makes version 2 once the incident edge is confirmed, and the diff shows that connection becoming allowed', async () => {
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=postgres-prod`, { role: 'viewer' })).body.items;
    const incident = edges.find((e: any) => e.from === 'orders-dev/orders-debug');
    await api.call('POST', `/api/v1/clusters/${clusterId}/edges/${incident.id}/confirm`, {
      role: 'operator',
      body: { comment: 'migration job, approved by DBA' },
    });
    const second = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    expect(second.version).toBe(2);
    expect(second.report.impact.newlyBlocked).toEqual([]);
    const diff = (await api.call('GET', `/api/v1/plans/${second.id}/diff`, { role: 'viewer' })).body;
    expect(diff.against).toEqual({ kind: 'plan', id: first.id, version: 1 });
    expect(diff.semantic.allowed.map((c: any) => `${c.from}>${c.to}:${c.port}`)).toContain(
      'orders-dev/orders-debug>postgres-prod/postgres:5432',
    );
    const list = (await api.call('GET', `/api/v1/clusters/${clusterId}/plans`, { role: 'viewer' })).body.items;
    expect(list.map((p: any) => p.version)).toEqual([2, 1]);
  });

  it('plans the cluster layer when asked, only on a CNI that implements it, and serves it in its own YAML documents', async () => {
    const asked = { clusterLayer: { tierIsolation: true, baselineDefaultDeny: true } };
    const onCilium = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator', body: asked })).body;
    expect(onCilium.report.plan.clusterLayer.policies).toEqual([]);
    const tierIsolation = onCilium.report.plan.clusterLayer.pieces.find((piece: any) => piece.piece === 'tierIsolation');
    expect(tierIsolation).toMatchObject({ requested: true, included: false });
    expect(tierIsolation.reason).toContain('the CNI (cilium) does not implement ClusterNetworkPolicy');

    expect((await api.call('PATCH', `/api/v1/clusters/${clusterId}`, { role: 'admin', body: { cni: 'calico' } })).status).toBe(200);
    const res = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator', body: asked });
    expect(res.status).toBe(201);
    const { clusterLayer } = res.body.report.plan;
    expect(clusterLayer.pieces.map((piece: any) => [piece.piece, piece.included])).toEqual([
      ['tierIsolation', true],
      ['baselineDefaultDeny', true],
      ['intraTierPass', false],
    ]);
    const names = clusterLayer.policies.map((policy: any) => policy.metadata.name);
    expect(names).toEqual(
      expect.arrayContaining(['bulkhead-tier-isolation-dev', 'bulkhead-tier-isolation-prod', 'bulkhead-baseline-default-deny']),
    );
    expect((await api.call('GET', `/api/v1/plans/${res.body.id}`, { role: 'viewer' })).body.report.plan.clusterLayer).toEqual(clusterLayer);

    const yaml = await fetch(`${api.url}/api/v1/plans/${res.body.id}/yaml`, { headers: { authorization: `Bearer ${api.tokens.viewer}` } });
    const docs = YAML.parseAllDocuments(await yaml.text()).map((d) => d.toJS());
    const clusterScoped = docs.filter((doc) => doc.kind === 'ClusterNetworkPolicy');
    expect(clusterScoped).toEqual(clusterLayer.policies);
    expect(docs.length).toBe(res.body.policies.length + clusterScoped.length);
    for (const doc of clusterScoped) {
      expect(doc.apiVersion).toBe('policy.networking.k8s.io/v1alpha2');
      expect(Object.keys(doc)).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    }

    // The incident was confirmed above: it passes to the NetworkPolicies, which allow it; the same pod is denied the rest of prod.
    const incident = { from: 'orders-dev/orders-debug', to: 'postgres-prod/postgres', port: 5432 };
    const elsewhere = { from: 'orders-dev/orders-debug', to: 'orders-prod/orders-api', port: 8080 };
    const simulated = await api.call('POST', `/api/v1/clusters/${clusterId}/simulate`, {
      role: 'viewer',
      body: { probes: [incident, elsewhere], planId: res.body.id },
    });
    expect(simulated.body.results.map((result: any) => result.allowed)).toEqual([true, false]);
    expect(simulated.body.results[0].egress.passedBy).toMatchObject({
      name: 'bulkhead-orders-dev.orders-debug-cross-tier',
      action: 'Pass',
    });
    expect(simulated.body.results[1].egress.decidedBy).toMatchObject({ name: 'bulkhead-tier-isolation-dev', rule: 'no-dev-to-prod' });
    await api.call('PATCH', `/api/v1/clusters/${clusterId}`, { role: 'admin', body: { cni: 'cilium' } });
  });

  it('refuses a bad diff reference and a viewer making plans', async () => {
    const bad = await api.call('GET', `/api/v1/plans/${first.id}/diff?against=yesterday`, { role: 'viewer' });
    expect(bad.status).toBe(400);
    expect(bad.body.problems[0].field).toBe('query.against');
    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'viewer' })).status).toBe(403);
  });
});
