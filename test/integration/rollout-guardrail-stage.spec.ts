import { SimulatedDriver } from '@bulkhead/cluster';
import type { ConnectivityProbe } from '@bulkhead/rollout';
import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * The cluster stage end to end on the demo (simulated driver under Calico, real PostgreSQL, Redis and worker): a
 * plan with tier isolation staged before dev, its rollout approved, and the incident's connection, orders-debug
 * (dev) to postgres-prod, blocked by the Admin tier although a namespace admin allowed everything into
 * postgres-prod, as the stage's own probes show.
 */
let api: Harness;
let clusterId: string;
const FAST = { settleMs: 0, probe: { retries: 1, timeoutMs: 1000, retryDelayMs: 10 } };
const INCIDENT = 'must-be-blocked:orders-dev/orders-debug->postgres-prod/postgres:5432/TCP';

const allowAll = (name: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace: 'postgres-prod' },
  spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
});
const incident: ConnectivityProbe = {
  id: 'guardrail-spec.incident',
  attempt: 1,
  from: { namespace: 'orders-dev', workload: 'orders-debug' },
  to: { kind: 'workload', namespace: 'postgres-prod', name: 'postgres' },
  port: 5432,
  protocol: 'TCP',
  timeoutMs: 1000,
};

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  expect((await api.call('PATCH', `/api/v1/clusters/${clusterId}`, { role: 'admin', body: { cni: 'calico' } })).status).toBe(200);
}, 60000);
afterAll(() => api.close());

