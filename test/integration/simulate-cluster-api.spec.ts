import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, seedDemoCluster, startApi } from './support/harness';

/**
 * POST /api/v1/clusters/{id}/simulate on the demo cluster: probes against what Bulkhead knows (its stored inventory),
 * with its live policies (none: a flat network) or with a plan's. Plan v1 blocks the incident of the demo
 * (orders-dev/orders-debug reaching the production database) and keeps the observed dependencies open.
 */
let api: Harness;
let clusterId: string;
let planId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = await seedDemoCluster(api);
  planId = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body.id;
}, 60000);
afterAll(() => api.close());

const simulateOn = (cluster: string, body: unknown, role: 'viewer' | null = 'viewer') =>
  api.call('POST', `/api/v1/clusters/${cluster}/simulate`, { role, body });

const incident = { from: 'orders-dev/orders-debug', to: 'postgres-prod/postgres', port: 5432 };

describe('POST /api/v1/clusters/{id}/simulate', () => {
  it('answers against the live policies: the flat network lets the incident through, and names the pods that stood for the workloads', async () => {
    const res = await simulateOn(clusterId, { probes: [incident] });
    expect(res.status).toBe(200);
    const [result] = res.body.results;
    expect(result).toMatchObject({ ...incident, protocol: 'TCP', allowed: true });
    expect(result.fromPod).toMatch(/^orders-dev\/orders-debug-/);
    expect(result.toPod).toMatch(/^postgres-prod\/postgres-/);
    expect(result.ingress.reason).toContain('not isolated');
  });

  it("answers against a plan's policies: the incident is dropped, an observed dependency stays allowed", async () => {
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
    // A call between two workloads of one namespace: no tier to cross, so the plan allows it.
    const workload = /^([a-z][a-z0-9-]*)\/[a-z][a-z0-9-]*$/;
    const observed = edges.find(
      (e: any) =>
        e.review !== 'rejected' &&
        e.protocol === 'TCP' &&
        workload.test(e.from) &&
        workload.test(e.to) &&
        e.from.split('/')[0] === e.to.split('/')[0],
    );
    expect(observed).toBeDefined();
    const dependency = { from: observed.from, to: observed.to, port: observed.port };
    const live = await simulateOn(clusterId, { probes: [incident, dependency] });
    const planned = await simulateOn(clusterId, { probes: [incident, dependency], planId });
    expect(planned.status).toBe(200);
    expect(live.body.results.map((r: any) => r.allowed)).toEqual([true, true]);
    expect(planned.body.results.map((r: any) => r.allowed)).toEqual([false, true]);
    expect(planned.body.results[0].ingress.reason).toMatch(/^dropped by postgres-prod\//);
  });

  it('takes pods by name and IP addresses as well as workloads', async () => {
    const fromPod = (await simulateOn(clusterId, { probes: [incident] })).body.results[0].fromPod;
    const res = await simulateOn(clusterId, {
      probes: [
        { ...incident, from: fromPod },
        { ...incident, from: '203.0.113.7' },
      ],
      planId,
    });
    expect(res.status).toBe(200);
    expect(res.body.results.map((r: any) => r.allowed)).toEqual([false, false]);
    expect(res.body.results[0].fromPod).toBeUndefined();
    expect(res.body.results[1].egress.reason).toBe('source 203.0.113.7 is outside the cluster: no egress policy applies');
  });

  it('refuses a probe naming nothing the cluster has, naming the field, with a 400', async () => {
    const res = await simulateOn(clusterId, { probes: [incident, { ...incident, to: 'postgres-prod/nope' }] });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 'simulate.invalid' });
    expect(res.body.problems).toEqual([
      { field: 'body.probes[1].to', reason: '"postgres-prod/nope" is neither a pod nor a workload of the inventory' },
    ]);
  });

  it('refuses a plan of another cluster or no plan at all with a 404 naming planId, and a malformed one with a 400', async () => {
    const other = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'other-cluster' } })).body;
    const ofAnother = await simulateOn(other.id, { probes: [], planId });
    expect(ofAnother.status).toBe(404);
    expect(ofAnother.body).toMatchObject({ code: 'plan.not_found', problems: [{ field: 'body.planId' }] });
    const unknown = await simulateOn(clusterId, { probes: [], planId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.status).toBe(404);
    expect(unknown.body.problems[0].field).toBe('body.planId');
    const malformed = await simulateOn(clusterId, { probes: [], planId: 'v1' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.problems[0].field).toBe('body.planId');
  });

  it('answers 404 for an unknown cluster, 401 without a token', async () => {
    expect((await simulateOn('00000000-0000-4000-8000-000000000000', { probes: [] })).status).toBe(404);
    const anonymous = await simulateOn(clusterId, { probes: [incident] }, null);
    expect(anonymous.status).toBe(401);
  });
});

