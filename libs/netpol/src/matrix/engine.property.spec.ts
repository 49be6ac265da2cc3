/**
 * Property: on random clusters, the indexed engine (equivalence classes, bit sets) agrees with the plain
 * per-pair evaluator on every pod pair and port, for the matrix and for single probes with explanations.
 * The clusters mix NetworkPolicies with ClusterNetworkPolicies of both tiers (every action, peer and protocol
 * kind, nodes included).
 */
import fc from 'fast-check';
import { PlainEvaluator } from '../evaluation/evaluate';
import type { Traffic } from '../evaluation/types';
import type { ClusterNetworkPolicy, ClusterPolicyPeer, ClusterPolicyProtocol } from '../model/cluster-policy';
import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, Protocol } from '../model/types';
import { validateClusterPolicy } from '../validation/validate-cluster-policy';
import type { Inventory, InventoryPod } from '../snapshot/inventory';
import { buildEngine, type PortSpec } from './engine';
import { validateNetworkPolicy } from '../validation/validate';
import { propertyRuns } from '../../../../test/support/property-runs';

const NS = ['n0', 'n1', 'n2'];
const PORTS: PortSpec[] = [
  { port: 80, protocol: 'TCP' },
  { port: 81, protocol: 'TCP' },
  { port: 8080, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
  { port: 80, protocol: 'SCTP' },
];
const CONTAINER_PORTS = [
  { name: 'http', port: 80, protocol: 'TCP' as Protocol },
  { name: 'http', port: 8080, protocol: 'TCP' as Protocol },
  { name: 'dns', port: 53, protocol: 'UDP' as Protocol },
  { name: 'alt', port: 81, protocol: 'TCP' as Protocol },
  { name: 'http', port: 80, protocol: 'SCTP' as Protocol },
];

const labelsArb = (keys: Record<string, string[]>) =>
  fc.record(Object.fromEntries(Object.entries(keys).map(([k, values]) => [k, fc.constantFrom(...values)])), {
    requiredKeys: [],
  }) as fc.Arbitrary<Record<string, string>>;
const podLabels = labelsArb({ app: ['a', 'b', 'c'], tier: ['web', 'db'] });
const nsLabels = labelsArb({ env: ['prod', 'dev'], team: ['t1', 't2'] });

const selectorArb = (keys: Record<string, string[]>): fc.Arbitrary<LabelSelector> => {
  const keyAndValues = fc.constantFrom(...Object.entries(keys));
  const requirement = keyAndValues.chain(([k, values]) =>
    fc.oneof(
      fc.record({
        key: fc.constant(k),
        operator: fc.constantFrom('In', 'NotIn'),
        values: fc.uniqueArray(fc.constantFrom(...values), { minLength: 1 }),
      }),
      fc.record({ key: fc.constant(k), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
    ),
  );
  return fc.record({ matchLabels: labelsArb(keys), matchExpressions: fc.array(requirement, { maxLength: 2 }) }, { requiredKeys: [] });
};

const CIDRS = ['10.0.0.0/24', '10.0.0.0/30', '10.0.0.4/30', '0.0.0.0/0', '10.0.0.2/32', '192.168.0.0/16'];
const ipBlockArb: fc.Arbitrary<NetworkPolicyPeer> = fc.constantFrom(...CIDRS).chain((cidr) => {
  const excepts: Record<string, string[]> = {
    '10.0.0.0/24': ['10.0.0.0/30', '10.0.0.5/32', '10.0.0.128/25'],
    '10.0.0.0/30': ['10.0.0.1/32'],
    '0.0.0.0/0': ['10.0.0.0/8', '10.0.0.0/30'],
  };
  return fc.record({
    ipBlock: fc.record({ cidr: fc.constant(cidr), except: fc.subarray(excepts[cidr] ?? []) }, { requiredKeys: ['cidr'] }),
  });
});
const peerArb: fc.Arbitrary<NetworkPolicyPeer> = fc.oneof(
  fc
    .record(
      {
        podSelector: selectorArb({ app: ['a', 'b', 'c'], tier: ['web', 'db'] }),
        namespaceSelector: selectorArb({ env: ['prod', 'dev'], team: ['t1', 't2'], 'kubernetes.io/metadata.name': NS }),
      },
      { requiredKeys: [] },
    )
    .filter((p) => p.podSelector !== undefined || p.namespaceSelector !== undefined),
  ipBlockArb,
);
const portArb: fc.Arbitrary<NetworkPolicyPort> = fc.oneof(
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP') }, { requiredKeys: [] }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP', 'SCTP'), port: fc.constantFrom(53, 80, 81, 8080) }, { requiredKeys: ['port'] }),
  fc.record({ protocol: fc.constantFrom('TCP', 'UDP'), port: fc.constantFrom('http', 'dns', 'alt', 'none') }, { requiredKeys: ['port'] }),
  fc.constantFrom(53, 80, 81).chain((port) => fc.record({ port: fc.constant(port), endPort: fc.integer({ min: port, max: 8080 }) })),
);
const rulesArb = (peerField: 'from' | 'to') =>
  fc.option(
    fc.array(
      fc.record({ [peerField]: fc.array(peerArb, { maxLength: 3 }), ports: fc.array(portArb, { maxLength: 3 }) }, { requiredKeys: [] }),
      { maxLength: 3 },
    ),
    { nil: undefined },
  );
