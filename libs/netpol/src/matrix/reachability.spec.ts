/**
 * The pod matrix over more classes than one 32-bit word holds: each row is built from ingress rows transposed
 * by 32x32 blocks, so sources and destinations in different words must land on the right bits. Every pod pair
 * on every port is checked against the plain evaluator.
 */
import { PlainEvaluator } from '../evaluation/evaluate';
import type { NetworkPolicy } from '../model/types';
import type { Inventory, InventoryPod } from '../snapshot/inventory';
import { buildEngine, type PortSpec } from './engine';

const NAMESPACES = 75;
const PORTS: PortSpec[] = [
  { port: 8080, protocol: 'TCP' },
  { port: 9090, protocol: 'TCP' },
];

/** Namespace n: ingress only from namespaces 7n and n-1 (mod 75) on 8080, egress only to n+1 and n+2: a one-way ring. */
function ringCluster(): Inventory {
  const name = (n: number) => `ns-${n % NAMESPACES}`;
  const namespaces = Array.from({ length: NAMESPACES }, (_, n) => ({ name: name(n), labels: { 'kubernetes.io/metadata.name': name(n) } }));
  const ports: InventoryPod['ports'] = [{ name: 'http', port: 8080, protocol: 'TCP' }];
  const pods: InventoryPod[] = namespaces.map((ns, n) => ({
    namespace: ns.name,
    name: 'app-0',
    labels: { app: 'app' },
    ips: [`10.0.0.${n + 1}`],
    phase: 'Running',
    workload: { kind: 'Deployment', name: 'app' },
    ports,
  }));
  const byName = (n: number) => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': name(n) } } });
  const policies: NetworkPolicy[] = namespaces.map((ns, n) => ({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { namespace: ns.name, name: 'ring' },
    spec: {
      podSelector: {},
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [byName(7 * n), byName(n + NAMESPACES - 1)], ports: [{ port: 'http' }] }],
      egress: [{ to: [byName(n + 1), byName(n + 2)] }],
    },
  }));
  const workloads = namespaces.map((ns) => ({
    namespace: ns.name,
    name: 'app',
    kind: 'Deployment',
    labels: { app: 'app' },
    ports,
    podCount: 1,
  }));
  return { namespaces, workloads, pods, policies };
}

describe('pod matrix across several words of classes', () => {
  test('every pod pair on every port agrees with the plain evaluator, and some pairs are allowed', () => {
    const cluster = ringCluster();
    const engine = buildEngine(cluster);
    expect(engine.stats.classes).toBeGreaterThan(64);
    const plain = new PlainEvaluator(cluster);
    const matrix = engine.podMatrix(PORTS);
    const disagreements: string[] = [];
    let allowed = 0;
    cluster.pods.forEach((from, i) =>
      cluster.pods.forEach((to, j) =>
        PORTS.forEach((port, p) => {
          const expected = plain.evaluate({ from: { pod: from }, to: { pod: to }, ...port }).allowed;
          if (expected) allowed++;
          if (matrix.allowed(i, j, p) !== expected) disagreements.push(`${from.namespace} -> ${to.namespace} ${port.port}`);
        }),
      ),
    );
    expect(disagreements).toEqual([]);
    expect(allowed).toBeGreaterThan(0);
  });
});
