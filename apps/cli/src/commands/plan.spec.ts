// `bulkhead plan` through the CLI: the demo snapshot and its Hubble flows written to temp files, and the
// spec's four properties checked on what the command prints (parsed back, evaluated by the engine).
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoCluster } from '@bulkhead/demo';
import { importFlowText } from '@bulkhead/flows';
import { buildInventory, parseDocuments, parseSnapshot, type NetworkPolicy } from '@bulkhead/netpol';
import type { Plan, PlanEdge } from '@bulkhead/plan';
import { checkPlanProperties } from '../../../../test/support/plan/plan-properties';
import type { CliIo } from '../command';
import { UsageError } from '../command';
import { planCommand } from './plan';

const dir = mkdtempSync(join(tmpdir(), 'bulkhead-plan-'));
const cluster = demoCluster({ start: new Date('2026-11-01T00:00:00Z') });
const snapshotFile = join(dir, 'snapshot.json');
const flowsFile = join(dir, 'flows.jsonl');
writeFileSync(snapshotFile, JSON.stringify(cluster.snapshot, null, 2));
writeFileSync(flowsFile, `${cluster.hubbleFlows.join('\n')}\n`);
const fixtures = join(__dirname, '../../../../test/fixtures');

function io(): CliIo & { stdout: string; stderr: string } {
  const captured = {
    stdout: '',
    stderr: '',
    out: (t: string) => (captured.stdout += t.endsWith('\n') ? t : `${t}\n`),
    err: (t: string) => (captured.stderr += t.endsWith('\n') ? t : `${t}\n`),
    readFile: async (path: string) => readFileSync(path, 'utf8'),
    readStdin: async () => '',
    env: () => undefined,
  };
  return captured;
}

