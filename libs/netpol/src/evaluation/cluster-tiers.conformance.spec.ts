/**
 * The upstream network-policy-api conformance scenarios (conformance/tests: CNPAdminTierGress, CNPBaselineTierGress,
 * CNPAdminTierPriorityField, CNPAdminTierIntegration), re-expressed as tables on the engine. The cluster is the
 * suite's base: four houses, each a namespace labelled `conformance-house` with a two-pod StatefulSet serving TCP 80
 * and 8080, UDP 53 and 5353, SCTP 9003 and 9005. Each step applies the suite's policy edits (swapped rules, a new
 * priority, a Pass, a deleted NetworkPolicy) and every probe must reach the verdict the suite asserts, in the plain
 * evaluator, in the fast engine's probes and in its pod matrix.
 */
import type { ClusterPolicyEgressRule, ClusterPolicyIngressRule, ClusterPolicyPeer, ClusterPolicyProtocol } from '../model/cluster-policy';
import type { Protocol } from '../model/types';
import { buildEngine } from '../matrix/engine';
import { simulate } from '../simulate/simulate';
import { buildInventory } from '../snapshot/inventory';
import { snapshotFromDocuments } from '../snapshot/parse';
import { assertValidClusterPolicies } from '../validation/validate-cluster-policy';
import { PlainEvaluator } from './evaluate';
import { explainDirection } from './types';

const HOUSES = { gryffindor: 'harry-potter', slytherin: 'draco-malfoy', hufflepuff: 'cedric-diggory', ravenclaw: 'luna-lovegood' } as const;
type House = keyof typeof HOUSES;
const SERVED: [number, Protocol][] = [
  [80, 'TCP'],
  [8080, 'TCP'],
  [53, 'UDP'],
  [5353, 'UDP'],
  [9003, 'SCTP'],
  [9005, 'SCTP'],
];
const namespaceOf = (house: House) => `network-policy-conformance-${house}`;

function baseCluster(): unknown[] {
  const items: unknown[] = [];
  Object.entries(HOUSES).forEach(([house, set], h) => {
    const namespace = namespaceOf(house as House);
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'conformance-house': house } } });
    for (let replica = 0; replica < 2; replica++) {
      items.push({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { namespace, name: `${set}-${replica}`, labels: { 'conformance-house': house } },
        spec: { containers: SERVED.map(([port, protocol]) => ({ name: `${set}-${port}`, ports: [{ containerPort: port, protocol }] })) },
        status: { phase: 'Running', podIP: `10.244.${h}.${replica + 10}` },
      });
    }
  });
  return items;
}

const house = (name: House): ClusterPolicyPeer => ({ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': namespaceOf(name) } } });
const ports = (tcp: number, udp: number, sctp: number): ClusterPolicyProtocol[] => [
  { tcp: { destinationPort: { number: tcp } } },
  { udp: { destinationPort: { number: udp } } },
  { sctp: { destinationPort: { number: sctp } } },
];
type Rule = { name: string; action: 'Accept' | 'Deny' | 'Pass'; peer: ClusterPolicyPeer; protocols?: ClusterPolicyProtocol[] };
const egressRules = (rules: Rule[]): ClusterPolicyEgressRule[] =>
  rules.map(({ peer, ...rule }) => ({ ...rule, name: rule.name.replace('{dir}', 'to'), to: [peer] }));
const ingressRules = (rules: Rule[]): ClusterPolicyIngressRule[] =>
  rules.map(({ peer, ...rule }) => ({ ...rule, name: rule.name.replace('{dir}', 'from'), from: [peer] }));
const cnp = (name: string, tier: 'Admin' | 'Baseline', priority: number, subject: object, ingress: Rule[], egress: Rule[]) => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name },
  spec: { tier, priority, subject, ingress: ingressRules(ingress), egress: egressRules(egress) },
});
const swap = <T>(list: T[], a: number, b: number): T[] => {
  const copy = [...list];
  [copy[a], copy[b]] = [copy[b]!, copy[a]!];
  return copy;
};

