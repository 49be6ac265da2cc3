/**
 * Live collection benchmark: a fake Hubble Relay (test/support/fake-flow-servers) streams 1,000,000
 * flows over gRPC, as fast as the collector takes them (HTTP/2 flow control and the collector's
 * backpressure pace it), to one collector in a worker process of its own (dist/apps/worker), which
 * writes them into the dependency map of the bookinfo cluster (110 pod pairs). This process runs the
 * API (in-process, on a database of its own) and polls the edges through it every POLL_MS.
 *
 * Measured: flows ingested per second (the flows over the time from the first sent to the last one's
 * edge visible through the API); the delay from a connection's flows being handed to the relay to its
 * edge counting it through the API (p50, p99; each connection is three flows, and the edges count
 * connections); the worker's peak RSS (VmHWM). The last line is one JSON object.
 *
 *   npm run bench:live        (LIVE_BENCH_FLOWS=300000 for a quicker run; BENCH_CPU_PROF=<folder> profiles the worker)
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { bookinfoPods } from '../support/fake-flow-servers/bookinfo-cluster';
import { FakeHubbleRelay } from '../support/fake-flow-servers/hubble-relay';
import { generatedTraffic } from '../support/fake-flow-servers/hubble-traffic';
import { startApi, TEST_REDIS_URL } from '../integration/support/harness';
import { bookinfoCluster } from '../integration/support/live-map';

const FLOWS = Number(process.env.LIVE_BENCH_FLOWS ?? 1_000_000);
const FLOWS_PER_CONNECTION = 3;
const CONNECTIONS = Math.ceil(FLOWS / FLOWS_PER_CONNECTION);
/** Connections handed to the relay at a time, when what it has not sent yet is under one chunk. */
const CHUNK = 2_000;
const POLL_MS = 100;

/** Peak resident set of a process (Linux), in MB. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmHWM:'));
  return line ? Math.round(Number(line.replace(/\D+/g, '')) / 1024) : NaN;
}

/** CPU time (user and system) a process has used so far (Linux), in ms. */
function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in clock ticks of 1/100 s
}

