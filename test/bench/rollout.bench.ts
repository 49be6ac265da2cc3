/**
 * Rollout benchmark: a rollout of 1,000 namespaces (dev, staging, prod) on the simulated driver, with
 * zero settle time, 4 namespaces at a time, run by a real worker process on the real PostgreSQL and
 * Redis; the bench approves each tier as soon as it is asked. Prints the total time, the time the driver
 * itself needs per step (measured apart, in this process), the orchestration overhead per step (the
 * rest of a step's latency: transitions, locks, queue hops; also amortised over the rollout), and the
 * worker's peak RSS. The last line is one JSON object.
 *
 *   npm run bench:rollout          (DATABASE_URL / REDIS_URL to use other servers than the local ones)
 */
import { SimulatedDriver, systemResolver } from '@bulkhead/cluster';
import { createCluster, importSnapshot } from '@bulkhead/inventory';
import { BullJobQueue, BullRolloutDispatcher } from '@bulkhead/jobs';
import { migrations } from '@bulkhead/migrations';
import {
  openDatabase,
  PostgresCoverageStore,
  PostgresPlanStore,
  PostgresProtectionSource,
  PostgresRolloutStore,
  TypeOrmClusterStore,
  TypeOrmEdgeStore,
  TypeOrmInventoryStore,
} from '@bulkhead/persistence';
import { createPlan } from '@bulkhead/planning';
import { ensureDatabaseExists, createRedis } from '@bulkhead/platform';
import { createRollout, recordEvent, type RolloutState } from '@bulkhead/rollout';
import { DEFAULT_APPROVAL_TIERS, QUEUES } from '@bulkhead/contracts';
import { generatedSnapshot, teamNamespace } from './generated-cluster';
import { Queue } from 'bullmq';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';

const NAMESPACES = Number(process.env.BENCH_NAMESPACES ?? 1000);
const CONCURRENCY = 4;
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** CPU time (user and system) a process has used so far (Linux), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 1/100 s
}

