/**
 * Reads of a cluster and of the audit log are answered from what was made at the same version of what
 * they read: these tests write behind the API's back (as the worker, another API process or psql would)
 * and check that the next read shows the write, table by table.
 */
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from './support/harness';

let api: Harness;
let clusterId: string;
beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
}, 120_000);
afterAll(() => api.close());

const read = async (path: string) => {
  const res = await api.call('GET', `/api/v1/clusters/${clusterId}${path}`, { role: 'viewer' });
  expect(res.status).toBe(200);
  return res.body;
};
const sql = (text: string, params: unknown[] = []) => api.db.query(text, [clusterId, ...params]);

describe('reads kept per version of what they read', () => {
  it('shows a change to the cluster row in the cluster and in the list', async () => {
    expect((await read('')).description).toMatch(/^Demo/);
    await api.call('GET', '/api/v1/clusters', { role: 'viewer' });
    await sql(`UPDATE clusters SET description = 'moved to eu-west' WHERE id = $1`);
    expect((await read('')).description).toBe('moved to eu-west');
    const list = (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body as Array<{ id: string; description: string }>;
    expect(list.find((c) => c.id === clusterId)?.description).toBe('moved to eu-west');
  });

  it('shows clusters added and removed in the list', async () => {
    const names = async () =>
      ((await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body as Array<{ name: string }>).map((c) => c.name);
    expect(await names()).not.toContain('added-behind');
    const [added] = await api.db.query(
      `INSERT INTO clusters (name, cni, driver) VALUES ('added-behind', 'cilium', 'simulated') RETURNING id`,
    );
    expect(await names()).toContain('added-behind');
    await api.db.query(`DELETE FROM clusters WHERE id = $1`, [added.id]);
    expect(await names()).not.toContain('added-behind');
  });

  it('shows inventory writes: a tier, a workload, a pod and a policy', async () => {
    const namespaces = (await read('/namespaces')) as Array<{
      name: string;
      tier: string | null;
      counts: { pods: number; policies: number };
    }>;
    const target = namespaces[0]!;
    const workloads = (await read(`/workloads?namespace=${target.name}`)) as Array<{ name: string; labels: Record<string, string> }>;
    const workload = workloads[0]!;
    const counts = (await read('')).counts;

    await sql(`UPDATE namespaces SET tier_override = 'prod' WHERE cluster_id = $1 AND name = $2`, [target.name]);
    expect(((await read('/namespaces')) as typeof namespaces).find((n) => n.name === target.name)).toMatchObject({
      tier: 'prod',
      tierSource: 'manual',
    });

    await sql(`UPDATE workloads SET labels = labels || '{"moved": "yes"}' WHERE cluster_id = $1 AND namespace = $2 AND name = $3`, [
      target.name,
      workload.name,
    ]);
    expect(
      ((await read(`/workloads?namespace=${target.name}`)) as typeof workloads).find((w) => w.name === workload.name)?.labels.moved,
    ).toBe('yes');

    await sql(`DELETE FROM pods WHERE ctid = (SELECT ctid FROM pods WHERE cluster_id = $1 LIMIT 1)`);
    expect((await read('')).counts.pods).toBe(counts.pods - 1);

    const manifest = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'added-behind', namespace: target.name },
      spec: { podSelector: {}, policyTypes: ['Ingress'] },
    };
    await sql(`INSERT INTO network_policies (cluster_id, namespace, name, manifest) VALUES ($1, $2, 'added-behind', $3)`, [
      target.name,
      JSON.stringify(manifest),
    ]);
    expect((await read('')).counts.policies).toBe(counts.policies + 1);
    expect(((await read('/policies')) as Array<{ metadata: { name: string } }>).map((p) => p.metadata.name)).toContain('added-behind');
  });

  it('shows dependency map writes: a review, an observation, a removal', async () => {
    const edges = (await read('/edges?limit=1000')).items as Array<{ id: string; review: string; sources: Array<{ connections: number }> }>;
    const [first, second] = edges;
    if (!first || !second) throw new Error(`expected two edges in the demo, got ${edges.length}`);

    await sql(`UPDATE edges SET review = 'rejected' WHERE cluster_id = $1 AND id = $2`, [first.id]);
    expect(((await read('/edges?limit=1000')).items as typeof edges).find((e) => e.id === first.id)?.review).toBe('rejected');

    await api.db.query(`UPDATE edge_observations SET connections = connections + 1000 WHERE edge_id = $1`, [second.id]);
    const observed = ((await read('/edges?limit=1000')).items as typeof edges).find((e) => e.id === second.id)!;
    expect(observed.sources[0]?.connections).toBe(second.sources[0]!.connections + 1000);

    await sql(`DELETE FROM edges WHERE cluster_id = $1 AND id = $2`, [first.id]);
    expect(((await read('/edges?limit=1000')).items as typeof edges).map((e) => e.id)).not.toContain(first.id);
  });

  it('shows a plan made elsewhere in the list of plans', async () => {
    expect((await read('/plans')).items).toEqual([]);
    await sql(`INSERT INTO plans (cluster_id, version, created_by, policies, report, summary) VALUES ($1, 1, 'psql', '[]', '{}', '{}')`);
    expect(((await read('/plans')).items as Array<{ createdBy: string }>).map((p) => p.createdBy)).toEqual(['psql']);
  });

  it("shows a namespace's protection as its rollout's steps move", async () => {
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body as { id: string };
    const rollout = (
      await api.call('POST', '/api/v1/rollouts', {
        role: 'operator',
        body: { planId: plan.id, exclude: await untieredExclusions(api, plan.id) },
      })
    ).body as {
      id: string;
      steps: Array<{ namespace: string }>;
    };
    const namespace = rollout.steps[0]!.namespace;
    const protection = async () =>
      ((await read('/namespaces')) as Array<{ name: string; protection: string }>).find((n) => n.name === namespace)?.protection;
    expect(await protection()).not.toBe('verified');
    // As the rollout store writes a step: with the rollout's next version, in one statement.
    await api.db.query(
      `WITH next AS (UPDATE rollouts SET version = version + 1 WHERE id = $1 RETURNING version)
       UPDATE rollout_steps SET phase = 'verified', version = (SELECT version FROM next) WHERE rollout_id = $1 AND namespace = $2`,
      [rollout.id, namespace],
    );
    expect(await protection()).toBe('verified');
  });

  it('shows an audit entry written elsewhere in the audit log', async () => {
    const actions = async () =>
      ((await api.call('GET', '/api/v1/audit?limit=5', { role: 'viewer' })).body.items as Array<{ action: string }>).map((e) => e.action);
    expect(await actions()).not.toContain('psql.note');
    await api.db.query(`INSERT INTO audit_log (actor, action, target) VALUES ('user:psql', 'psql.note', 'written behind the API')`);
    expect((await actions())[0]).toBe('psql.note');
  });

  it('answers the same JSON compressed or not, and still 404 and 400 for clusters that are not there', async () => {
    const plain = await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, {
      role: 'viewer',
      headers: { 'accept-encoding': 'identity' },
    });
    const gzip = await api.call('GET', `/api/v1/clusters/${clusterId}/edges`, { role: 'viewer', headers: { 'accept-encoding': 'gzip' } });
    expect(plain.headers.get('content-encoding')).toBeNull();
    expect(gzip.headers.get('content-encoding')).toBe('gzip');
    expect(gzip.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(gzip.body).toEqual(plain.body);

    const missing = await api.call('GET', '/api/v1/clusters/00000000-0000-4000-8000-000000000000/namespaces', { role: 'viewer' });
    expect(missing.status).toBe(404);
    const malformed = await api.call('GET', '/api/v1/clusters/not-an-id/namespaces', { role: 'viewer' });
    expect(malformed.status).toBe(400);
  });
});
