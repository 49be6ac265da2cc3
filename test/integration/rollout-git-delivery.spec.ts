import { SimulatedDriver } from '@bulkhead/cluster';
import { FOLDER, type GitDeliveredCluster, gitDeliveredCluster } from './support/git-delivered-cluster';
import { rollOut } from './support/small-cluster';
import { type Harness, startApi } from './support/harness';

/**
 * A rollout on a cluster that takes its changes through git, end to end: the real API and worker on
 * PostgreSQL and Redis, a bare repository on disk, and a fake Argo CD that applies what the branch
 * holds to the simulated cluster. Each step commits its namespace's policies and probes only once the
 * cluster shows them; a failed step is restored by a revert commit, checked the same way; a sync that
 * never comes, or applies something else, halts the step with the reason.
 */
let api: Harness;
const clusters: GitDeliveredCluster[] = [];

beforeAll(async () => {
  api = await startApi({ BULKHEAD_GIT_ALLOW_FILE_URLS: 'true' }, { worker: true });
}, 60000);
afterAll(async () => {
  for (const cluster of clusters) await cluster.close();
  await api.close();
});

const registered = async (name: string, syncTimeoutSeconds?: number) => {
  const cluster = await gitDeliveredCluster(api, name, syncTimeoutSeconds);
  clusters.push(cluster);
  return cluster;
};

/** The live policy names of a namespace, as the API reports them. */
const livePolicies = async (clusterId: string, namespace: string): Promise<string[]> =>
  (await api.call('GET', `/api/v1/clusters/${clusterId}/policies`, { role: 'viewer' })).body
    .filter((p: any) => p.metadata.namespace === namespace)
    .map((p: any) => p.metadata.name)
    .sort();

/** The commit of a step's change (apply or restore), found by the lines its message carries. */
const commitOf = (cluster: GitDeliveredCluster, stepId: string, change: 'apply' | 'restore'): string =>
  cluster.git(
    'log',
    '--format=%H',
    '--fixed-strings',
    '--all-match',
    `--grep=Bulkhead-Step: ${stepId}`,
    `--grep=Bulkhead-Change: ${change}`,
    'main',
  );

/** The files of a namespace's folder at a commit (none when the folder is not there). */
const folderAt = (cluster: GitDeliveredCluster, commit: string, namespace: string): string[] =>
  cluster.git('ls-tree', '--name-only', commit, '--', `${FOLDER}/${namespace}/`).split('\n').filter(Boolean);

it("commits each namespace's policies to the branch, one file per policy, and verifies it once the sync applied them", async () => {
  const cluster = await registered('git-delivered');
  const view = (await api.call('GET', `/api/v1/clusters/${cluster.clusterId}`, { role: 'viewer' })).body;
  expect(view.delivery).toEqual({
    kind: 'git',
    repoUrl: `file://${cluster.origin}`,
    branch: 'main',
    path: FOLDER,
    syncTimeoutSeconds: 3,
    credentialsSet: false,
  });

  const done = await rollOut(api, cluster.planId);
  expect(done.halt ?? null).toBeNull();
  expect(done.status).toBe('completed');
  expect(done.steps.map((s: any) => s.phase)).toEqual(done.steps.map(() => 'verified'));

  const applied = (
    await api.call('GET', `/api/v1/audit?clusterId=${cluster.clusterId}&action=rollout.step.policies_applied`, { role: 'viewer' })
  ).body.items;
  expect(applied).toHaveLength(done.steps.length);
  for (const step of done.steps) {
    // One commit per namespace, naming its rollout and step, holding a file per planned policy.
    const commit = commitOf(cluster, step.id, 'apply');
    expect(commit).toMatch(/^[0-9a-f]{40}$/);
    expect(cluster.git('log', '-1', '--format=%B', commit)).toContain(`Bulkhead-Rollout: ${done.id}\nBulkhead-Step: ${step.id}`);
    const planned = cluster.byNamespace[step.namespace] ?? [];
    expect(planned.length).toBeGreaterThan(0);
    expect(folderAt(cluster, 'main', step.namespace)).toEqual(planned.map((name) => `${FOLDER}/${step.namespace}/${name}.yaml`).sort());
    expect(await livePolicies(cluster.clusterId, step.namespace)).toEqual([...planned].sort());
    // The audit entry of the apply names the commit the cluster was seen to apply.
    const entry = applied.find(
      (a: any) => a.details.stepId === step.id || a.target === step.namespace || a.details.namespace === step.namespace,
    );
    expect(entry.details.delivered).toEqual({ commit, branch: 'main' });
    expect(cluster.syncer.applied).toContain(commit);
  }
  expect(Number(cluster.git('rev-list', '--count', 'main'))).toBe(done.steps.length);
}, 120000);

