import { importFlowText } from '@bulkhead/flows';
import { evaluateTraffic, type Inventory, type NetworkPolicy } from '@bulkhead/netpol';
import { kindBookinfoInventory, readSample, SAMPLE } from '../../../../test/fixtures/flows/samples';
import type { PlanEdge } from '../types';
import { generatePlan } from './generate-plan';

/**
 * Node traffic on the published bookinfo capture (Hubble, kind, 2021): the OpenTelemetry collector calls
 * the Hubble server on its node (172.19.0.3:4244), and the kubelet probes productpage, reviews-v2 and
 * jaeger from that node. The plan opens 4244 to that node only, and leaves the probes to the node.
 */

function bookinfoInventory(): Inventory {
  const input = kindBookinfoInventory();
  const namespaces = [...new Set(input.pods.map((p) => p.namespace))].sort();
  return {
    namespaces: namespaces.map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })),
    workloads: input.workloads.map((w) => ({
      ...w,
      ports: [],
      podCount: input.pods.filter((p) => p.namespace === w.namespace && p.workload.name === w.name).length,
    })),
    pods: input.pods.map((p) => ({ ...p, ports: [] })),
    policies: [],
    nodes: (input.nodes ?? []).map((n) => ({
      name: n.name,
      labels: {},
      addresses: n.addresses.map((a) => ({ type: 'InternalIP', address: a.address })),
    })),
  };
}

const inventory = bookinfoInventory();
const imported = importFlowText(readSample(SAMPLE.hubbleTcp400), kindBookinfoInventory());
const edges: PlanEdge[] = imported.edges.map((e) => ({
  src: e.src.key,
  dst: e.dst.key,
  port: e.port,
  protocol: e.protocol,
  connections: e.connections,
}));
const plan = generatePlan({ inventory, edges, cni: 'cilium' });

const COLLECTOR_POD = inventory.pods.find((p) => p.name === 'otelcol-hubble-collector-fwc6m')!;
const mentions = (policy: NetworkPolicy, cidr: string) => JSON.stringify(policy.spec).includes(`"${cidr}"`);

describe('node traffic on the bookinfo capture', () => {
  test("the collector's calls to the Hubble server become one egress to its node's address, on 4244 only", () => {
    const policy = plan.byNamespace['kube-system']!.find((p) => p.metadata.name === 'bulkhead-otelcol-hubble-collector-node-traffic')!;
    expect(policy.metadata.labels?.['bulkhead.io/purpose']).toBe('node-traffic');
    expect(policy.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '172.19.0.3/32' } }], ports: [{ protocol: 'TCP', port: 4244 }] }]);
    expect(policy.spec.ingress ?? []).toEqual([]);
    expect(plan.policies.filter((p) => mentions(p, '172.19.0.3/32')).map((p) => p.metadata.name)).toEqual([policy.metadata.name]);
  });

  test('checked by the engine: 4244 to its node is open, another port or another address is not', () => {
    const cluster = { namespaces: inventory.namespaces, pods: inventory.pods, policies: plan.policies };
    const reach = (ip: string, port: number) =>
      evaluateTraffic(cluster, { from: { pod: COLLECTOR_POD }, to: { ip }, port, protocol: 'TCP' }).allowed;
    expect(reach('172.19.0.3', 4244)).toBe(true);
    expect(reach('172.19.0.3', 10250)).toBe(false);
    expect(reach('172.19.0.2', 4244)).toBe(false);
  });

  test("the kubelet's health checks from the node are recognised and explained, not turned into a pod rule", () => {
    expect(plan.ignored.map((e) => `${e.key}: ${e.reason}`)).toEqual(
      expect.arrayContaining([
        'node:kind-control-plane|workload:bookinfo/productpage-v1|TCP|9080: node-traffic',
        'node:kind-control-plane|workload:bookinfo/reviews-v2|TCP|9080: node-traffic',
        'node:kind-control-plane|workload:jaeger/jaeger-default|TCP|14269: node-traffic',
      ]),
    );
    expect(plan.ignored.find((e) => e.key.endsWith('jaeger-default|TCP|14269'))!.message).toContain("kubelet's health checks");
    expect(plan.policies.filter((p) => p.metadata.namespace !== 'kube-system' && mentions(p, '172.19.0.3/32'))).toEqual([]);
  });

  test('the report says what Cilium does with node traffic', () => {
    const finding = plan.findings.find((f) => f.rule === 'node-traffic-cni')!;
    expect(finding.message).toContain('1 edge(s) with a node allowed by address');
    expect(finding.message).toContain('policy-cidr-match-mode: nodes');
  });

  test('switched off (options.nodeTraffic: false), the node traffic is blocked and named', () => {
    const off = generatePlan({ inventory, edges, cni: 'cilium', options: { nodeTraffic: false } });
    expect(off.policies.some((p) => p.metadata.name.endsWith('-node-traffic'))).toBe(false);
    expect(off.blocked.find((e) => e.key.includes('node:kind-control-plane|TCP|4244'))).toMatchObject({
      reason: 'switched-off',
      message: 'node traffic is switched off (options.nodeTraffic)',
    });
  });
});
