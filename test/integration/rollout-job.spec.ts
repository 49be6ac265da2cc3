import { driverFactory, systemResolver } from '@bulkhead/cluster';
import { QUEUES } from '@bulkhead/contracts';
import { observedSpansOf } from '@bulkhead/inventory';
import { BullJobQueue, BullRolloutDispatcher } from '@bulkhead/jobs';
import {
  PostgresCoverageStore,
  PostgresPlanStore,
  PostgresRolloutStore,
  TypeOrmClusterStore,
  TypeOrmEdgeStore,
  TypeOrmInventoryStore,
} from '@bulkhead/persistence';
import { createRedis } from '@bulkhead/platform';
import { createRollout, executeCommand, RolloutStateCache, type RolloutDeps } from '@bulkhead/rollout';
import { Queue } from 'bullmq';
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { type Harness, seedDemoCluster, startApi, TEST_REDIS_URL, untieredExclusions } from './support/harness';

/**
 * What one rollout command job does, run here directly on the demo cluster, with a queue no worker
 * reads: it carries its step through (snapshot, apply, probes) and, when its result starts the next
 * wave, runs that wave's steps too instead of queueing them.
 */
let api: Harness;
let clusterId: string;
const redis = createRedis(TEST_REDIS_URL, 'client');
const rollouts = new Queue(QUEUES.rollouts, { connection: redis, prefix: `bh-test-${randomBytes(4).toString('hex')}` });

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  await api.stopWorker();
}, 60000);
afterAll(async () => {
  await rollouts.obliterate({ force: true });
  await rollouts.close();
  await redis.quit();
  await api.close();
});

it('carries its step through and runs the waves its results start, queueing none of them', async () => {
  const clock = () => new Date();
  const clusters = new TypeOrmClusterStore(api.db);
  const planning = {
    clusters,
    inventory: new TypeOrmInventoryStore(api.db),
    edges: new TypeOrmEdgeStore(api.db),
    plans: new PostgresPlanStore(api.db),
    coverage: new PostgresCoverageStore(api.db),
  };
  const deps: RolloutDeps = {
    store: new RolloutStateCache(new PostgresRolloutStore(api.db)),
    dispatcher: new BullRolloutDispatcher(new BullJobQueue(new Map([[QUEUES.rollouts, rollouts]])), clock),
    clock,
    plans: planning.plans,
    namespaceTier: (cluster, namespace) => planning.inventory.tierOf(cluster, namespace),
    recordLivePolicies: (cluster, namespace, policies) => planning.inventory.replaceNamespacePolicies(cluster, namespace, policies),
    recordLiveClusterPolicies: (cluster, policies) => planning.inventory.replaceClusterPolicies(cluster, policies),
    driverFor: driverFactory({
      db: api.db,
      clusters,
      openSecret: () => '',
      kubeconfigRules: api.config.clusters,
      git: { cacheRoot: join(api.config.dataDir, 'git'), rules: { allowLoopback: false, allowFileUrls: false }, resolver: systemResolver },
    }),
    observedSpans: (cluster, namespaces, now) => observedSpansOf(planning, cluster, namespaces, now),
  };
  const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
  const created = await createRollout(
    { ...deps, planning, newId: randomUUID },
    {
      planId: plan.id,
      exclude: await untieredExclusions(api, plan.id),
      by: 'ops',
      creatorId: 'ops',
      start: true,
      config: { waves: [1, 2], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 0 } },
    },
  );
  const queued = async () => (await rollouts.getJobs(['waiting'])).map((j) => j.data.key as string);
  const first = created.steps.find((s) => s.startedAt)!;
  expect(await queued()).toEqual([`${first.id}.snapshot`]);

  const outcome = await executeCommand(deps, created.id, `${first.id}.snapshot`);
  const after = (await deps.store.get(created.id))!;
  const dev = after.steps.filter((s) => s.tier === 'dev');
  expect(Math.max(...dev.map((s) => s.wave))).toBeGreaterThan(1);
  expect(dev.map((s) => s.phase)).toEqual(dev.map(() => 'verified'));
  expect(after.status).toBe('waiting_approval');
  expect(await queued()).toEqual([`${first.id}.snapshot`]); // only what createRollout queued: the job ran every wave after it
  expect(outcome).toEqual({
    status: 'done',
    detail: `${dev.length} x snapshotNamespace, ${dev.length} x applyPolicies, ${dev.length} x runProbes`,
  });
}, 60000);
