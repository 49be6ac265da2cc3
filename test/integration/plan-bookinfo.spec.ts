// The published kind + bookinfo Hubble capture through the API: the snapshot uploaded, the capture imported by
// the worker, a plan made from the map. reviews-v1 stays closed to ratings while v2 and v3 reach it, the collector
// reaches the Hubble server on its node on 4244 and nothing else there, every observed dependency stays open and
// nothing else is (the engine on the plan's policies), and the plan's own
// lint finds no duplicate or shadowed rule and no workload it cannot tell apart.
import { importFlowText } from '@bulkhead/flows';
import { buildInventory, snapshotFromDocuments, type NetworkPolicy } from '@bulkhead/netpol';
import type { Plan, PlanEdge } from '@bulkhead/plan';
import { kindBookinfoSnapshot, readSample } from '../fixtures/flows/samples';
import { BOOKINFO_CAPTURE, collectorNodeTraffic, SELF_INFLICTED_FINDINGS, reviewsToRatings } from '../support/plan/bookinfo-plan';
import { checkPlanProperties } from '../support/plan/plan-properties';
import { type Harness, startApi } from './support/harness';

let api: Harness;
let clusterId: string;
const snapshot = kindBookinfoSnapshot();
const inventory = buildInventory(snapshotFromDocuments([snapshot]));

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'kind-bookinfo', cni: 'cilium' } })).body.id;
  const put = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { role: 'operator', body: snapshot });
  expect(put.status).toBe(200);
}, 60000);
afterAll(() => api.close());

describe('a plan of the bookinfo capture, through the API', () => {
  let plan: { policies: NetworkPolicy[]; report: { plan: { findings: { rule: string }[] } } };

  it('imports each file of the capture, every flow attributed', async () => {
    for (const sample of BOOKINFO_CAPTURE) {
      const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=${sample}`, {
        role: 'operator',
        raw: readSample(sample),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(upload.status).toBe(202);
      const done = await api.waitFor(
        () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' }),
        (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
      );
      expect(done.body).toMatchObject({ status: 'succeeded', format: 'hubble' });
      expect(done.body.progress.flowsAttributed).toBe(done.body.progress.flowsParsed);
    }
    const made = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' });
    expect(made.status).toBe(201);
    plan = made.body;
  });

  it('opens ratings to reviews-v2 and reviews-v3 only', () => {
    expect(reviewsToRatings(inventory, plan.policies)).toEqual({ 'reviews-v1': false, 'reviews-v2': true, 'reviews-v3': true });
  });

  it("allows the collector's node traffic on 4244 only, to its node only", () => {
    expect(collectorNodeTraffic(inventory, plan.policies)).toEqual({
      reaches: { 'its node on 4244': true, 'its node on 10250': false, 'another address on 4244': false },
      egressToTheNode: ['kube-system/bulkhead-otelcol-hubble-collector-node-traffic'],
    });
  });

  it('keeps every observed dependency open and allows nothing else', () => {
    const edges: PlanEdge[] = BOOKINFO_CAPTURE.flatMap((sample) =>
      importFlowText(readSample(sample), inventory).edges.map((e) => ({
        src: e.src.key,
        dst: e.dst.key,
        port: e.port,
        protocol: e.protocol,
        connections: e.connections,
      })),
    );
    const report = checkPlanProperties(inventory, { policies: plan.policies, blocked: [] } as unknown as Plan, edges);
    expect(report).toEqual({ brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] });
  });

  it('finds no duplicate or shadowed rule in its own output, and no workload it cannot tell apart', () => {
    expect(plan.report.plan.findings.filter((finding) => SELF_INFLICTED_FINDINGS.includes(finding.rule))).toEqual([]);
  });
});
