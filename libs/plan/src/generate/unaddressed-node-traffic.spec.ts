// Node traffic the plan cannot allow by address: a snapshot without Nodes leaves a workload's calls to its node
// as Hubble's `reserved:host`, a Node without addresses leaves them unaddressable. Either way default-deny egress
// closes them, so the plan warns, naming the workload and the ports; with the Node and its address, it allows them.
import { buildInventory, PlainEvaluator, snapshotFromDocuments } from '@bulkhead/netpol';
import { pod } from '../../../../test/support/plan/pod-document';
import type { PlanEdge } from '../types';
import { generatePlan } from './generate-plan';

const agentOn = (node: string) => {
  const document = pod('monitoring', 'agent', { app: 'agent' }, [{ containerPort: 8080 }], '10.244.0.5');
  return { ...document, spec: { ...document.spec, nodeName: node } };
};
const nodeDocument = (addresses: string[]) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name: 'w1' },
  status: { addresses: addresses.map((address) => ({ type: 'InternalIP', address })) },
});
const inventoryOf = (nodes: object[]) =>
  buildInventory(
    snapshotFromDocuments([
      {
        apiVersion: 'v1',
        kind: 'List',
        items: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } }, ...nodes, agentOn('w1')],
      },
    ]),
  );
const edge = (src: string, dst: string, port: number): PlanEdge => ({ src, dst, port, protocol: 'TCP', connections: 6 });
const nodeAddressUnknown = (plan: ReturnType<typeof generatePlan>) => plan.findings.filter((f) => f.rule === 'node-address-unknown');

describe('node traffic without a node address', () => {
  test('no Nodes in the snapshot: the calls to reserved:host are named as a warning with their workload and ports', () => {
    const plan = generatePlan({
      inventory: inventoryOf([]),
      edges: [
        edge('workload:monitoring/agent', 'reserved:host', 4244),
        edge('workload:monitoring/agent', 'reserved:host', 10250),
        edge('reserved:host', 'workload:monitoring/agent', 8080),
      ],
    });
    expect(nodeAddressUnknown(plan)).toEqual([
      {
        rule: 'node-address-unknown',
        severity: 'warning',
        object: 'Workload monitoring/agent',
        message:
          'egress to reserved:host, a node the inventory does not name, on 10250/TCP, 4244/TCP: observed, but without the ' +
          "node's address no node-traffic ipBlock can allow it, so default-deny would close it",
        fix: "Add the cluster's Nodes to the snapshot (kubectl get nodes -o json) or sync the cluster, then re-plan.",
      },
    ]);
    expect(plan.policies.some((p) => p.metadata.name.endsWith('-node-traffic'))).toBe(false);
  });

  test('a Node without addresses: the warning names the node', () => {
    const plan = generatePlan({ inventory: inventoryOf([nodeDocument([])]), edges: [edge('workload:monitoring/agent', 'node:w1', 4244)] });
    expect(nodeAddressUnknown(plan).map((f) => f.message)).toEqual([
      expect.stringMatching(/^egress to node w1, which has no address in the inventory, on 4244\/TCP: observed/),
    ]);
  });

  test("the kubelet's health checks from reserved:host alone make no warning", () => {
    const plan = generatePlan({ inventory: inventoryOf([]), edges: [edge('reserved:host', 'workload:monitoring/agent', 8080)] });
    expect(nodeAddressUnknown(plan)).toEqual([]);
  });

  test('with the Node and its address: no warning, and an ipBlock egress to the node on the observed port', () => {
    const inventory = inventoryOf([nodeDocument(['10.1.0.7'])]);
    const plan = generatePlan({ inventory, edges: [edge('workload:monitoring/agent', 'node:w1', 4244)] });
    expect(nodeAddressUnknown(plan)).toEqual([]);
    const policy = plan.policies.find((p) => p.metadata.name === 'bulkhead-agent-node-traffic');
    expect(policy?.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '10.1.0.7/32' } }], ports: [{ protocol: 'TCP', port: 4244 }] }]);
    const agent = inventory.pods.find((p) => p.name === 'agent')!;
    const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies: plan.policies });
    expect(evaluator.evaluate({ from: { pod: agent }, to: { ip: '10.1.0.7' }, port: 4244, protocol: 'TCP' }).allowed).toBe(true);
  });
});