const quantile = (sorted: Float64Array, q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;

async function main(): Promise<void> {
  const api = await startApi({ BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' });
  const relay = new FakeHubbleRelay();
  let worker: ReturnType<typeof spawn> | undefined;
  try {
    const clusterId = await bookinfoCluster(api, 'bench-live');
    const pods = bookinfoPods();
    const pairs = pods.flatMap((from) => pods.filter((to) => to !== from).map((to) => ({ from, to, port: 9080 })));
    const port = await relay.start();
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-sources`, {
      role: 'operator',
      body: { name: 'relay', kind: 'hubble-relay', address: `127.0.0.1:${port}` },
    });
    if (created.status !== 201) throw new Error(`the flow source was refused: ${JSON.stringify(created.body)}`);

    // BENCH_CPU_PROF=<folder>: the worker writes a CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    worker = spawn(process.execPath, [...profile, join(__dirname, '..', '..', 'apps', 'worker', 'src', 'main.js')], {
      stdio: process.env.BENCH_LOG ? ['ignore', 'inherit', 'inherit'] : 'ignore',
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: api.config.database.url,
        REDIS_URL: TEST_REDIS_URL,
        BULKHEAD_QUEUE_PREFIX: api.queuePrefix,
        BULKHEAD_DATA_DIR: api.config.dataDir,
        BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true',
        LOG_LEVEL: process.env.BENCH_LOG ? 'info' : 'silent',
      },
    });
    console.log(`waiting for the worker to follow the relay (${pairs.length} pod pairs)...`);
    const waitStart = Date.now();
    while (relay.following === 0) {
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode})`);
      if (Date.now() - waitStart > 60_000) throw new Error('the worker did not follow the relay within 60 s');
      await new Promise((r) => setTimeout(r, 50));
    }

    console.log(`streaming ${CONNECTIONS * FLOWS_PER_CONNECTION} flows (${CONNECTIONS} connections)...`);
    const sentAt = new Float64Array(CONNECTIONS);
    const visibleAt = new Float64Array(CONNECTIONS);
    let sent = 0;
    let visible = 0;
    const started = performance.now();
    const workerCpuBefore = cpuMs(worker.pid!);
    const benchCpuBefore = process.cpuUsage();
    const feeding = (async () => {
      while (sent < CONNECTIONS) {
        if (relay.backlog >= CHUNK * FLOWS_PER_CONNECTION) {
          await new Promise((r) => setTimeout(r, 5));
          continue;
        }
        const n = Math.min(CHUNK, CONNECTIONS - sent);
        const now = Date.now();
        const flows = generatedTraffic({
          start: { seconds: Math.floor(now / 1000), nanos: (now % 1000) * 1e6 },
          connections: n,
          pairs,
          firstConnection: sent,
          node: 'kind-worker',
        });
        relay.stream(flows.map((f) => f.wire));
        sentAt.fill(performance.now(), sent, sent + n);
        sent += n;
        await new Promise((r) => setImmediate(r));
      }
    })();
    while (visible < CONNECTIONS) {
      const page = await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=500`, { role: 'viewer' });
      const counted = (page.body.items as Array<{ connections: number }>).reduce((sum, e) => sum + e.connections, 0);
      const at = performance.now();
      if (counted > visible) {
        visibleAt.fill(at, visible, Math.min(counted, CONNECTIONS));
        visible = Math.min(counted, CONNECTIONS);
      }
      if (worker.exitCode !== null) throw new Error(`the worker exited (${worker.exitCode})`);
      if (at - started > 15 * 60_000) throw new Error(`not done within 15 minutes: ${visible} of ${CONNECTIONS} connections visible`);
      await new Promise((r) => setTimeout(r, POLL_MS));
    }
    await feeding;
    // Connections become visible in order: the last one is the last seen.
    const elapsedMs = visibleAt[CONNECTIONS - 1]! - started;
    const delays = Float64Array.from(sentAt, (t, i) => visibleAt[i]! - t).sort();
    const flows = CONNECTIONS * FLOWS_PER_CONNECTION;
    const flowsPerSecond = Math.round((flows * 1000) / elapsedMs);
    const p99VisibleMs = Math.round(quantile(delays, 0.99));
    const workerPeakRssMb = peakRssMb(worker.pid!);
    const workerCpu = cpuMs(worker.pid!) - workerCpuBefore;
    const benchCpu = process.cpuUsage(benchCpuBefore);
    const source = (await api.call('GET', `/api/v1/clusters/${clusterId}/flow-sources/${created.body.id}`, { role: 'viewer' })).body;
    console.log(`flows collected (the source's count): ${source.flowsCollected}, status ${source.status}`);
    console.log(`flows ingested: ${flows} in ${(elapsedMs / 1000).toFixed(1)} s = ${flowsPerSecond} flows/s (target 50,000)`);
    console.log(
      `delay from sent to visible through the API: p50 ${Math.round(quantile(delays, 0.5))} ms, p99 ${p99VisibleMs} ms (target < 5,000; polled every ${POLL_MS} ms)`,
    );
    console.log(
      `CPU over the run: worker ${Math.round(workerCpu)} ms (${Math.round((flows * 1000) / workerCpu)} flows per CPU second), ` +
        `this process (relay, API, polling) ${Math.round((benchCpu.user + benchCpu.system) / 1000)} ms; load average ${loadavg()[0]!.toFixed(1)}`,
    );
    console.log(`worker peak RSS: ${workerPeakRssMb} MB (target < 300)`);
    console.log(JSON.stringify({ flowsPerSecond, p99VisibleMs, workerPeakRssMb }));
  } finally {
    if (worker && worker.exitCode === null) {
      const exited = new Promise((r) => worker!.once('exit', r));
      worker.kill('SIGTERM');
      await exited;
    }
    await relay.stop();
    await api.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
