import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

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

export const queueDepth = new Gauge({
  name: 'bulkhead_queue_jobs',
  help: 'Jobs in each queue by state',
  labelNames: ['queue', 'state'],
  registers: [registry],
});
export const flowImports = new Gauge({
  name: 'bulkhead_flow_imports',
  help: 'Flow imports by status',
  labelNames: ['status'],
  registers: [registry],
});
export const flowsImported = new Gauge({
  name: 'bulkhead_flows_imported',
  help: 'Flows parsed by all succeeded imports',
  registers: [registry],
});

export const rollouts = new Gauge({
  name: 'bulkhead_rollouts',
  help: 'Rollouts by status',
  labelNames: ['status'],
  registers: [registry],
});
export const rolloutSteps = new Gauge({
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