/** The built CLI (bin/bulkhead.js, after `npm run build`) in a process of its own, against the running API. */
function bulkhead(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['bin/bulkhead.js', ...args], {
      cwd: join(__dirname, '..', '..'),
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

describe('bulkhead simulate --api URL --cluster ID [--plan ID]', () => {
  let dir: string;
  let probes: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulkhead-cli-simulate-'));
    probes = join(dir, 'probes.json');
    writeFileSync(probes, JSON.stringify({ probes: [incident] }));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("prints the API's answer, live and under a plan, the token from BULKHEAD_TOKEN or --token", async () => {
    const live = await bulkhead(['simulate', '--api', api.url, '--cluster', clusterId, probes], { BULKHEAD_TOKEN: api.tokens.viewer });
    expect(live.err).toBe('');
    expect(live.code).toBe(0);
    expect(JSON.parse(live.out)).toEqual((await simulateOn(clusterId, { probes: [incident] })).body);
    const planned = await bulkhead([
      'simulate',
      '--api',
      api.url,
      '--cluster',
      clusterId,
      '--plan',
      planId,
      '--token',
      api.tokens.viewer,
      probes,
    ]);
    expect(planned.code).toBe(0);
    expect(JSON.parse(planned.out).results[0]).toMatchObject({ ...incident, allowed: false });
  });

  it('says why on stderr and exits non-zero: a refused probe, a plan of no cluster, a bad token, no token', async () => {
    const badProbe = join(dir, 'bad-probe.yaml');
    writeFileSync(badProbe, 'probes:\n  - { from: orders-dev/orders-debug, to: postgres-prod/nope, port: 5432 }\n');
    const token = { BULKHEAD_TOKEN: api.tokens.viewer };
    const refused = await bulkhead(['simulate', '--api', api.url, '--cluster', clusterId, badProbe], token);
    expect(refused.code).toBe(1);
    expect(refused.out).toBe('');
    expect(refused.err).toContain('answered 400 simulate.invalid');
    expect(refused.err).toContain('body.probes[0].to: "postgres-prod/nope" is neither a pod nor a workload of the inventory');

    const noPlan = await bulkhead(
      ['simulate', '--api', api.url, '--cluster', clusterId, '--plan', '00000000-0000-4000-8000-000000000000', probes],
      token,
    );
    expect(noPlan.code).toBe(1);
    expect(noPlan.err).toContain('body.planId');

    const badToken = await bulkhead(['simulate', '--api', api.url, '--cluster', clusterId, '--token', 'bh_not-a-token', probes]);
    expect(badToken.code).toBe(1);
    expect(badToken.err).toContain('answered 401');

    const noToken = await bulkhead(['simulate', '--api', api.url, '--cluster', clusterId, probes]);
    expect(noToken.code).toBe(2);
    expect(noToken.err).toContain('--api needs a token: --token TOKEN or the environment variable BULKHEAD_TOKEN');
  });

  it('refuses a file that holds more than probes, and options that need --api without it', async () => {
    const withSnapshot = join(dir, 'with-snapshot.json');
    writeFileSync(withSnapshot, JSON.stringify({ snapshot: { kind: 'List', items: [] }, probes: [incident] }));
    const token = { BULKHEAD_TOKEN: api.tokens.viewer };
    const extra = await bulkhead(['simulate', '--api', api.url, '--cluster', clusterId, withSnapshot], token);
    expect(extra.code).toBe(2);
    expect(extra.err).toContain('snapshot is not read with --api: only probes are');
    const noApi = await bulkhead(['simulate', '--cluster', clusterId, probes]);
    expect(noApi.code).toBe(2);
    expect(noApi.err).toContain('--cluster needs --api');
  });
});
