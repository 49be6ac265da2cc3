import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiRuntime } from '../runtime';

/** The API's Prometheus registry. Gauges about jobs and imports are filled in at scrape time. */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'bulkhead_' });

const requests = new Counter({
  name: 'bulkhead_http_requests_total',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'],
  registers: [registry],
});
const duration = new Histogram({
  name: 'bulkhead_http_request_duration_seconds',
  help: 'HTTP request duration',
  labelNames: ['method', 'route'],
  buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
  registers: [registry],
});

const queueDepth = new Gauge({
  name: 'bulkhead_queue_jobs',
  help: 'Jobs in each queue by state',
  labelNames: ['queue', 'state'],
  registers: [registry],
});
const flowImports = new Gauge({
  name: 'bulkhead_flow_imports',
  help: 'Flow imports by status',
  labelNames: ['status'],
  registers: [registry],
});
const flowsImported = new Gauge({
  name: 'bulkhead_flows_imported',
  help: 'Flows parsed by all succeeded imports',
  registers: [registry],
});

const rollouts = new Gauge({
  name: 'bulkhead_rollouts',
  help: 'Rollouts by status',
  labelNames: ['status'],
  registers: [registry],
});
const rolloutSteps = new Gauge({
  name: 'bulkhead_rollout_steps',
  help: 'Namespace steps of active rollouts by phase',
  labelNames: ['phase'],
  registers: [registry],
});

export const rolloutsStalled = new Gauge({
  name: 'bulkhead_rollouts_stalled',
  help: 'Running or rolling-back rollouts that have not moved for longer than BULKHEAD_ROLLOUT_STALL_SECONDS',
  registers: [registry],
});

export const httpMetrics = {
  observe(method: string, route: string, status: number, seconds: number): void {
    requests.inc({ method, route, status: String(status) });
    duration.observe({ method, route }, seconds);
  },
};

/** The metrics text for one scrape: the job, import and rollout gauges are read now. */
export async function scrapeMetrics(runtime: ApiRuntime, countStalledRollouts: () => Promise<number>): Promise<string> {
  for (const [name, queue] of runtime.queues) {
    const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'failed', 'completed');
    for (const [state, n] of Object.entries(counts)) queueDepth.set({ queue: name, state }, n);
  }
  const rows: Array<{ status: string; n: string; flows: string | null }> = await runtime.db.query(
    `SELECT status, count(*) AS n, sum((progress->>'flowsParsed')::bigint) AS flows FROM flow_imports GROUP BY status`,
  );
  flowImports.reset();
  for (const r of rows) flowImports.set({ status: r.status }, Number(r.n));
  flowsImported.set(Number(rows.find((r) => r.status === 'succeeded')?.flows ?? 0));
  const byStatus: Array<{ status: string; n: string }> = await runtime.db.query(
    `SELECT status, count(*) AS n FROM rollouts GROUP BY status`,
  );
  rollouts.reset();
  for (const r of byStatus) rollouts.set({ status: r.status }, Number(r.n));
  const byPhase: Array<{ phase: string; n: string }> = await runtime.db.query(
    `SELECT s.phase, count(*) AS n FROM rollouts r JOIN rollout_steps s ON s.rollout_id = r.id
     WHERE r.status NOT IN ('completed', 'aborted', 'rolled_back', 'draft') GROUP BY 1`,
  );
  rolloutSteps.reset();
  for (const r of byPhase) rolloutSteps.set({ phase: r.phase }, Number(r.n));
  rolloutsStalled.set(await countStalledRollouts());
  return registry.metrics();
}
