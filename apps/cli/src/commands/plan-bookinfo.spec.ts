// `bulkhead plan` on the published kind + bookinfo Hubble capture: reviews-v1, v2 and v3 share `app: reviews`
// and differ by `version`; only v2 and v3 call ratings. The plan keeps every observed dependency open and
// v1 closed to ratings, and the collector's calls to the Hubble server on its node open on 4244 to that node only,
// as the engine evaluates the printed policies, and lints its own output clean. Without the Nodes in the snapshot,
// it warns that those calls stay closed and says to add the Nodes.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { importFlowText } from '@bulkhead/flows';
import { buildInventory, parseDocuments, snapshotFromDocuments, type NetworkPolicy } from '@bulkhead/netpol';
import type { Plan, PlanEdge } from '@bulkhead/plan';
import { kindBookinfoSnapshot, readSample } from '../../../../test/fixtures/flows/samples';
import {
  BOOKINFO_CAPTURE,
  collectorNodeTraffic,
  SELF_INFLICTED_FINDINGS,
  reviewsToRatings,
} from '../../../../test/support/plan/bookinfo-plan';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import { planCommand } from './plan';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-plan-bookinfo-'));
const snapshotFile = join(dir, 'snapshot.json');
const snapshotWithoutNodesFile = join(dir, 'snapshot-without-nodes.json');
const snapshot = kindBookinfoSnapshot();
writeFileSync(snapshotFile, JSON.stringify(snapshot));
writeFileSync(
  snapshotWithoutNodesFile,
  JSON.stringify({ ...snapshot, items: snapshot.items.filter((item) => (item as { kind: string }).kind !== 'Node') }),
);
const flowFiles = BOOKINFO_CAPTURE.map((sample) => join(__dirname, '../../../../test/fixtures/flows/samples', sample));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function plan(snapshotPath = snapshotFile) {
  let stdout = '';
  let stderr = '';
  const code = await planCommand.run(['--snapshot', snapshotPath, ...flowFiles.flatMap((file) => ['--flows', file])], {
    out: (text) => (stdout += `${text}\n`),
    err: (text) => (stderr += `${text}\n`),
    readFile: async (path) => readFileSync(path, 'utf8'),
    readStdin: async () => '',
    env: () => undefined,
  });
  return { code, policies: parseDocuments(stdout) as NetworkPolicy[], stderr };
}

describe('bulkhead plan on the bookinfo capture', () => {
  const inventory = buildInventory(snapshotFromDocuments([kindBookinfoSnapshot()]));

  it('opens ratings to reviews-v2 and reviews-v3 only', async () => {
    const { code, policies } = await plan();
    expect(code).toBe(0);
    expect(reviewsToRatings(inventory, policies)).toEqual({ 'reviews-v1': false, 'reviews-v2': true, 'reviews-v3': true });
  });

  it("allows the collector's node traffic on 4244 only, to its node only", async () => {
    const { policies, stderr } = await plan();
    expect(stderr).not.toContain('node-address-unknown');
    expect(collectorNodeTraffic(inventory, policies)).toEqual({
      reaches: { 'its node on 4244': true, 'its node on 10250': false, 'another address on 4244': false },
      egressToTheNode: ['kube-system/bulkhead-otelcol-hubble-collector-node-traffic'],
    });
  });

  it('keeps every observed dependency open and allows nothing else', async () => {
    const { policies } = await plan();
    const edges: PlanEdge[] = BOOKINFO_CAPTURE.flatMap((sample) =>
      importFlowText(readSample(sample), inventory).edges.map((e) => ({
        src: e.src.key,
        dst: e.dst.key,
        port: e.port,
        protocol: e.protocol,
        connections: e.connections,
      })),
    );
    expect(edges.filter((e) => e.src.startsWith('workload:') && e.dst.startsWith('workload:')).length).toBeGreaterThanOrEqual(9);
    const report = checkPlanProperties(inventory, { policies, blocked: [] } as unknown as Plan, edges);
    expect(report).toEqual({ brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] });
  });

  it('finds no duplicate or shadowed rule in its own output, and no workload it cannot tell apart', async () => {
    const { stderr } = await plan();
    expect(stderr).toMatch(/bulkhead plan: \d+ policies for 3 namespaces/);
    for (const rule of SELF_INFLICTED_FINDINGS) expect(stderr).not.toMatch(new RegExp(` ${rule} `));
  });

  it("without Nodes in the snapshot, warns that the collector's calls to its node on 4244 stay closed, and says how to fix it", async () => {
    const { code, stderr } = await plan(snapshotWithoutNodesFile);
    expect(code).toBe(0);
    const warning = stderr.split('\nwarning ').find((line) => line.includes('node-address-unknown'));
    expect(warning).toContain('Workload kube-system/otelcol-hubble-collector: egress to reserved:host');
    expect(warning).toContain('on 4244/TCP');
    expect(warning).toContain("fix: Add the cluster's Nodes to the snapshot (kubectl get nodes -o json) or sync the cluster");
  });
});