it('applies tier isolation as its own approved stage, and the Admin Deny holds over an allow-all in postgres-prod', async () => {
  const driver = new SimulatedDriver(api.db, clusterId);
  const planned = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, {
    role: 'operator',
    body: { clusterLayer: { tierIsolation: true }, guardrailStage: 'beforeDev' },
  });
  expect(planned.status).toBe(201);
  expect(planned.body.report.plan.clusterLayer.stage).toBe('beforeDev');
  const refused = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, {
    role: 'operator',
    body: { clusterLayer: { baselineDefaultDeny: true }, guardrailStage: 'beforeDev' },
  });
  expect(refused.status).toBe(400);
  expect(JSON.stringify(refused.body)).toContain('guardrailStage');

  // A namespace admin opens postgres-prod to everyone: the incident's connection goes through.
  await driver.applyPolicies('postgres-prod', [allowAll('allow-all')]);
  expect((await driver.probe([incident]))[0]!.connected).toBe(true);

  // Only the cluster stage: every namespace is left out of this rollout, on purpose.
  const coverage = (await api.call('GET', `/api/v1/plans/${planned.body.id}/rollout-coverage`, { role: 'viewer' })).body;
  const exclude = coverage.namespaces.map((ns: { namespace: string }) => ({ namespace: ns.namespace, reason: 'guardrails only' }));
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId: planned.body.id, exclude, start: true, config: FAST },
  });
  expect([created.status, created.body.message]).toEqual([201, undefined]);
  expect(created.body.stages.map((stage: any) => [stage.tier, stage.status])).toEqual([['cluster', 'waiting_approval']]);
  const step = created.body.steps[0];
  expect(step).toMatchObject({ namespace: '(cluster)', tier: 'cluster', phase: 'pending' });
  expect(step.probes.map((probe: any) => probe.id)).toContain(INCIDENT);
  // nothing is applied before the approval
  expect((await driver.readClusterPolicies()).length).toBe(0);

  const inbox = (await api.call('GET', '/api/v1/approvals', { role: 'approver' })).body;
  expect(inbox).toContainEqual(expect.objectContaining({ rolloutId: created.body.id, tier: 'cluster' }));
  const approved = await api.call('POST', `/api/v1/rollouts/${created.body.id}/approve`, { role: 'approver', body: { tier: 'cluster' } });
  expect(approved.status).toBe(200);
  const done = await api.waitFor(
    async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (rollout) => ['completed', 'halted'].includes(rollout.status),
    30000,
  );
  expect(done.status).toBe('completed');
  const verified = done.steps[0];
  expect(verified.phase).toBe('verified');
  expect(verified.snapshot.policies).toEqual([]);
  expect(verified.probes.find((probe: any) => probe.id === INCIDENT)).toMatchObject({
    outcome: 'passed',
    attempts: [{ observed: 'not_reached' }],
  });
  expect(verified.probes.every((probe: any) => probe.outcome === 'passed')).toBe(true);

  // The layer is live, and a second allow-all changes nothing: no namespace policy overrides an Admin Deny.
  const live = await driver.readClusterPolicies();
  expect(live.map((policy) => policy.metadata.name).sort()).toEqual(
    planned.body.report.plan.clusterLayer.policies.map((policy: any) => policy.metadata.name).sort(),
  );
  await driver.applyPolicies('postgres-prod', [allowAll('allow-all-again')]);
  const [blocked] = await driver.probe([{ ...incident, id: 'guardrail-spec.incident-again' }]);
  expect(blocked!.connected).toBe(false);

  // The inventory holds what the cluster reported after the apply, without waiting for a sync.
  const inventoried = (await api.call('GET', `/api/v1/clusters/${clusterId}/cluster-policies`, { role: 'viewer' })).body;
  expect(JSON.stringify(inventoried)).toContain(live[0]!.metadata.name);

  const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=rollout.step.policies_applied`, { role: 'viewer' }))
    .body.items;
  const applied = audit.find((entry: any) => entry.details.rolloutId === created.body.id);
  expect(applied).toMatchObject({ target: '(cluster)' });
  expect(applied.after.map((policy: any) => policy.metadata.name).sort()).toEqual(live.map((policy) => policy.metadata.name).sort());
}, 90000);

it('finds a guardrail changed by hand as drift, ignores the cluster policies of others, and re-applies the plan’s layer', async () => {
  const driver = new SimulatedDriver(api.db, clusterId);
  const layer = await driver.readClusterPolicies();
  const [changed] = layer;
  const spec = changed!.spec as { priority: number };
  // By hand: a guardrail's priority changed, and a platform team's own policy added beside it.
  await driver.applyClusterPolicies([
    { ...changed!, spec: { ...spec, priority: spec.priority + 1 } },
    { ...changed!, metadata: { name: 'platform-own' } },
  ]);
  const checks = async () => (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'viewer' })).body.length;
  const checkDrift = async (): Promise<any[]> => {
    const before = await checks();
    expect((await api.call('POST', `/api/v1/clusters/${clusterId}/drift-checks`, { role: 'operator' })).status).toBe(202);
    await api.waitFor(checks, (n) => n > before, 30000);
    return (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-findings`, { role: 'viewer' })).body.items;
  };
  const findings = await checkDrift();
  expect(findings.map((f) => [f.namespace, f.kind, f.subject])).toEqual([
    ['(cluster)', 'policy_changed', `ClusterNetworkPolicy/${changed!.metadata.name}`],
  ]);
  expect(findings[0].difference.lines).toContain(`+   priority: ${spec.priority + 1}`);

  const refused = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
    role: 'operator',
    body: { kind: 'accept', namespaces: ['(cluster)'] },
  });
  expect([refused.status, refused.body.problems?.[0]?.field]).toEqual([400, 'body.namespaces[0]']);
  const asked = await api.call('POST', `/api/v1/clusters/${clusterId}/drift-actions`, {
    role: 'operator',
    body: { kind: 'reapply', namespaces: ['(cluster)'] },
  });
  expect(asked.status).toBe(202);
  const done = await api.waitFor(
    async () =>
      (await api.call('GET', `/api/v1/clusters/${clusterId}/drift-actions`, { role: 'viewer' })).body.items.find(
        (action: { id: string }) => action.id === asked.body.id,
      ),
    (action) => action?.status !== 'queued',
    30000,
  );
  expect(done).toMatchObject({ status: 'done' });
  const byName = (list: Array<{ metadata: { name: string } }>) => [...list].sort((a, b) => a.metadata.name.localeCompare(b.metadata.name));
  const live = await driver.readClusterPolicies();
  expect(byName(live)).toEqual(byName([...layer, { ...changed!, metadata: { name: 'platform-own' } }]));
  expect(await checkDrift()).toEqual([]);
}, 60000);
