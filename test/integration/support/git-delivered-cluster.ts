import { SimulatedDriver } from '@bulkhead/cluster';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitSyncer } from '../../support/fake-git-syncer';
import { type Harness, untieredExclusions } from './harness';
import { fixture, SMALL_CLUSTER_WITH_DNS } from './small-cluster';

/** Rollouts fast enough for a test: no settle time, one try per probe. */
export const FAST = { waves: [1, 8], settleMs: 0, restoreRetryMs: 200, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 10 } };

/** The folder of the repository the small cluster's namespaces lie in. */
export const FOLDER = 'clusters/small';

export interface GitDeliveredCluster {
  clusterId: string;
  planId: string;
  /** The plan's policy names by namespace. */
  byNamespace: Record<string, string[]>;
  /** The bare repository Bulkhead pushes to. */
  origin: string;
  syncer: FakeGitSyncer;
  /** `git --git-dir <origin> ...` */
  git(...args: string[]): string;
  close(): Promise<void>;
}

/**
 * The small cluster, simulated, registered (by an admin) to take its changes through git: a bare
 * repository of its own in a temporary folder, branch `main` not made yet, and a fake Argo CD that
 * applies what the branch holds to the simulated cluster every 100 ms. Its inventory, dependency map
 * (db placed in dev) and plan are in.
 */
export async function gitDeliveredCluster(api: Harness, name: string, syncTimeoutSeconds = 3): Promise<GitDeliveredCluster> {
  const dir = mkdtempSync(join(tmpdir(), `bulkhead-${name}-`));
  const origin = join(dir, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  const created = await api.call('POST', '/api/v1/clusters', {
    role: 'admin',
    body: {
      name,
      cni: 'calico',
      delivery: { kind: 'git', repoUrl: `file://${origin}`, branch: 'main', path: FOLDER, syncTimeoutSeconds },
    },
  });
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
  const simulated = new SimulatedDriver(api.db, clusterId);
  const syncer = new FakeGitSyncer(origin, 'main', FOLDER, (namespace, policies) =>
    simulated.restorePolicies(namespace, policies as never),
  );
  syncer.start(100);
  return {
    clusterId,
    planId: plan.id,
    byNamespace: plan.byNamespace,
    origin,
    syncer,
    git: (...args) => execFileSync('git', ['--git-dir', origin, ...args], { encoding: 'utf8' }).trim(),
    close: async () => {
      await syncer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

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
