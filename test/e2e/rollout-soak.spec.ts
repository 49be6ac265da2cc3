import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type SimulatedFaults, SimulatedDriver } from '@bulkhead/cluster';
import { ACTIVE_STATUSES } from '@bulkhead/rollout';
import { type Harness, seedDemoCluster, startApi, untieredExclusions } from '../integration/support/harness';
import { OwnPostgres } from '../support/own-postgres';
import { OwnRedis } from '../support/own-redis';
import { livePolicies, namespaceViolations } from '../support/rollout-invariants';

/**
 * A bounded soak: rollouts of the demo cluster, one after another, for SOAK_SECONDS (120 by default,
 * a few minutes of CI) while workers (child processes) are SIGKILLed and replaced, Redis is killed and
 * comes back empty, and the simulated cluster fails applies, drops first probe attempts and times
 * probes out. The test approves every gate, and rolls back every rollout that halts. Every other
 * rollout runs with the demo's hidden dependency (staging then breaks and is restored, as in the demo's
 * story); the others run without it, and can go on through prod.
 * It checks, from the database:
 * - at rest (at a gate, halted or finished), every namespace verified, restored byte for byte, or untouched;
 * - never more than one active rollout on the cluster, a second one refused while one is active;
 * - the rollout keeps moving: its version grows at least every SOAK_PROGRESS_SECONDS (60) while it is
 *   not waiting for an approval.
 * Random choices come from SOAK_SEED (printed, with the counts of what was done): a failing run replays.
 */
const SOAK_MS = Number(process.env.SOAK_SECONDS ?? 120) * 1000;
const PROGRESS_MS = Number(process.env.SOAK_PROGRESS_SECONDS ?? 60) * 1000;
const SEED = Number(process.env.SOAK_SEED ?? Math.floor(Math.random() * 2 ** 32));
const WORKERS = 2;
const CONFIG = { waves: [2, 8], settleMs: 300, restoreRetryMs: 200, probe: { retries: 2, timeoutMs: 500, retryDelayMs: 50 } };
const TRANSIENT = ['snapshotted', 'applied', 'settled', 'probed', 'restoring'];
const AT_REST = ['waiting_approval', 'halted', 'completed', 'rolled_back', 'aborted'];

const root = join(__dirname, '..', '..');
const workerMain = join(root, 'dist', 'apps', 'worker', 'src', 'main.js');

/** mulberry32: a small seeded generator, so that a run can be replayed from its seed. */
function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

let postgres: OwnPostgres;
let redis: OwnRedis;
let api: Harness;
let clusterId: string;
let planId: string;
const workers: ChildProcess[] = [];

function startWorker(): ChildProcess {
  const child = spawn(process.execPath, [workerMain], {
    cwd: root,
    stdio: process.env.SOAK_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
    env: {
      PATH: process.env.PATH,
      DATABASE_URL: api.config.database.url,
      REDIS_URL: redis.url,
      BULKHEAD_QUEUE_PREFIX: api.queuePrefix,
      BULKHEAD_DATA_DIR: api.config.dataDir,
      LOG_LEVEL: process.env.SOAK_LOG ? 'info' : 'silent',
    },
  });
  workers.push(child);
  return child;
}

