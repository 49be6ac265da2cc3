import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Harness, untieredExclusions } from './harness';

/** A file of test/fixtures, as text. */
export const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', name), 'utf8');

/** The small cluster (web, api and db, one legacy policy in db), with the cluster DNS its pods resolve names through. */
export const SMALL_CLUSTER_WITH_DNS = `${fixture('small-snapshot.yaml')}
---
apiVersion: v1
kind: Pod
metadata:
  name: coredns-5d78c9869d-abcde
  namespace: kube-system
  labels: { k8s-app: kube-dns, pod-template-hash: 5d78c9869d }
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: coredns-5d78c9869d, controller: true }]
spec: { containers: [{ name: coredns, ports: [{ name: dns, containerPort: 53, protocol: UDP }, { name: dns-tcp, containerPort: 53 }] }] }
status: { phase: Running, podIP: 10.244.0.10 }
`;

/**
 * The small cluster, simulated, registered by an admin with `body` (name, delivery, ...): its inventory
 * in, db placed in dev, its flows imported, and a plan made. Answers its id and the plan's policy names
 * by namespace.
 */
export async function smallClusterWithPlan(
  api: Harness,
  body: Record<string, unknown>,
): Promise<{ clusterId: string; planId: string; byNamespace: Record<string, string[]> }> {
  const created = await api.call('POST', '/api/v1/clusters', { role: 'admin', body: { cni: 'calico', ...body } });
  if (created.status !== 201) throw new Error(`cluster: ${created.status} ${JSON.stringify(created.body)}`);
  const clusterId: string = created.body.id;
  await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: SMALL_CLUSTER_WITH_DNS,
    headers: { 'content-type': 'application/yaml' },
  });
  await api.call('PATCH', `/api/v1/clusters/${clusterId}/namespaces/db`, { role: 'operator', body: { tier: 'dev' } });
  const upload = (
    await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports`, { role: 'operator', raw: fixture('small-flows.hubble.jsonl') })
  ).body;
  await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded',
  );
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  return { clusterId, planId: plan.id, byNamespace: plan.byNamespace };
}

/** Rollouts fast enough for a test: no settle time, one try per probe. */
export const FAST = { waves: [1, 8], settleMs: 0, restoreRetryMs: 200, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };

/**
 * Starts a rollout of the whole plan and approves each stage as it asks, until it completes or halts
 * (and, unless told otherwise, its restores are done); answers it then.
 */
export async function rollOut(api: Harness, planId: string, options: { awaitRestores: boolean } = { awaitRestores: true }): Promise<any> {
  const created = await api.call('POST', '/api/v1/rollouts', {
    role: 'operator',
    body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: FAST },
  });
  if (created.status !== 201) throw new Error(`rollout: ${created.status} ${JSON.stringify(created.body)}`);
  const read = async () => (await api.call('GET', `/api/v1/rollouts/${created.body.id}`, { role: 'viewer' })).body;
  for (;;) {
    const rollout = await api.waitFor(
      read,
      (r) =>
        ['waiting_approval', 'completed', 'halted'].includes(r.status) &&
        !(options.awaitRestores && r.steps.some((s: any) => s.phase === 'restoring')),
      60000,
    );
    if (rollout.status !== 'waiting_approval') return rollout;
    const stage = rollout.stages.find((s: any) => s.status === 'waiting_approval');
    const approved = await api.call('POST', `/api/v1/rollouts/${rollout.id}/approve`, {
      role: 'approver',
      body: { tier: stage.tier, comment: 'probes green' },
    });
    if (approved.status !== 200) throw new Error(`approve: ${approved.status} ${JSON.stringify(approved.body)}`);
  }
}