it('restores a namespace whose probes fail by a revert commit of its apply, which the sync applies', async () => {
  const cluster = await registered('git-restored');
  await new SimulatedDriver(api.db, cluster.clusterId).setFaults({ probeTimeouts: [{ namespace: 'db' }] });

  const done = await rollOut(api, cluster.planId);
  expect(done.status).toBe('halted');
  expect(done.halt.code).toBe('probe_failed');
  const restored = done.steps.filter((s: any) => s.phase === 'restored');
  expect(restored.map((s: any) => s.namespace)).toContain(done.halt.namespace);
  for (const step of restored) {
    const apply = commitOf(cluster, step.id, 'apply');
    const revert = commitOf(cluster, step.id, 'restore');
    expect(cluster.git('log', '-1', '--format=%B', revert)).toMatch(
      new RegExp(`^Revert "Bulkhead: apply \\d+ NetworkPolic(y|ies) to ${step.namespace}"\\n\\nThis reverts commit ${apply}: `),
    );
    // The branch held nothing of the namespace before Bulkhead: the revert gives its folder the
    // snapshot's policies, and the cluster shows the snapshot again.
    const snapshot = step.snapshot.policies.map((p: any) => p.metadata.name).sort();
    expect(folderAt(cluster, revert, step.namespace)).toEqual(snapshot.map((name: string) => `${FOLDER}/${step.namespace}/${name}.yaml`));
    expect(cluster.syncer.applied).toContain(revert);
    expect(await livePolicies(cluster.clusterId, step.namespace)).toEqual(snapshot);
  }
  expect(await livePolicies(cluster.clusterId, 'db')).toEqual(['allow-all-legacy']);
}, 120000);

describe('a sync that does not come right', () => {
  it.each([
    [
      'never comes (stale)',
      'stale' as const,
      /^applying the plan to \S+ failed: \S+ still shows the policies it had before commit [0-9a-f]{12} of branch main after 2 s: Argo CD or Flux has not synced it \(.+\); restoring its snapshot$/,
    ],
    [
      'applies something else (wrong)',
      'wrong' as const,
      /^applying the plan to \S+ failed: \S+ shows other policies than commit [0-9a-f]{12} of branch main after 2 s: .*not committed stray-allow-all.*; restoring its snapshot$/,
    ],
  ])(
    'halts the step with the reason when it %s, and probes nothing',
    async (_case, mode, reason) => {
      const cluster = await registered(`git-${mode}`, 2);
      cluster.syncer.mode = mode;
      const done = await rollOut(api, cluster.planId, { awaitRestores: false });
      expect(done.status).toBe('halted');
      expect(done.halt.code).toBe('apply_failed');
      expect(done.halt.message).toMatch(reason);
      const step = done.steps.find((s: any) => s.id === done.halt.stepId);
      expect(step.probes.every((p: any) => p.attempts.length === 0)).toBe(true);
      // The step is restored by the revert of its apply commit, once the syncer works again (a wrong one
      // fails the restore too, which is tried again until the cluster shows the snapshot).
      cluster.syncer.mode = 'sync';
      await api.waitFor(
        async () =>
          (await api.call('GET', `/api/v1/rollouts/${done.id}`, { role: 'viewer' })).body.steps.find((s: any) => s.id === step.id),
        (s) => s.phase === 'restored',
        30000,
      );
      expect(commitOf(cluster, step.id, 'apply')).toMatch(/^[0-9a-f]{40}$/);
      expect(commitOf(cluster, step.id, 'restore')).toMatch(/^[0-9a-f]{40}$/);
      const snapshot = step.snapshot.policies.map((p: any) => p.metadata.name).sort();
      expect(await livePolicies(cluster.clusterId, step.namespace)).toEqual(snapshot);
    },
    120000,
  );
});