const policyArb = fc.record({
  namespace: fc.constantFrom(...NS),
  podSelector: selectorArb({ app: ['a', 'b', 'c'], tier: ['web', 'db'] }),
  policyTypes: fc.option(fc.subarray(['Ingress', 'Egress']), { nil: undefined }),
  ingress: rulesArb('from'),
  egress: rulesArb('to'),
});

const POD_SELECTOR_KEYS = { app: ['a', 'b', 'c'], tier: ['web', 'db'] };
const NS_SELECTOR_KEYS = { env: ['prod', 'dev'], team: ['t1', 't2'], 'kubernetes.io/metadata.name': NS };
const namespacedPodsArb = fc.record(
  { namespaceSelector: selectorArb(NS_SELECTOR_KEYS), podSelector: selectorArb(POD_SELECTOR_KEYS) },
  { requiredKeys: ['podSelector'] },
);
const inClusterPeerArb: fc.Arbitrary<ClusterPolicyPeer> = fc.oneof(
  fc.record({ namespaces: selectorArb(NS_SELECTOR_KEYS) }),
  fc.record({ pods: namespacedPodsArb }),
);
const addressPeerArb: fc.Arbitrary<ClusterPolicyPeer> = fc.oneof(
  fc.record({ networks: fc.uniqueArray(fc.constantFrom(...CIDRS), { minLength: 1, maxLength: 2 }) }),
  fc.record({ nodes: selectorArb({ role: ['worker', 'edge'] }) }),
);
const destinationPortArb = fc.oneof(
  fc.record({ number: fc.constantFrom(53, 80, 81, 8080) }),
  fc
    .constantFrom(53, 80)
    .chain((start) => fc.record({ range: fc.record({ start: fc.constant(start), end: fc.integer({ min: start + 1, max: 8080 }) }) })),
);
const protocolArb = (named: boolean): fc.Arbitrary<ClusterPolicyProtocol> =>
  fc.oneof(
    ...(['tcp', 'udp', 'sctp'] as const).map((key) => destinationPortArb.map((destinationPort) => ({ [key]: { destinationPort } }))),
    ...(named ? [fc.record({ destinationNamedPort: fc.constantFrom('http', 'dns', 'alt') })] : []),
  );
const clusterRuleArb = (direction: 'ingress' | 'egress') =>
  fc.boolean().chain((byAddress) => {
    const inEgress = direction === 'egress';
    const peers =
      inEgress && byAddress
        ? fc.array(fc.oneof(addressPeerArb, inClusterPeerArb), { minLength: 1, maxLength: 2 })
        : fc.array(inClusterPeerArb, { minLength: 1, maxLength: 2 });
    return fc.record(
      {
        name: fc.constantFrom('r1', 'r2', 'no-dev-to-prod'),
        action: fc.constantFrom('Accept', 'Deny', 'Pass'),
        peers,
        protocols: fc.array(protocolArb(!(inEgress && byAddress)), { minLength: 1, maxLength: 2 }),
      },
      { requiredKeys: ['action', 'peers'] },
    );
  });
