/**
 * API read benchmark: the product as `npm start` runs it (API with its worker, built output) on
 * loopback, on a database and a queue prefix of its own, with the demo cluster seeded and a rollout of
 * a generated 200-namespace cluster running the whole time. autocannon sends the dashboard's main
 * reads with a viewer token and a browser's Accept-Encoding over 50 connections for 30 s; then the
 * same load goes to a bare NestJS route (one GET, a small JSON) in a process of its own, for scale.
 * Prints requests per second, p50
 * and p99 latency, errors (non-2xx and timeouts), each route's latency as the API's request log
 * measured it, and last one JSON object.
 *
 * The rollout is kept running through the window by its settle time: each wave waits long enough that
 * the waves together outlast the measurement; the bench checks afterwards that it is still running.
 * An approver (a dashboard session) approves each tier as soon as the rollout asks.
 *
 *   npm run bench:api     BENCH_SECONDS=60 for a longer window; BENCH_ROUTE_CPU=1 first measures the
 *                         API's CPU time per request of each route alone; BENCH_CPU_PROF=<dir> writes the API's
 *                         and the worker's CPU profiles there; BENCH_LOG=1 shows the product's log.
 */
import 'reflect-metadata';
import { createRedis } from '@bulkhead/platform';
import { Controller, Get, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import autocannon, { type Result } from 'autocannon';
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, openSync, readFileSync, rmSync } from 'node:fs';
import { freePort } from '../support/ports';
import { generatedSnapshot, teamNamespace, TIER_LABELS } from './generated-cluster';
import { join } from 'node:path';
import { Client } from 'pg';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const CONNECTIONS = 50;
const NAMESPACES = 200;
const WAVE = 4;
const SERVER = process.env.BENCH_DATABASE_SERVER ?? 'postgres://postgres@127.0.0.1:5432';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** What a browser, the dashboard's client, says it accepts. */
const ACCEPT_ENCODING = 'gzip, deflate, br';

// ---- the bare route, run in a child process of the bench (`api.bench.js --bare`) ----

@Controller()
class BareController {
  @Get('ping')
  ping() {
    return { ok: true, at: new Date().toISOString() };
  }
}

@Module({ controllers: [BareController] })
class BareModule {}

async function serveBare(): Promise<void> {
  const app = await NestFactory.create(BareModule, { logger: false });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address() as { port: number };
  process.send!({ port: address.port });
}

// ---- the product ----

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The process's children (Linux), so that the worker the API forked can be ended by its id too. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const alive = (pid: number) => existsSync(`/proc/${pid}`);