async function run(...argv: string[]) {
  const c = io();
  const code = await planCommand.run(argv, c);
  return { code, stdout: c.stdout, stderr: c.stderr };
}

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('bulkhead plan', () => {
  const inventory = buildInventory(parseSnapshot(readFileSync(snapshotFile, 'utf8')));
  const edges: PlanEdge[] = importFlowText(cluster.hubbleFlows.join('\n'), inventory).edges.map((e) => ({
    src: e.src.key,
    dst: e.dst.key,
    port: e.port,
    protocol: e.protocol,
    connections: e.connections,
  }));
  const incident = `workload:${cluster.incident.from}|workload:${cluster.incident.to}|TCP|5432`;

  it('prints multi-document YAML whose policies satisfy the four properties', async () => {
    const { code, stdout, stderr } = await run('--snapshot', snapshotFile, '--flows', flowsFile);
    expect(code).toBe(0);
    const policies = parseDocuments(stdout) as NetworkPolicy[];
    expect(policies.length).toBeGreaterThan(31);
    expect(policies.every((p) => p.kind === 'NetworkPolicy' && p.apiVersion === 'networking.k8s.io/v1')).toBe(true);
    const pseudo = { policies, blocked: [{ key: incident }] } as unknown as Plan;
    const report = checkPlanProperties(inventory, pseudo, edges, {
      externalAddresses: { 'api.stripe.com': ['198.51.100.10', '198.51.100.11'], 'api.sendgrid.com': ['198.51.100.20'] },
      apiServer: ['10.0.0.10'],
    });
    expect(report).toEqual({ brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] });
    // findings as lines on stderr
    expect(stderr).toMatch(/warning +cross-tier-edge +Edge workload:orders-dev\/orders-debug/);
    expect(stderr).toMatch(/bulkhead plan: \d+ policies for 31 namespaces/);
  });

  it('is byte-identical from one run to the next (4th property)', async () => {
    const a = await run('--snapshot', snapshotFile, '--flows', flowsFile);
    const b = await run('--snapshot', snapshotFile, '--flows', flowsFile);
    expect(a.stdout).toBe(b.stdout);
    const ja = await run('--snapshot', snapshotFile, '--flows', flowsFile, '--format', 'json');
    const jb = await run('--snapshot', snapshotFile, '--flows', flowsFile, '--format', 'json');
    expect(ja.stdout).toBe(jb.stdout);
  });

  it('prints one List with --format json, the same policies as the YAML', async () => {
    const yaml = parseDocuments((await run('--snapshot', snapshotFile, '--flows', flowsFile)).stdout);
    const json = JSON.parse((await run('--snapshot', snapshotFile, '--flows', flowsFile, '--format', 'json')).stdout);
    expect(json.apiVersion).toBe('v1');
    expect(json.kind).toBe('List');
    expect(json.items).toEqual(yaml);
  });

  it('writes DIR/<namespace>.yaml and DIR/report.json with --out', async () => {
    const out = join(dir, 'out');
    const { code } = await run('--snapshot', snapshotFile, '--flows', flowsFile, '--out', out);
    expect(code).toBe(0);
    const files = readdirSync(out).sort();
    expect(files).toContain('report.json');
    expect(files).toContain('orders-prod.yaml');
    expect(files.filter((f) => f.endsWith('.yaml'))).toHaveLength(31);
    const nsPolicies = parseDocuments(readFileSync(join(out, 'orders-prod.yaml'), 'utf8')) as NetworkPolicy[];
    expect(nsPolicies.every((p) => p.metadata.namespace === 'orders-prod')).toBe(true);
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.findings.length).toBeGreaterThan(0);
    expect(report.unattributed.records).toBe(0);
    expect(report.impact.newlyBlocked.map((e: { key: string }) => e.key)).toEqual([incident]);
    expect(report.blastRadius.cluster.after.meanReachableWorkloads).toBeLessThan(report.blastRadius.cluster.before.meanReachableWorkloads);
    const ns = report.blastRadius.namespaces.find((n: { namespace: string }) => n.namespace === 'orders-dev');
    expect(ns.after.maxReachableWorkloads).toBeLessThan(ns.before.maxReachableWorkloads);
  });

  it('writes the cluster layer to DIR/cluster/<name>.yaml and stdout with --cni calico and its switches, and says why not on Cilium', async () => {
    const out = join(dir, 'guarded');
    const layer = ['--tier-isolation', '--baseline-default-deny', '--intra-tier-pass'];
    const { code, stdout } = await run('--snapshot', snapshotFile, '--flows', flowsFile, '--cni', 'calico', ...layer, '--out', out);
    expect(code).toBe(0);
    const printed = (parseDocuments(stdout) as { kind: string; metadata: { name: string } }[]).filter(
      (doc) => doc.kind === 'ClusterNetworkPolicy',
    );
    expect(printed.map((policy) => policy.metadata.name)).toContain('bulkhead-tier-isolation-dev');
    expect(readdirSync(join(out, 'cluster')).sort()).toEqual(printed.map((policy) => `${policy.metadata.name}.yaml`).sort());
    expect(parseDocuments(readFileSync(join(out, 'cluster', 'bulkhead-baseline-default-deny.yaml'), 'utf8'))).toEqual(
      printed.filter((policy) => policy.metadata.name === 'bulkhead-baseline-default-deny'),
    );
    const report = JSON.parse(readFileSync(join(out, 'report.json'), 'utf8'));
    expect(report.clusterLayer.every((piece: { included: boolean }) => piece.included)).toBe(true);

    const onCilium = await run('--snapshot', snapshotFile, '--flows', flowsFile, '--cni', 'cilium', '--tier-isolation');
    expect(onCilium.stdout).not.toContain('ClusterNetworkPolicy');
    expect(onCilium.stderr).toContain('cluster layer: tierIsolation left out: the CNI (cilium) does not implement ClusterNetworkPolicy');
  });

  it('reads an edge list, several --flows, and confirmations from --reviews', async () => {
    const reviews = join(dir, 'reviews.json');
    writeFileSync(
      reviews,
      JSON.stringify([{ src: 'workload:web/frontend', dst: 'workload:api/orders-api', port: 8080, protocol: 'TCP', review: 'confirmed' }]),
    );
    const snapshot = join(fixtures, 'small-snapshot.yaml');
    const flows = join(fixtures, 'plan/edge-list.json');
    const without = await run('--snapshot', snapshot, '--flows', flows, '--flows', join(fixtures, 'small-flows.hubble.jsonl'));
    expect(without.stderr).toMatch(/cross-tier-edge +Edge workload:web\/frontend\|workload:api\/orders-api/);
    const withReviews = await run('--snapshot', snapshot, '--flows', flows, '--reviews', reviews);
    expect(withReviews.code).toBe(0);
    expect(withReviews.stderr).not.toMatch(/cross-tier-edge/);
    const policies = parseDocuments(withReviews.stdout) as NetworkPolicy[];
    expect(
      policies.some(
        (p) =>
          p.metadata.namespace === 'api' &&
          p.metadata.name === 'bulkhead-orders-api-egress' &&
          JSON.stringify(p).includes('203.0.113.10/32'),
      ),
    ).toBe(true);
  });

  it('refuses bad usage and bad input', async () => {
    await expect(run('--flows', flowsFile)).rejects.toThrow(UsageError);
    await expect(run('--snapshot', snapshotFile)).rejects.toThrow(UsageError);
    await expect(run('--snapshot', snapshotFile, '--flows', flowsFile, '--format', 'xml')).rejects.toThrow(UsageError);
    const garbage = join(dir, 'garbage.txt');
    writeFileSync(garbage, 'this is not a flow log\n');
    const bad = await run('--snapshot', snapshotFile, '--flows', garbage);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/garbage\.txt/);
  });
});