async function killWorker(child: ChildProcess, signal: NodeJS.Signals): Promise<void> {
  workers.splice(workers.indexOf(child), 1);
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

beforeAll(async () => {
  if (!existsSync(workerMain)) throw new Error('dist/ is missing: run `npm run build` first (npm test does)');
  postgres = await OwnPostgres.start();
  redis = await OwnRedis.start();
  api = await startApi({}, { worker: true, redisUrl: redis.url, databaseServer: postgres.serverUrl });
  // The queues lose their connection on purpose here: the test needs no console noise about it.
  for (const queue of api.runtime.queues.values()) queue.on('error', () => undefined);
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
  await api.stopWorker();
}, 120000);
afterAll(async () => {
  for (const child of [...workers]) await killWorker(child, 'SIGKILL');
  await api?.close();
  await redis?.kill();
  await postgres?.remove();
});

it(
  `keeps every rollout safe and moving under worker kills, Redis restarts and driver faults (seed ${SEED})`,
  async () => {
    const random = seededRandom(SEED);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
    const counts = {
      workerKills: 0,
      redisRestarts: 0,
      faults: 0,
      secondRolloutsRefused: 0,
      approvals: 0,
      rollbacks: 0,
      rollouts: 0,
      checksAtRest: 0,
    };
    const halts: Record<string, number> = {}; // by reason, to read a run by

    const driver = new SimulatedDriver(api.db, clusterId);
    const [{ faults: demoFaults }] = await api.db.query(`SELECT faults FROM simulated_clusters WHERE cluster_id = $1`, [clusterId]);
    /** The faults of the cluster itself, under the ones the test injects: the demo's hidden dependency, or none. */
    let baseFaults: SimulatedFaults = demoFaults;
    const problems: string[] = [];

    const rollout = async (id: string) => {
      const res = await api.call('GET', `/api/v1/rollouts/${id}`, { role: 'viewer' });
      return res.status === 200 ? res.body : undefined; // the API may fail a read while Redis restarts
    };
    const activeOnCluster = async () =>
      Number(
        (
          await api.db.query(`SELECT count(*) AS n FROM rollouts WHERE cluster_id = $1 AND status = ANY($2)`, [
            clusterId,
            [...ACTIVE_STATUSES],
          ])
        )[0].n,
      );

    let current!: {
      id: string;
      namespaces: string[];
      before: Map<string, string>;
      version: number;
      movedAt: number;
      checkedAtVersion?: number;
    };
    const track = async (created: { id: string; steps: Array<{ namespace: string }> }) => {
      const namespaces = created.steps.map((s) => s.namespace);
      current = { id: created.id, namespaces, before: await livePolicies(api.db, clusterId, namespaces), version: -1, movedAt: Date.now() };
      counts.rollouts += 1;
    };
    const begin = async () => {
      baseFaults = counts.rollouts % 2 === 0 ? demoFaults : {};
      await driver.setFaults(baseFaults);
      const created = await api.call('POST', '/api/v1/rollouts', {
        role: 'operator',
        body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: CONFIG },
      });
      if (created.status !== 201) throw new Error(`a new rollout was refused: ${created.status} ${JSON.stringify(created.body)}`);
      await track(created.body);
    };

    /**
     * One look at the rollout: checks what must hold and, while `answer`, gives the test's answer to a
     * gate (approve), a halt (roll back) or an end (the next rollout).
     */
    const look = async (answer: boolean) => {
      const [row] = await api.db.query(`SELECT status, version FROM rollouts WHERE id = $1`, [current.id]);
      const version = Number(row.version);
      if (version !== current.version) Object.assign(current, { version, movedAt: Date.now() });
      else if (row.status !== 'waiting_approval' && Date.now() - current.movedAt > PROGRESS_MS)
        problems.push(`rollout ${current.id} did not move for ${PROGRESS_MS / 1000} s (${row.status}, version ${version})`);
      const active = await activeOnCluster();
      if (active > 1) problems.push(`${active} active rollouts on the cluster`);
      if (!AT_REST.includes(row.status) || current.checkedAtVersion === version) return;

      const r = await rollout(current.id);
      if (!r || r.version !== version || r.steps.some((s: any) => TRANSIENT.includes(s.phase))) return;
      current.checkedAtVersion = version;
      counts.checksAtRest += 1;
      for (const violation of namespaceViolations(r.steps, await livePolicies(api.db, clusterId, current.namespaces), current.before))
        problems.push(`rollout ${current.id} (${r.status}): ${violation}`);
      if (!answer) return;
      if (r.status === 'waiting_approval') {
        const tier = r.stages.find((s: any) => s.status === 'waiting_approval').tier;
        if ((await api.call('POST', `/api/v1/rollouts/${current.id}/approve`, { role: 'approver', body: { tier } })).status === 200)
          counts.approvals += 1;
      } else if (r.status === 'halted') {
        const reason = `${r.halt?.code}: ${String(r.halt?.message).slice(0, 100)}`;
        halts[reason] = (halts[reason] ?? 0) + 1;
        if (
          (await api.call('POST', `/api/v1/rollouts/${current.id}/rollback`, { role: 'operator', body: { scope: { kind: 'all' } } }))
            .status === 200
        )
          counts.rollbacks += 1;
      } else {
        await begin();
      }
    };

    const faultsOf: Array<() => SimulatedFaults> = [
      () => ({ applyFailures: [{ namespace: pick(current.namespaces), times: 1 }] }),
      () => ({ flakyProbes: { failFirstAttempts: 1 } }),
      () => ({ probeTimeouts: [{ namespace: pick(current.namespaces) }] }),
    ];
    let faultsClearAt = Infinity;
    const chaos = async () => {
      const roll = random();
      if (roll < 0.4) {
        await killWorker(pick(workers), 'SIGKILL');
        counts.workerKills += 1;
        await sleep(random() * 2000);
        startWorker();
      } else if (roll < 0.55) {
        await redis.kill();
        await sleep(random() * 3000);
        await redis.restart();
        counts.redisRestarts += 1;
      } else if (roll < 0.85) {
        await driver.setFaults({ ...baseFaults, ...pick(faultsOf)() });
        faultsClearAt = Date.now() + 2000 + random() * 3000;
        counts.faults += 1;
      } else {
        const second = await api.call('POST', '/api/v1/rollouts', {
          role: 'operator',
          body: { planId, exclude: await untieredExclusions(api, planId), start: true, config: CONFIG },
        });
        if (second.status === 409) counts.secondRolloutsRefused += 1;
        // Created: the current one had just finished (then it is the next one), or two are active (which `look` reports).
        else if (second.status === 201) await track(second.body);
        else problems.push(`a second rollout was answered ${second.status}`);
      }
    };

    for (let i = 0; i < WORKERS; i++) startWorker();
    await begin();
    const soakEnds = Date.now() + SOAK_MS;
    let nextChaosAt = Date.now() + 1000;
    while (Date.now() < soakEnds && problems.length === 0) {
      if (Date.now() >= faultsClearAt) {
        await driver.setFaults(baseFaults);
        faultsClearAt = Infinity;
      }
      if (Date.now() >= nextChaosAt) {
        await chaos();
        nextChaosAt = Date.now() + 1000 + random() * 3000;
      }
      await look(true);
      await sleep(200);
    }

    // The storm is over: the last rollout must reach rest by itself, safe.
    await driver.setFaults(baseFaults);
    const calmEnds = Date.now() + PROGRESS_MS * 2;
    const atRest = () => current.checkedAtVersion === current.version;
    while (problems.length === 0 && !atRest() && Date.now() < calmEnds) {
      await look(false);
      await sleep(200);
    }
    if (!atRest() && problems.length === 0) problems.push(`rollout ${current.id} did not come to rest after the storm`);

    console.log(
      `rollout soak: seed ${SEED} (SOAK_SEED=${SEED} replays it), ${SOAK_MS / 1000} s, ${JSON.stringify(counts)}, halts ${JSON.stringify(halts)}`,
    );
    expect(problems).toEqual([]);
    expect(counts.checksAtRest).toBeGreaterThan(0);
  },
  SOAK_MS + 4 * PROGRESS_MS + 60000,
);
