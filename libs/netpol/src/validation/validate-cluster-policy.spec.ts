import { PolicyValidationError } from '../model/errors';
import { simulate } from '../simulate/simulate';
import { buildInventory } from '../snapshot/inventory';
import { snapshotFromDocuments } from '../snapshot/parse';
import { assertValidClusterPolicies, validateClusterPolicy } from './validate-cluster-policy';

const cnp = (spec: Record<string, unknown>, name = 'tier-isolation') => ({
  apiVersion: 'policy.networking.k8s.io/v1alpha2',
  kind: 'ClusterNetworkPolicy',
  metadata: { name },
  spec: { tier: 'Admin', priority: 10, subject: { namespaces: {} }, ...spec },
});
const egress = (rule: Record<string, unknown>) => cnp({ egress: [{ action: 'Deny', to: [{ namespaces: {} }], ...rule }] });

describe('validateClusterPolicy: what the API server refuses, in its words', () => {
  test.each([
    ['an unknown tier', cnp({ tier: 'Platform' }), 'spec.tier: Unsupported value: "Platform": supported values: "Admin", "Baseline"'],
    [
      'a priority above 1000',
      cnp({ priority: 1001 }),
      'spec.priority: Invalid value: 1001: spec.priority in body should be less than or equal to 1000',
    ],
    [
      'a negative priority',
      cnp({ priority: -1 }),
      'spec.priority: Invalid value: -1: spec.priority in body should be greater than or equal to 0',
    ],
    [
      'two subjects',
      cnp({ subject: { namespaces: {}, pods: { podSelector: {} } } }),
      'spec.subject: Invalid value: 2: spec.subject in body should have at most 1 properties',
    ],
    [
      '26 egress rules',
      cnp({ egress: Array.from({ length: 26 }, () => ({ action: 'Deny', to: [{ namespaces: {} }] })) }),
      'spec.egress: Too many: 26: must have at most 25 items',
    ],
    ['a rule name of 101 characters', egress({ name: 'x'.repeat(101) }), 'spec.egress[0].name: Too long: may not be longer than 100'],
    [
      'an unknown action',
      egress({ action: 'Allow' }),
      'spec.egress[0].action: Unsupported value: "Allow": supported values: "Accept", "Deny", "Pass"',
    ],
    ['no peers', egress({ to: [] }), 'spec.egress[0].to: Invalid value: 0: spec.egress[0].to in body should have at least 1 items'],
    [
      'a bad CIDR',
      egress({ to: [{ networks: ['10.0.0.0/33'] }] }),
      'spec.egress[0].to[0].networks[0]: Invalid value: "string": Invalid CIDR format provided',
    ],
    [
      'a range that ends before it starts',
      egress({ protocols: [{ tcp: { destinationPort: { range: { start: 90, end: 80 } } } }] }),
      'spec.egress[0].protocols[0].tcp.destinationPort.range: Invalid value: "object": Start port must be less than End port',
    ],
    [
      'a named port towards networks',
      egress({ to: [{ networks: ['10.0.0.0/8'] }], protocols: [{ destinationNamedPort: 'http' }] }),
      'spec.egress[0]: Invalid value: "object": networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames',
    ],
    [
      'domainNames in a Deny rule',
      egress({ to: [{ domainNames: ['*.example.com'] }] }),
      'spec.egress[0].to[0].domainNames: Forbidden: domainNames peers are only supported in Accept rules',
    ],
    [
      'a port number of 0',
      egress({ protocols: [{ udp: { destinationPort: { number: 0 } } }] }),
      'spec.egress[0].protocols[0].udp.destinationPort.number: Invalid value: 0: spec.egress[0].protocols[0].udp.destinationPort.number in body should be greater than or equal to 1',
    ],
    [
      'nodes in an ingress rule',
      cnp({ ingress: [{ action: 'Deny', from: [{ nodes: {} }] }] }),
      'spec.ingress[0].from[0]: Invalid value: 0: spec.ingress[0].from[0] in body should have at least 1 properties',
    ],
  ])('refuses %s', (_, object, message) => {
    expect(validateClusterPolicy(object).map((issue) => issue.message)).toEqual([message]);
  });

  test('accepts a policy with every peer and protocol kind', () => {
    const policy = cnp({
      egress: [
        {
          name: 'dns-allowlist',
          action: 'Accept',
          to: [{ domainNames: ['*.example.com', 'example.org.'] }],
          protocols: [{ tcp: { destinationPort: { number: 443 } } }],
        },
        { action: 'Pass', to: [{ nodes: { matchLabels: { role: 'edge' } } }, { networks: ['10.0.0.0/8', 'fd00::/8'] }] },
        {
          action: 'Deny',
          to: [{ pods: { namespaceSelector: {}, podSelector: { matchLabels: { app: 'db' } } } }],
          protocols: [{ destinationNamedPort: 'postgres' }],
        },
      ],
    });
    expect(validateClusterPolicy(policy)).toEqual([]);
  });

  test('v1alpha1: a BaselineAdminNetworkPolicy must be named default and has no Pass', () => {
    const banp = {
      apiVersion: 'policy.networking.k8s.io/v1alpha1',
      kind: 'BaselineAdminNetworkPolicy',
      metadata: { name: 'baseline' },
      spec: { subject: { namespaces: {} }, ingress: [{ action: 'Pass', from: [{ namespaces: {} }] }] },
    };
    expect(() => assertValidClusterPolicies([banp])).toThrow(PolicyValidationError);
    expect(validateClusterPolicy(banp).map((issue) => issue.message)).toEqual([
      '<nil>: Invalid value: "object": Only one baseline admin network policy with metadata.name="default" can be created in the cluster',
      'spec.ingress[0].action: Unsupported value: "Pass": supported values: "Allow", "Deny"',
    ]);
  });
});