/** standard-gress-rules-combined.yaml: Admin has every action; Baseline has Accept and Deny. */
function gressRules(tier: 'Admin' | 'Baseline', reorder: (rules: Rule[]) => Rule[] = (rules) => rules) {
  const subject = { namespaces: { matchLabels: { 'kubernetes.io/metadata.name': namespaceOf('gryffindor') } } };
  const rules = (hufflepuffTcp: number, pass: boolean): Rule[] => [
    { name: 'allow-{dir}-ravenclaw-everything', action: 'Accept', peer: house('ravenclaw') },
    { name: 'deny-{dir}-ravenclaw-everything', action: 'Deny', peer: house('ravenclaw') },
    ...(pass ? [{ name: 'pass-{dir}-ravenclaw-everything', action: 'Pass' as const, peer: house('ravenclaw') }] : []),
    { name: 'deny-{dir}-slytherin-at-ports-80-53-9003', action: 'Deny', peer: house('slytherin'), protocols: ports(80, 53, 9003) },
    ...(pass
      ? [
          {
            name: 'pass-{dir}-slytherin-at-port-80-53-9003',
            action: 'Pass' as const,
            peer: house('slytherin'),
            protocols: ports(80, 53, 9003),
          },
        ]
      : []),
    {
      name: 'allow-{dir}-hufflepuff-at-some-ports',
      action: 'Accept',
      peer: house('hufflepuff'),
      protocols: ports(hufflepuffTcp, 5353, 9003),
    },
    { name: 'deny-{dir}-hufflepuff-everything-else', action: 'Deny', peer: house('hufflepuff') },
  ];
  const pass = tier === 'Admin';
  return [
    cnp(
      tier === 'Admin' ? 'gress-rules' : 'default',
      tier,
      tier === 'Admin' ? 15 : 10,
      subject,
      reorder(rules(80, pass)),
      reorder(rules(8080, pass)),
    ),
  ];
}

const integrationPolicy = (name: string, tier: 'Admin' | 'Baseline', ingress: Rule['action'], egress: Rule['action']) =>
  cnp(
    name,
    tier,
    10,
    { namespaces: { matchLabels: { 'conformance-house': 'gryffindor' } } },
    [
      {
        name: 'deny-all-ingress-from-slytherin',
        action: ingress,
        peer: { namespaces: { matchLabels: { 'conformance-house': 'slytherin' } } },
      },
    ],
    [{ name: 'deny-all-egress-to-slytherin', action: egress, peer: { namespaces: { matchLabels: { 'conformance-house': 'slytherin' } } } }],
  );
const allowSlytherinNetworkPolicy = {
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace: namespaceOf('gryffindor'), name: 'allow-gress-from-to-slytherin-to-gryffindor' },
  spec: {
    podSelector: {},
    policyTypes: ['Ingress', 'Egress'],
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'conformance-house': 'slytherin' } } }] }],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { 'conformance-house': 'slytherin' } } }] }],
  },
};

const priorityPolicies = (passPriority: number) => {
  const slytherinPods = {
    pods: {
      namespaceSelector: { matchLabels: { 'conformance-house': 'slytherin' } },
      podSelector: { matchLabels: { 'conformance-house': 'slytherin' } },
    },
  };
  const subject = {
    pods: {
      namespaceSelector: { matchLabels: { 'conformance-house': 'gryffindor' } },
      podSelector: { matchLabels: { 'conformance-house': 'gryffindor' } },
    },
  };
  const both = (action: Rule['action'], verb: string): [Rule[], Rule[]] => [
    [{ name: `${verb}-all-ingress-from-slytherin`, action, peer: slytherinPods }],
    [{ name: `${verb}-all-egress-to-slytherin`, action, peer: slytherinPods }],
  ];
  return [
    cnp('priority-50-example', 'Admin', 50, subject, ...both('Deny', 'deny')),
    cnp('old-priority-60-new-priority-40-example', 'Admin', passPriority, subject, ...both('Pass', 'pass')),
    cnp('default', 'Baseline', 10, subject, ...both('Accept', 'allow')),
  ];
};

/** `from -> to` on every served port: `allowed` lists the ports the suite expects to connect. */
type Probe = [from: House, to: House, allowed: number[] | 'all' | 'none'];
interface Step {
  name: string;
  objects: unknown[];
  probes: Probe[];
}