const domainRuleArb = fc.record({
  action: fc.constant('Accept' as const),
  to: fc.constant([{ domainNames: ['*.example.com'] }] as ClusterPolicyPeer[]),
});
const clusterPolicyArb = fc.record({
  tier: fc.constantFrom('Admin', 'Baseline'),
  priority: fc.integer({ min: 0, max: 3 }),
  subject: fc.oneof(fc.record({ namespaces: selectorArb(NS_SELECTOR_KEYS) }), fc.record({ pods: namespacedPodsArb })),
  ingress: fc.array(clusterRuleArb('ingress'), { maxLength: 3 }),
  egress: fc.array(fc.oneof({ weight: 6, arbitrary: clusterRuleArb('egress') }, { weight: 1, arbitrary: domainRuleArb }), { maxLength: 3 }),
});
type ClusterPolicyDraft = typeof clusterPolicyArb extends fc.Arbitrary<infer Draft> ? Draft : never;
type ClusterRuleDraft = {
  name?: string;
  action: string;
  peers?: ClusterPolicyPeer[];
  to?: ClusterPolicyPeer[];
  protocols?: ClusterPolicyProtocol[];
};
const clusterPolicyOf = (p: ClusterPolicyDraft, i: number): ClusterNetworkPolicy => {
  const rules = (list: readonly ClusterRuleDraft[], field: 'from' | 'to') =>
    list.map(({ peers, to, ...rule }) => ({ ...rule, [field]: to ?? peers })) as never;
  return {
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    kind: 'ClusterNetworkPolicy',
    metadata: { name: `cnp${i}` },
    spec: {
      tier: p.tier,
      priority: p.priority,
      subject: p.subject,
      ...(p.ingress.length > 0 ? { ingress: rules(p.ingress, 'from') } : {}),
      ...(p.egress.length > 0 ? { egress: rules(p.egress, 'to') } : {}),
    },
  };
};
const NODES = [
  {
    name: 'node-1',
    labels: { role: 'worker' },
    addresses: [
      { type: 'InternalIP' as const, address: '10.0.0.1' },
      { type: 'ExternalIP' as const, address: '192.168.1.1' },
    ],
  },
  { name: 'node-2', labels: { role: 'edge' }, addresses: [{ type: 'InternalIP' as const, address: '10.0.0.2' }] },
];

const clusterArb: fc.Arbitrary<Inventory> = fc
  .record({
    namespaces: fc.array(nsLabels, { minLength: NS.length, maxLength: NS.length }),
    pods: fc.array(
      fc.record({
        ns: fc.constantFrom(...NS),
        labels: podLabels,
        hasIp: fc.boolean(),
        ip: fc.integer({ min: 1, max: 9 }),
        running: fc.boolean(),
        hostNetwork: fc.boolean(),
        ports: fc.subarray(CONTAINER_PORTS),
      }),
      { minLength: 1, maxLength: 8 },
    ),
    policies: fc.array(policyArb, { maxLength: 5 }),
    clusterPolicies: fc.array(clusterPolicyArb, { maxLength: 4 }),
  })
  .map(({ namespaces, pods, policies, clusterPolicies }) => {
    const inventoryPods: InventoryPod[] = pods.map((p, i) => ({
      namespace: p.ns,
      name: `p${i}`,
      labels: p.labels,
      // IPs may repeat: a terminated pod keeps an address a running pod now holds.
      ips: p.hasIp ? [`10.0.0.${p.ip}`] : [],
      phase: p.running ? 'Running' : 'Succeeded',
      ...(p.hostNetwork ? { hostNetwork: true } : {}),
      workload: { kind: 'Deployment', name: `w${i % 3}` },
      ports: p.ports,
    }));
    const netpols: NetworkPolicy[] = policies.map((p, i) => ({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: p.namespace, name: `np${i}` },
      spec: {
        podSelector: p.podSelector,
        ...(p.policyTypes ? { policyTypes: p.policyTypes } : {}),
        ...(p.ingress ? { ingress: p.ingress } : {}),
        ...(p.egress ? { egress: p.egress } : {}),
      },
    }));
    return {
      namespaces: NS.map((name, i) => ({ name, labels: { ...namespaces[i], 'kubernetes.io/metadata.name': name } })),
      workloads: [],
      pods: inventoryPods,
      policies: netpols,
      clusterPolicies: clusterPolicies.map(clusterPolicyOf),
      nodes: NODES,
    };
  });