describe('v1alpha1 kinds read exactly onto ClusterNetworkPolicy', () => {
  const namespaces = ['dev', 'prod'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { env: name } } }));
  const pods = [
    { namespace: 'dev', name: 'orders-debug', ip: '10.0.0.1' },
    { namespace: 'prod', name: 'postgres-prod', ip: '10.0.0.2' },
  ].map(({ namespace, name, ip }) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { namespace, name, labels: { app: name } },
    spec: { containers: [{ name: 'c', ports: [{ name: 'postgres', containerPort: 5432 }] }] },
    status: { phase: 'Running', podIP: ip },
  }));
  const anp = {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'AdminNetworkPolicy',
    metadata: { name: 'tier-isolation' },
    spec: {
      priority: 10,
      subject: { namespaces: { matchLabels: { env: 'dev' } } },
      egress: [
        {
          name: 'dns',
          action: 'Allow',
          to: [{ networks: ['8.8.8.8/32'] }],
          ports: [{ portRange: { protocol: 'UDP', start: 53, end: 54 } }],
        },
        {
          name: 'no-dev-to-prod',
          action: 'Deny',
          to: [{ namespaces: { matchLabels: { env: 'prod' } } }],
          ports: [{ namedPort: 'postgres' }],
        },
      ],
    },
  };
  const banp = {
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    kind: 'BaselineAdminNetworkPolicy',
    metadata: { name: 'default' },
    spec: {
      subject: { namespaces: {} },
      egress: [{ action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }], ports: [{ portNumber: { protocol: 'UDP', port: 53 } }] }],
    },
  };
  const snapshot = { apiVersion: 'v1', kind: 'List', items: [...namespaces, ...pods, anp, banp] };

  test('Allow is Accept, ports become protocols, the baseline has no priority', () => {
    const inventory = buildInventory(snapshotFromDocuments([snapshot]));
    expect(
      inventory.clusterPolicies!.map((p) => [p.kind, p.spec.tier, p.spec.egress!.map((rule) => [rule.action, rule.protocols])]),
    ).toEqual([
      [
        'AdminNetworkPolicy',
        'Admin',
        [
          ['Accept', [{ udp: { destinationPort: { range: { start: 53, end: 54 } } } }]],
          ['Deny', [{ destinationNamedPort: 'postgres' }]],
        ],
      ],
      ['BaselineAdminNetworkPolicy', 'Baseline', [['Deny', [{ udp: { destinationPort: { number: 53 } } }]]]],
    ]);
  });

  test('simulate names the v1alpha1 object that decided', () => {
    const { results } = simulate({
      snapshot,
      probes: [
        { from: 'dev/orders-debug', to: 'prod/postgres-prod', port: 'postgres' },
        { from: 'dev/orders-debug', to: '8.8.8.8', port: 53, protocol: 'UDP' },
        { from: 'prod/postgres-prod', to: '1.1.1.1', port: 53, protocol: 'UDP' },
      ],
    });
    expect(results.map((r) => [r.allowed, r.egress.reason])).toEqual([
      [false, "denied by AdminNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'no-dev-to-prod'"],
      [true, "allowed by AdminNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'dns'"],
      [false, 'denied by BaselineAdminNetworkPolicy default (Baseline), egress rule 0'],
    ]);
  });
});

describe('domainNames and nodes peers', () => {
  const items = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'shop', name: 'web' }, status: { phase: 'Running', podIP: '10.0.0.5' } },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'edge-1', labels: { role: 'edge' } },
      status: {
        addresses: [
          { type: 'InternalIP', address: '192.168.0.10' },
          { type: 'Hostname', address: 'edge-1' },
        ],
      },
    },
    cnp({
      egress: [
        { name: 'to-edge-nodes', action: 'Accept', to: [{ nodes: { matchLabels: { role: 'edge' } } }] },
        { name: 'allowlist', action: 'Accept', to: [{ domainNames: ['*.example.com'] }] },
        { name: 'no-internet', action: 'Deny', to: [{ networks: ['0.0.0.0/0'] }] },
      ],
    }),
  ];

  test('a node address matches its nodes peer; any other address depends on DNS', () => {
    const { results } = simulate({
      snapshot: { apiVersion: 'v1', kind: 'List', items },
      probes: [
        { from: 'shop/web', to: '192.168.0.10', port: 10250 },
        { from: 'shop/web', to: '93.184.216.34', port: 443 },
      ],
    });
    expect(results[0]!.egress.reason).toBe(
      "allowed by ClusterNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'to-edge-nodes'",
    );
    expect(results[1]!.allowed).toBe(false);
    expect(results[1]!.egress.dependsOnDns).toEqual([
      { rule: expect.objectContaining({ rule: 'allowlist', action: 'Accept' }), domainNames: ['*.example.com'] },
    ]);
    expect(results[1]!.egress.reason).toBe(
      "denied by ClusterNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'no-internet'; allowed instead if the address is one of *.example.com (ClusterNetworkPolicy tier-isolation (Admin, priority 10), egress rule 'allowlist')",
    );
  });

  test('a policy of a version the engine does not read is refused, not left out', () => {
    const policy = { ...cnp({}), apiVersion: 'policy.networking.k8s.io/v1beta1' };
    expect(() => snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: [policy] }])).toThrow(
      'apiVersion: Unsupported value: "policy.networking.k8s.io/v1beta1": supported values: "policy.networking.k8s.io/v1alpha2"',
    );
  });
});