/** Peak resident set of a process (Linux), in MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : NaN;
}

async function main(): Promise<void> {
  const dbName = `bulkhead_bench_rollout_${randomBytes(4).toString('hex')}`;
  const url = `${SERVER}/${dbName}`;
  const prefix = `bh-bench-${randomBytes(4).toString('hex')}`;
  await ensureDatabaseExists(url);
  const { db } = await openDatabase(url, migrations, { poolSize: 4 });
  const redis = createRedis(REDIS, 'client');
  const queues = new Map(Object.values(QUEUES).map((name) => [name, new Queue(name, { connection: redis, prefix })]));
  const clusters = new TypeOrmClusterStore(db);
  const inventory = new TypeOrmInventoryStore(db);
  const simulator = { reset: async (id: string, items: unknown[]) => void (await SimulatedDriver.create(db, id, { items })) };
  let worker: ReturnType<typeof spawn> | undefined;
  try {
    console.log(`setting up ${NAMESPACES} namespaces...`);
    const clusterDeps = {
      clusters,
      sealer: { seal: () => new Uint8Array() },
      kubeconfigRules: { allowHostCredentials: false, allowLoopback: false },
      resolver: systemResolver,
      gitRemotes: { allowLoopback: false, allowFileUrls: false },
    };
    const cluster = await createCluster(
      clusterDeps,
      { name: 'bench', cni: 'cilium', driver: 'simulated', delivery: { kind: 'direct' } },
      { role: 'admin' },
    );
    await importSnapshot(
      {
        clusters,
        inventory,
        simulator,
        protection: new PostgresProtectionSource(db),
        approvalTiers: DEFAULT_APPROVAL_TIERS,
        queue: new BullJobQueue(queues),
      },
      cluster.id,
      JSON.stringify(generatedSnapshot(NAMESPACES, ['api'])),
      new Date(),
    );
    const planning = {
      clusters,
      inventory,
      edges: new TypeOrmEdgeStore(db),
      plans: new PostgresPlanStore(db),
      coverage: new PostgresCoverageStore(db),
    };
    const plan = await createPlan(planning, cluster.id, 'bench', new Date());

    // What the driver itself costs per step, measured here on a sample: snapshot, apply, probes.
    const driver = new SimulatedDriver(db, cluster.id);
    const sample = 20;
    let driverMs = 0;
    for (let i = 0; i < sample; i++) {
      const ns = teamNamespace(i);
      const policies = await planning.plans.policiesFor(plan.id, ns);
      const t = performance.now();
      const before = await driver.readPolicies(ns);
      await driver.applyPolicies(ns, policies);
      await driver.probe(
        Array.from(
          { length: 7 },
          (_, p) =>
            ({
              id: `s${i}.${p}`,
              attempt: 1,
              from: { namespace: ns, workload: 'api' },
              to: { kind: 'dns', name: 'kubernetes.default' },
              port: 53,
              protocol: 'UDP',
              timeoutMs: 1000,
            }) as const,
        ),
      );
      driverMs += performance.now() - t;
      await driver.restorePolicies(ns, before);
    }
    const driverMsPerStep = driverMs / sample;

    const clock = () => new Date();
    const deps = {
      store: new PostgresRolloutStore(db),
      dispatcher: new BullRolloutDispatcher(new BullJobQueue(queues), clock),
      clock,
      planning,
      newId: randomUUID,
    };
    worker = spawn(process.execPath, [join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js')], {
      stdio: process.env.BENCH_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: url,
        REDIS_URL: REDIS,
        BULKHEAD_QUEUE_PREFIX: prefix,
        BULKHEAD_DATA_DIR: `/tmp/${prefix}`,
        LOG_LEVEL: process.env.BENCH_LOG ? 'info' : 'silent',
      },
    });
    await new Promise((r) => setTimeout(r, 2500));

    console.log('rolling out...');
    const started = performance.now();
    const workerCpuBefore = cpuMs(worker.pid!);
    // The generated cluster's kube-system has no tier: left out on purpose, as a rollout must say.
    const rollout = await createRollout(deps, {
      planId: plan.id,
      exclude: [{ namespace: 'kube-system', reason: 'system namespace' }],
      by: 'bench:operator',
      creatorId: 'bench:operator',
      start: true,
      config: { waves: [CONCURRENCY], settleMs: 0, probe: { retries: 0, timeoutMs: 1000, retryDelayMs: 0 } },
    });
    let state: RolloutState = rollout;
    let lastReport = 0;
    // Watched through two small reads, so that watching costs the database little; the whole state is
    // read only to approve.
    for (;;) {
      const [{ status }] = await db.query(`SELECT status FROM rollouts WHERE id = $1`, [rollout.id]);
      if (['completed', 'halted', 'aborted'].includes(status)) break;
      if (status === 'waiting_approval') {
        state = (await deps.store.get(rollout.id))!;
        const waiting = state.stages.find((s) => s.status === 'waiting_approval' && !s.approval?.decision);
        if (waiting)
          await recordEvent(deps, rollout.id, {
            type: 'approve',
            tier: waiting.tier,
            by: 'bench:approver',
            actorId: 'bench:approver',
            role: 'approver',
          });
      }
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        const [{ verified }] = await db.query(
          `SELECT count(*) FILTER (WHERE phase = 'verified') AS verified FROM rollout_steps WHERE rollout_id = $1`,
          [rollout.id],
        );
        console.log(`  ${verified}/${rollout.steps.length} namespaces verified`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    const workerCpuMs = cpuMs(worker.pid!) - workerCpuBefore;
    state = (await deps.store.get(rollout.id))!;
    const totalSeconds = (performance.now() - started) / 1000;
    if (state.status !== 'completed') throw new Error(`the rollout ended ${state.status}: ${state.halt?.message}`);
    const steps = state.steps.length;
    // The orchestration overhead of a step: how long it takes from its start to its verification (read
    // from the steps' own timestamps), less the driver's own time for one step. Also printed, amortised:
    // what each namespace adds to the rollout's duration with CONCURRENCY steps sharing the wall clock.
    const latencies = state.steps.map((st) => Date.parse(st.verifiedAt!) - Date.parse(st.startedAt!)).sort((a, b) => a - b);
    const meanLatencyMs = latencies.reduce((a, b) => a + b, 0) / steps;
    const percentile = (q: number) => latencies[Math.min(steps - 1, Math.floor(steps * q))];
    const overheadMsPerStep = Math.max(0, meanLatencyMs - driverMsPerStep);
    const amortisedOverheadMs = Math.max(0, (totalSeconds * 1000) / steps - driverMsPerStep / CONCURRENCY);
    const workerPeakRssMb = peakRssMb(worker.pid!);
    // Where a step's time goes, from its own timestamps: start to snapshot recorded, to applied, to verified.
    const mean = (f: (st: (typeof state.steps)[number]) => number) => (state.steps.reduce((a, st) => a + f(st), 0) / steps).toFixed(1);
    const at = (iso: string | undefined) => Date.parse(iso!);
    const phases = `${mean((st) => at(st.snapshot?.takenAt) - at(st.startedAt))} / ${mean((st) => at(st.appliedAt) - at(st.snapshot?.takenAt))} / ${mean((st) => at(st.verifiedAt) - at(st.appliedAt))} ms`;
    console.log(`namespaces:                 ${steps}`);
    console.log(`total:                      ${totalSeconds.toFixed(1)} s`);
    console.log(`driver time per step:       ${driverMsPerStep.toFixed(1)} ms (measured apart on ${sample} namespaces)`);
    console.log(
      `step latency:               ${meanLatencyMs.toFixed(1)} ms mean, ${percentile(0.5)} / ${percentile(0.95)} / ${percentile(0.99)} ms p50 / p95 / p99, start to verified`,
    );
    console.log(`  snapshot / apply / probes: ${phases} (mean)`);
    console.log(`overhead per step:          ${overheadMsPerStep.toFixed(1)} ms (mean latency less driver time; target < 50)`);
    console.log(`overhead, amortised:        ${amortisedOverheadMs.toFixed(1)} ms per namespace (${CONCURRENCY} at a time)`);
    console.log(
      `worker CPU:                 ${(workerCpuMs / steps).toFixed(1)} ms per step (${Math.round((100 * workerCpuMs) / (totalSeconds * 1000))}% of one core)`,
    );
    console.log(`worker peak RSS:            ${workerPeakRssMb} MB`);
    console.log(
      JSON.stringify({
        namespaces: steps,
        totalSeconds: Number(totalSeconds.toFixed(2)),
        overheadMsPerStep: Number(overheadMsPerStep.toFixed(1)),
        workerPeakRssMb,
        amortisedOverheadMs: Number(amortisedOverheadMs.toFixed(1)),
      }),
    );
  } finally {
    worker?.kill('SIGKILL');
    for (const q of queues.values()) {
      await q.obliterate({ force: true }).catch(() => undefined);
      await q.close();
    }
    await redis.quit();
    await db.destroy();
    const admin = new Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