const steps: Step[] = [
  {
    name: 'CNPAdminTierGress: Accept before Deny, across protocols',
    objects: gressRules('Admin'),
    probes: [
      ['gryffindor', 'ravenclaw', 'all'],
      ['ravenclaw', 'gryffindor', 'all'],
    ],
  },
  {
    name: 'CNPAdminTierGress: Accept at the given ports, Deny for the rest',
    objects: gressRules('Admin'),
    probes: [
      ['gryffindor', 'hufflepuff', [8080, 5353, 9003]],
      ['hufflepuff', 'gryffindor', [80, 5353, 9003]],
    ],
  },
  {
    name: 'CNPAdminTierGress: Deny first once the first two rules swap',
    objects: gressRules('Admin', (rules) => swap(rules, 0, 1)),
    probes: [
      ['gryffindor', 'ravenclaw', 'none'],
      ['ravenclaw', 'gryffindor', 'none'],
    ],
  },
  {
    name: 'CNPAdminTierGress: Deny at the given ports, nothing matches the rest',
    objects: gressRules('Admin'),
    probes: [
      ['gryffindor', 'slytherin', [8080, 5353, 9005]],
      ['slytherin', 'gryffindor', [8080, 5353, 9005]],
    ],
  },
  {
    name: 'CNPAdminTierGress: Pass first (rules 0 and 2 swapped) hands over to the default',
    objects: gressRules('Admin', (rules) => swap(rules, 0, 2)),
    probes: [
      ['gryffindor', 'ravenclaw', 'all'],
      ['ravenclaw', 'gryffindor', 'all'],
    ],
  },
  {
    name: 'CNPAdminTierGress: Pass at the given ports (rules 3 and 4 swapped)',
    objects: gressRules('Admin', (rules) => swap(rules, 3, 4)),
    probes: [
      ['gryffindor', 'slytherin', 'all'],
      ['slytherin', 'gryffindor', 'all'],
    ],
  },
  {
    name: 'CNPBaselineTierGress: Accept before Deny',
    objects: gressRules('Baseline'),
    probes: [
      ['gryffindor', 'ravenclaw', 'all'],
      ['ravenclaw', 'gryffindor', 'all'],
    ],
  },
  {
    name: 'CNPBaselineTierGress: Accept at the given ports, Deny for the rest; Deny at ports',
    objects: gressRules('Baseline'),
    probes: [
      ['gryffindor', 'hufflepuff', [8080, 5353, 9003]],
      ['hufflepuff', 'gryffindor', [80, 5353, 9003]],
      ['gryffindor', 'slytherin', [8080, 5353, 9005]],
      ['slytherin', 'gryffindor', [8080, 5353, 9005]],
    ],
  },
  {
    name: 'CNPBaselineTierGress: Deny first once the first two rules swap',
    objects: gressRules('Baseline', (rules) => swap(rules, 0, 1)),
    probes: [
      ['gryffindor', 'ravenclaw', 'none'],
      ['ravenclaw', 'gryffindor', 'none'],
    ],
  },
  {
    name: 'CNPAdminTierPriorityField: the Deny at priority 50 wins over the Pass at 60',
    objects: priorityPolicies(60),
    probes: [
      ['slytherin', 'gryffindor', 'none'],
      ['gryffindor', 'slytherin', 'none'],
    ],
  },
  {
    name: 'CNPAdminTierPriorityField: the Pass moved to priority 40 hands over to the Baseline Accept',
    objects: priorityPolicies(40),
    probes: [
      ['slytherin', 'gryffindor', 'all'],
      ['gryffindor', 'slytherin', 'all'],
    ],
  },
  {
    name: 'CNPAdminTierIntegration: the Admin Deny wins over the NetworkPolicy allow',
    objects: [
      integrationPolicy('pass-example', 'Admin', 'Deny', 'Deny'),
      allowSlytherinNetworkPolicy,
      integrationPolicy('default', 'Baseline', 'Deny', 'Deny'),
    ],
    probes: [
      ['slytherin', 'gryffindor', 'none'],
      ['gryffindor', 'slytherin', 'none'],
    ],
  },
  {
    name: 'CNPAdminTierIntegration: an ingress Pass leaves the NetworkPolicy allow in force',
    objects: [
      integrationPolicy('pass-example', 'Admin', 'Pass', 'Deny'),
      allowSlytherinNetworkPolicy,
      integrationPolicy('default', 'Baseline', 'Deny', 'Deny'),
    ],
    probes: [
      ['slytherin', 'gryffindor', 'all'],
      ['gryffindor', 'slytherin', 'none'],
    ],
  },
  {
    name: 'CNPAdminTierIntegration: an egress Pass leaves the NetworkPolicy allow in force',
    objects: [
      integrationPolicy('pass-example', 'Admin', 'Pass', 'Pass'),
      allowSlytherinNetworkPolicy,
      integrationPolicy('default', 'Baseline', 'Deny', 'Deny'),
    ],
    probes: [
      ['slytherin', 'gryffindor', 'all'],
      ['gryffindor', 'slytherin', 'all'],
    ],
  },
  {
    name: 'CNPAdminTierIntegration: without the NetworkPolicy, the Pass reaches the Baseline Deny',
    objects: [integrationPolicy('pass-example', 'Admin', 'Pass', 'Pass'), integrationPolicy('default', 'Baseline', 'Deny', 'Deny')],
    probes: [
      ['slytherin', 'gryffindor', 'none'],
      ['gryffindor', 'slytherin', 'none'],
    ],
  },
];

