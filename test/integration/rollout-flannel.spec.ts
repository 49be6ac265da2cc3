import { fixture, SMALL_CLUSTER_WITH_DNS } from './support/small-cluster';
import { type Harness, startApi, untieredExclusions } from './support/harness';

/**
 * Flannel accepts NetworkPolicy objects and enforces none of them. A rollout there must not report
 * success: its first must-be-blocked probe connects, and the rollout halts saying so.
 */
let api: Harness;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
});
afterAll(() => api.close());

it('halts on the first expected-blocked probe that connects, with the reason "not enforced"', async () => {
  const cluster = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'legacy-flannel', cni: 'flannel' } })).body;
  expect(cluster.enforcesNetworkPolicy).toBe(false);
  await api.call('PUT', `/api/v1/clusters/${cluster.id}/snapshot`, {
    role: 'operator',
    raw: SMALL_CLUSTER_WITH_DNS,
    headers: { 'content-type': 'application/yaml' },
  });
  await api.call('PATCH', `/api/v1/clusters/${cluster.id}/namespaces/db`, { role: 'operator', body: { tier: 'dev' } });
  const upload = (
    await api.call('POST', `/api/v1/clusters/${cluster.id}/flow-imports`, { role: 'operator', raw: fixture('small-flows.hubble.jsonl') })
  ).body;
  await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded',
  );
  const plan = (await api.call('POST', `/api/v1/clusters/${cluster.id}/plans`, { role: 'operator' })).body;
  expect(plan.report.plan.findings.map((f: any) => f.rule)).toContain('cni-not-enforcing');

  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: {
      planId: plan.id,
      exclude: await untieredExclusions(api, plan.id),
      start: true,
      config: { settleMs: 0, probe: { retries: 0, timeoutMs: 500, retryDelayMs: 0 } },
    },
  });
  expect(created.status).toBe(201);
  const halted = await api.waitFor(
    async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body,
    (r) => r.status === 'halted' || r.status === 'waiting_approval' || r.status === 'completed',
    60000,
  );
  expect(halted.status).toBe('halted');
  expect(halted.halt.code).toBe('policies_not_enforced');
  const step = halted.steps.find((s: any) => s.id === halted.halt.stepId);
  expect(step.tier).toBe('dev');
  const probe = step.probes.find((p: any) => p.id === halted.halt.probeId);
  expect(probe).toMatchObject({ kind: 'must-be-blocked', outcome: 'not_enforced' });
  expect(probe.attempts).toHaveLength(1);
}, 90000);