/** CPU time a process has used so far, in ms (Linux: user and system clock ticks, 100 a second). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

class Api {
  constructor(
    readonly url: string,
    readonly token: string,
  ) {}

  async call<T = any>(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${this.token}`, ...(body === undefined ? {} : { 'content-type': contentType }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text.slice(0, 300)}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  async until<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline)
        throw new Error(`${what}: not within ${timeoutMs / 1000} s; last seen: ${JSON.stringify(value).slice(0, 500)}`);
      await sleep(250);
    }
  }
}

/** A dashboard session of an approver (the rollout's creator may not approve it). */
async function signInApprover(admin: Api): Promise<{ cookie: string; csrfToken: string }> {
  const password = randomBytes(12).toString('hex');
  await admin.call('POST', '/api/v1/users', { username: 'bench-approver', password, role: 'approver' });
  const res = await fetch(`${admin.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-approver', password }),
  });
  if (!res.ok) throw new Error(`signing in the approver: ${res.status} ${await res.text()}`);
  return { cookie: res.headers.get('set-cookie')!.split(';')[0]!, csrfToken: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** Approves each tier of the rollout as soon as it waits for it (twice a second), until stopped. */
async function approveAsAsked(
  url: string,
  session: { cookie: string; csrfToken: string },
  rolloutId: string,
  stopped: () => boolean,
): Promise<void> {
  const headers = { cookie: session.cookie, 'x-csrf-token': session.csrfToken, 'content-type': 'application/json' };
  while (!stopped()) {
    const rollout = (await (await fetch(`${url}/api/v1/rollouts/${rolloutId}`, { headers })).json()) as {
      status: string;
      stages: Array<{ tier: string; status: string; approval?: { decision?: unknown } }>;
    };
    const waiting =
      rollout.status === 'waiting_approval' && rollout.stages.find((s) => s.status === 'waiting_approval' && !s.approval?.decision);
    if (waiting) {
      const res = await fetch(`${url}/api/v1/rollouts/${rolloutId}/approve`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ tier: waiting.tier }),
      });
      if (!res.ok) throw new Error(`approving ${waiting.tier}: ${res.status} ${await res.text()}`);
    }
    await sleep(500);
  }
}

interface Figures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

const figuresOf = (r: Result): Figures => ({
  requestsPerSecond: Number(r.requests.average.toFixed(1)),
  p50Ms: r.latency.p50,
  p99Ms: r.latency.p99,
  errors: r.errors + r.timeouts + r.non2xx,
});

/** Per route, from the API's own request log: count, p50 and p99 of the time it took to answer. */
function routeLatencies(logFile: string, routeOf: (path: string) => string | undefined, from: number, to: number): string[] {
  const byRoute = new Map<string, number[]>();
  for (const line of readFileSync(logFile, 'utf8').split('\n')) {
    if (!line.includes('"msg":"request"')) continue;
    const entry = JSON.parse(line) as { time: string; path: string; ms: number };
    const at = Date.parse(entry.time);
    const route = routeOf(entry.path);
    if (!route || at < from || at > to) continue;
    const times = byRoute.get(route) ?? [];
    times.push(entry.ms);
    byRoute.set(route, times);
  }
  return [...byRoute.entries()]
    .map(([route, times]) => {
      times.sort((a, b) => a - b);
      const at = (q: number) => times[Math.min(times.length - 1, Math.floor(times.length * q))]!;
      return {
        route,
        line: `  ${route.padEnd(34)} ${String(times.length).padStart(6)} requests   p50 ${String(at(0.5)).padStart(5)} ms   p99 ${String(at(0.99)).padStart(5)} ms`,
        p50: at(0.5),
      };
    })
    .sort((a, b) => b.p50 - a.p50)
    .map((r) => r.line);
}

async function main(): Promise<void> {
  const tag = randomBytes(4).toString('hex');
  const dbName = `bulkhead_bench_api_${tag}`;
  const prefix = `bh-bench-${tag}`;
  const dataDir = `/tmp/${prefix}`;
  const logFile = join(dataDir, 'product.log');
  const adminToken = `bh_bench_${randomBytes(24).toString('hex')}`;
  const port = await freePort();
  mkdirSync(dataDir, { recursive: true });
  const redis = createRedis(REDIS, 'client');
  const started: ChildProcess[] = [];
  let stopped = false;
  let approving: Promise<void> | undefined;
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  try {
    const product = spawn(process.execPath, [...profile, join(__dirname, '..', '..', 'apps', 'api', 'src', 'main.js'), '--with-worker'], {
      stdio: process.env.BENCH_LOG ? ['ignore', 'inherit', 'inherit'] : ['ignore', openSync(logFile, 'a'), openSync(logFile, 'a')],
      env: {
        PATH: process.env.PATH,
        DATABASE_URL: `${SERVER}/${dbName}`,
        REDIS_URL: REDIS,
        BULKHEAD_QUEUE_PREFIX: prefix,
        BULKHEAD_DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        BULKHEAD_ADMIN_TOKEN: adminToken,
        LOG_LEVEL: 'info',
      },
    });
    started.push(product);
    const admin = new Api(`http://127.0.0.1:${port}`, adminToken);
    console.log(`starting the product (API and worker) on ${admin.url}...`);
    await admin.until(
      'the API to answer /healthz',
      () => {
        if (product.exitCode !== null)
          throw new Error(`the product exited (${product.exitCode}); see its log:\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
        return fetch(`${admin.url}/healthz`).then(
          (r) => r.ok,
          () => false,
        );
      },
      (ok) => ok,
      120_000,
    );

    console.log('setting up: the demo cluster, a generated cluster of 200 namespaces, plans, rollouts...');
    const viewer = new Api(
      admin.url,
      (await admin.call<{ token: string }>('POST', '/api/v1/tokens', { name: 'bench-viewer', role: 'viewer' })).token,
    );
    const demo = (await admin.call<Array<{ id: string; name: string }>>('GET', '/api/v1/clusters')).find((c) => c.name === 'demo-flat');
    if (!demo) throw new Error('the demo cluster was not seeded');
    const {
      items: [demoImport],
    } = await admin.call<{ items: Array<{ id: string }> }>('GET', `/api/v1/clusters/${demo.id}/flow-imports`);
    if (!demoImport) throw new Error('the demo cluster has no flow import');
    await admin.until(
      'the demo flows to be imported',
      () => admin.call<{ status: string }>('GET', `/api/v1/flow-imports/${demoImport.id}`),
      (i) => i.status === 'succeeded',
      120_000,
    );
    const big = await admin.call<{ id: string }>('POST', '/api/v1/clusters', { name: 'bench-200', cni: 'cilium' });
    await admin.call('PUT', `/api/v1/clusters/${big.id}/snapshot`, generatedSnapshot(NAMESPACES, ['api', 'worker']));
    const demoPlan = await admin.call<{ id: string }>('POST', `/api/v1/clusters/${demo.id}/plans`);
    const bigPlan = await admin.call<{ id: string }>('POST', `/api/v1/clusters/${big.id}/plans`);
    const probe = { retries: 0, timeoutMs: 1000, retryDelayMs: 0 };

    // A finished rollout of the demo cluster (completed, or halted by its hidden dependency), as a
    // list of rollouts in use holds some.
    // A plan's namespaces without a tier (kube-system, say) are left out of its rollouts, on purpose, as a rollout must say.
    const untiered = async (planId: string) =>
      (
        await admin.call<{ namespaces: Array<{ namespace: string; tier: string | null }> }>(
          'GET',
          `/api/v1/plans/${planId}/rollout-coverage`,
        )
      ).namespaces
        .filter((ns) => ns.tier === null)
        .map((ns) => ({ namespace: ns.namespace, reason: 'no tier' }));
    const demoRollout = await admin.call<{ id: string }>('POST', '/api/v1/rollouts', {
      planId: demoPlan.id,
      exclude: await untiered(demoPlan.id),
      start: true,
      config: { waves: [8], settleMs: 0, probe },
    });
    await admin.until(
      'the demo rollout to finish',
      () => admin.call<{ status: string }>('GET', `/api/v1/rollouts/${demoRollout.id}`),
      (r) => !['running', 'rolling_back'].includes(r.status),
      180_000,
    );

    // The rollout under way during the measurement: its waves' settle times alone outlast the window
    // (with half as much again to spare), so it is still running when the window ends.
    const waves = TIER_LABELS.reduce(
      (n, _tier, t) => n + Math.ceil(Array.from({ length: NAMESPACES }, (_, i) => i % 3 === t).filter(Boolean).length / WAVE),
      0,
    );
    const settleMs = Math.ceil(((SECONDS * 1.5 + 20) * 1000) / waves);
    const rollout = await admin.call<{ id: string; steps: unknown[] }>('POST', '/api/v1/rollouts', {
      planId: bigPlan.id,
      exclude: await untiered(bigPlan.id),
      start: true,
      config: { waves: [WAVE], settleMs, probe },
    });
    let approvalFailure: Error | undefined;
    approving = approveAsAsked(admin.url, await signInApprover(admin), rollout.id, () => stopped).catch(
      (error: unknown) => void (approvalFailure = error instanceof Error ? error : new Error(String(error))),
    );
    const verified = async () => {
      const r = await admin.call<{ status: string; steps: Array<{ phase: string }> }>('GET', `/api/v1/rollouts/${rollout.id}`);
      return { status: r.status, verified: r.steps.filter((s) => s.phase === 'verified').length };
    };
    await admin.until('the 200-namespace rollout to verify its first wave', verified, (r) => r.verified >= WAVE, 60_000);

    const { items: edges } = await admin.call<{ items: Array<{ from: string }> }>('GET', `/api/v1/clusters/${demo.id}/edges`);
    const demoNamespace = edges[0]?.from.split('/')[0] ?? 'default';
    const routes: Array<[string, string]> = [
      ['GET /clusters', '/api/v1/clusters'],
      ['GET /clusters/{id}', `/api/v1/clusters/${demo.id}`],
      ['GET /clusters/{id}', `/api/v1/clusters/${big.id}`],
      ['GET /clusters/{id}/namespaces', `/api/v1/clusters/${demo.id}/namespaces`],
      ['GET /clusters/{id}/namespaces', `/api/v1/clusters/${big.id}/namespaces`],
      ['GET /clusters/{id}/edges', `/api/v1/clusters/${demo.id}/edges`],
      ['GET /clusters/{id}/edges', `/api/v1/clusters/${demo.id}/edges?namespace=${demoNamespace}`],
      ['GET /clusters/{id}/workloads', `/api/v1/clusters/${demo.id}/workloads`],
      ['GET /clusters/{id}/workloads', `/api/v1/clusters/${big.id}/workloads?namespace=${teamNamespace(1)}`],
      ['GET /clusters/{id}/plans', `/api/v1/clusters/${demo.id}/plans`],
      ['GET /rollouts', '/api/v1/rollouts'],
      ['GET /rollouts', `/api/v1/rollouts?clusterId=${big.id}`],
      ['GET /rollouts/{id}', `/api/v1/rollouts/${rollout.id}`],
      ['GET /rollouts/{id}', `/api/v1/rollouts/${demoRollout.id}`],
      ['GET /plans/{id}', `/api/v1/plans/${demoPlan.id}`],
      ['GET /plans/{id}', `/api/v1/plans/${bigPlan.id}`],
      ['GET /approvals', '/api/v1/approvals'],
      ['GET /audit', '/api/v1/audit'],
    ];
    const routeByPath = new Map(routes.map(([route, path]) => [path.split('?')[0], route]));

    if (process.env.BENCH_ROUTE_CPU) {
      console.log('API process CPU per request, route by route (10 connections, 5 s each):');
      for (const [route, path] of routes) {
        const cpuBefore = cpuMsOf(product.pid!);
        const alone = await autocannon({
          url: `${admin.url}${path}`,
          connections: 10,
          duration: 5,
          headers: { authorization: `Bearer ${viewer.token}`, 'accept-encoding': ACCEPT_ENCODING },
        });
        console.log(
          `  ${route.padEnd(34)} ${((cpuMsOf(product.pid!) - cpuBefore) / alone.requests.total).toFixed(2).padStart(6)} ms   (${alone.requests.total} requests, ${path})`,
        );
      }
    }

    console.log(
      `measuring the API: ${CONNECTIONS} connections for ${SECONDS} s over ${routes.length} read routes, while the rollout runs (settle ${settleMs} ms per wave of ${WAVE})...`,
    );
    const before = await verified();
    const apiCpuBefore = cpuMsOf(product.pid!);
    const windowStart = Date.now();
    const measured = await autocannon({
      url: admin.url,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { authorization: `Bearer ${viewer.token}`, 'accept-encoding': ACCEPT_ENCODING },
      requests: routes.map(([, path]) => ({ method: 'GET', path })),
    });
    const windowEnd = Date.now();
    const apiCpuMs = cpuMsOf(product.pid!) - apiCpuBefore;
    const after = await verified();
    if (approvalFailure) throw approvalFailure;
    if (!['running', 'waiting_approval'].includes(after.status) || after.verified >= NAMESPACES)
      throw new Error(
        `the rollout was not running through the whole window: it ended ${after.status} with ${after.verified}/${NAMESPACES} verified`,
      );

    console.log('measuring a bare NestJS route on the same machine...');
    const bare = fork(__filename, ['--bare'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    started.push(bare);
    const barePort = await new Promise<number>((resolve, reject) => {
      bare.once('message', (m) => resolve((m as { port: number }).port));
      bare.once('exit', (code) => reject(new Error(`the bare NestJS app exited (${code})`)));
    });
    const bareCpuBefore = cpuMsOf(bare.pid!);
    const bareMeasured = await autocannon({
      url: `http://127.0.0.1:${barePort}/ping`,
      connections: CONNECTIONS,
      duration: SECONDS,
      headers: { 'accept-encoding': ACCEPT_ENCODING },
    });
    const bareCpuMs = cpuMsOf(bare.pid!) - bareCpuBefore;
    const bareFigures = figuresOf(bareMeasured);

    const api = figuresOf(measured);
    const ratio = Number((api.requestsPerSecond / bareFigures.requestsPerSecond).toFixed(3));
    console.log(`rollout during the window:  running, ${before.verified} -> ${after.verified} of ${NAMESPACES} namespaces verified`);
    console.log(
      `API, ${routes.length} read routes:      ${api.requestsPerSecond} requests/s, p50 ${api.p50Ms} ms, p99 ${api.p99Ms} ms, ${api.errors} errors (${measured.non2xx} non-2xx, ${measured.timeouts} timeouts, ${measured.errors} others), ${Math.round(measured.throughput.average / 1024)} KB/s`,
    );
    console.log(
      `API process CPU:            ${(apiCpuMs / measured.requests.total).toFixed(2)} ms per request (${apiCpuMs} ms over ${measured.requests.total} requests; the machine's load does not change it much)`,
    );
    console.log(
      `bare NestJS route:          ${bareFigures.requestsPerSecond} requests/s, p50 ${bareFigures.p50Ms} ms, p99 ${bareFigures.p99Ms} ms, ${bareFigures.errors} errors`,
    );
    console.log(`bare process CPU:           ${(bareCpuMs / bareMeasured.requests.total).toFixed(2)} ms per request`);
    console.log(`ratio:                      ${ratio} (target >= 0.3; p99 target < 250 ms; no errors)`);
    if (!process.env.BENCH_LOG) {
      console.log('per route, as the API measured it (from its request log):');
      for (const line of routeLatencies(logFile, (path) => routeByPath.get(path), windowStart, windowEnd)) console.log(line);
    }
    console.log(JSON.stringify({ ...api, bareRequestsPerSecond: bareFigures.requestsPerSecond, ratio }));
  } finally {
    stopped = true;
    await approving;
    for (const child of started.reverse()) {
      const pids = [child.pid!, ...childrenOf(child.pid!)];
      child.kill('SIGTERM');
      const deadline = Date.now() + 15_000;
      while (pids.some(alive) && Date.now() < deadline) await sleep(100);
      for (const pid of pids.filter(alive)) process.kill(pid, 'SIGKILL');
    }
    for await (const keys of redis.scanStream({ match: `${prefix}:*`, count: 1000 }))
      if ((keys as string[]).length) await redis.del(...(keys as string[]));
    await redis.quit();
    const admin = new Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv.includes('--bare')) {
  serveBare().catch((error) => {
    console.error(error);
    process.exit(1);
  });
} else {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