describe('upstream conformance scenarios', () => {
  test.each(steps)('$name', ({ objects, probes }) => {
    const snapshot = snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: [...baseCluster(), ...objects] }]);
    assertValidClusterPolicies(snapshot.clusterPolicies);
    const cluster = buildInventory(snapshot);
    const plain = new PlainEvaluator(cluster);
    const engine = buildEngine(cluster);
    const matrix = engine.podMatrix(SERVED.map(([port, protocol]) => ({ port, protocol })));
    const failures: string[] = [];
    for (const [fromHouse, toHouse, allowed] of probes) {
      for (let replica = 0; replica < 2; replica++) {
        const from = cluster.pods.find((p) => p.name === `${HOUSES[fromHouse]}-${replica}`)!;
        const to = cluster.pods.find((p) => p.name === `${HOUSES[toHouse]}-${1 - replica}`)!;
        SERVED.forEach(([port, protocol], p) => {
          const expected = allowed === 'all' || (allowed !== 'none' && allowed.includes(port));
          const traffic = { from: { pod: from }, to: { pod: to }, port, protocol };
          const verdicts = {
            plain: plain.evaluate(traffic).allowed,
            probe: engine.evaluate(traffic).allowed,
            matrix: matrix.allowed(cluster.pods.indexOf(from), cluster.pods.indexOf(to), p),
          };
          for (const [by, verdict] of Object.entries(verdicts)) {
            if (verdict !== expected)
              failures.push(`${from.name} -> ${to.name} ${port}/${protocol}: ${by} says ${verdict}, the suite ${expected}`);
          }
        });
      }
    }
    expect(failures).toEqual([]);
  });

  test('the explanation names the deciding object, its tier and priority, and the rule', () => {
    const objects = [integrationPolicy('pass-example', 'Admin', 'Deny', 'Deny'), allowSlytherinNetworkPolicy];
    const snapshot = { apiVersion: 'v1', kind: 'List', items: [...baseCluster(), ...objects] };
    const result = simulate({
      snapshot,
      probes: [{ from: `${namespaceOf('slytherin')}/draco-malfoy-0`, to: `${namespaceOf('gryffindor')}/harry-potter-0`, port: 80 }],
    }).results[0]!;
    expect(result.allowed).toBe(false);
    expect(result.egress.reason).toBe('not isolated: no policy selects network-policy-conformance-slytherin/draco-malfoy-0 for egress');
    expect(result.ingress.reason).toBe(
      "denied by ClusterNetworkPolicy pass-example (Admin, priority 10), ingress rule 'deny-all-ingress-from-slytherin'",
    );
    expect(result.ingress.policies).toEqual([
      'network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor',
      'pass-example',
    ]);
    expect(result.ingress.decidedBy).toEqual({
      kind: 'ClusterNetworkPolicy',
      name: 'pass-example',
      tier: 'Admin',
      priority: 10,
      rule: 'deny-all-ingress-from-slytherin',
      ruleIndex: 0,
      action: 'Deny',
    });
  });

  test('a Pass names itself beside the NetworkPolicy that decided', () => {
    const cluster = buildInventory(
      snapshotFromDocuments([
        {
          apiVersion: 'v1',
          kind: 'List',
          items: [...baseCluster(), integrationPolicy('pass-example', 'Admin', 'Pass', 'Pass'), allowSlytherinNetworkPolicy],
        },
      ]),
    );
    const to = cluster.pods.find((p) => p.name === 'harry-potter-0')!;
    const from = cluster.pods.find((p) => p.name === 'draco-malfoy-0')!;
    const verdict = buildEngine(cluster).evaluate({ from: { pod: from }, to: { pod: to }, port: 80, protocol: 'TCP' });
    expect(explainDirection('ingress', { pod: to }, verdict.ingress)).toBe(
      "allowed by network-policy-conformance-gryffindor/allow-gress-from-to-slytherin-to-gryffindor (ingress rule 0); passed on by ClusterNetworkPolicy pass-example (Admin, priority 10), ingress rule 'deny-all-ingress-from-slytherin'",
    );
  });
});