describe('the indexed engine agrees with the plain evaluator', () => {
  test('generated policies are valid (so the property covers what the API server accepts)', () => {
    fc.assert(
      fc.property(
        clusterArb,
        (cluster) =>
          cluster.policies.every((p) => validateNetworkPolicy(p).length === 0) &&
          (cluster.clusterPolicies ?? []).every((p) => validateClusterPolicy(p).length === 0),
      ),
      { numRuns: propertyRuns(200) },
    );
  });

  test('pod matrix: every pod pair on every port', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const engine = buildEngine(cluster);
        const plain = new PlainEvaluator(cluster);
        const matrix = engine.podMatrix(PORTS);
        cluster.pods.forEach((from, i) =>
          cluster.pods.forEach((to, j) =>
            PORTS.forEach((port, p) => {
              const expected = plain.evaluate({ from: { pod: from }, to: { pod: to }, ...port }).allowed;
              if (matrix.allowed(i, j, p) !== expected) {
                throw new Error(
                  `${from.namespace}/${from.name} -> ${to.namespace}/${to.name} ${port.port}/${port.protocol}: matrix ${!expected}, plain ${expected}`,
                );
              }
            }),
          ),
        );
      }),
      { numRuns: propertyRuns(400) },
    );
  });

  test('single probes: same verdict and explanation, pods and external IPs', () => {
    fc.assert(
      fc.property(clusterArb, fc.constantFrom('10.0.0.2', '10.0.0.200', '192.168.1.1', '8.8.8.8'), (cluster, ip) => {
        const engine = buildEngine(cluster);
        const plain = new PlainEvaluator(cluster);
        const probes: Traffic[] = [];
        for (const from of cluster.pods) {
          for (const port of PORTS) {
            probes.push({ from: { pod: from }, to: { ip }, ...port }, { from: { ip }, to: { pod: from }, ...port });
            for (const to of cluster.pods) probes.push({ from: { pod: from }, to: { pod: to }, ...port });
          }
        }
        for (const probe of probes) expect(engine.evaluate(probe)).toEqual(plain.evaluate(probe));
      }),
      { numRuns: propertyRuns(200) },
    );
  });

  test('workload matrix: a cell is allowed, denied or partial exactly as its pod pairs are', () => {
    fc.assert(
      fc.property(clusterArb, (cluster) => {
        const engine = buildEngine(cluster);
        const { pods, workloads } = engine.matrix(PORTS);
        workloads.workloads.forEach((a, wa) =>
          workloads.workloads.forEach((b, wb) =>
            PORTS.forEach((_, p) => {
              const verdicts = new Set<boolean>();
              cluster.pods.forEach((from, i) => {
                if (from.namespace !== a.namespace || from.workload.name !== a.name) return;
                cluster.pods.forEach((to, j) => {
                  if (to.namespace === b.namespace && to.workload.name === b.name) verdicts.add(pods.allowed(i, j, p));
                });
              });
              const expected = verdicts.size === 2 ? 2 : verdicts.has(true) ? 1 : 0;
              expect(workloads.get(wa, wb, p)).toBe(expected);
            }),
          ),
        );
      }),
      { numRuns: propertyRuns(200) },
    );
  });
});
