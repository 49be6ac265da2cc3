import { policy, podIp, upstreamSnapshot } from '../../../../test/fixtures/netpol/upstream-model';
import { NetpolError, PolicyValidationError, SimulateInputError, SnapshotError } from '../model/errors';
import { simulationAnswerJson } from './answer-json';
import { readSimulation, simulate } from './simulate';

const denyAllIngressY = policy('y', 'deny-all', { podSelector: {}, policyTypes: ['Ingress'] });
const allowFromXa = policy('y', 'allow-x-a', {
  podSelector: { matchLabels: { pod: 'b' } },
  ingress: [
    { from: [{ podSelector: {} }] },
    {
      from: [{ namespaceSelector: { matchLabels: { ns: 'x' } }, podSelector: { matchLabels: { pod: 'a' } } }],
      ports: [{ port: 'serve-81-udp', protocol: 'UDP' }],
    },
  ],
});
const egressToInternet = policy('x', 'egress-internet', {
  podSelector: { matchLabels: { pod: 'a' } },
  policyTypes: ['Egress'],
  egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8'] } }], ports: [{ port: 53, protocol: 'UDP' }] }],
});

describe('simulate', () => {
  test('answers in the contract shape, results in input order, explaining both sides', () => {
    const output = simulate({
      snapshot: upstreamSnapshot([denyAllIngressY, allowFromXa, egressToInternet]),
      probes: [
        { from: 'x/b', to: 'y/a', port: 80, protocol: 'TCP' },
        { from: 'x/a', to: 'y/b', port: 'serve-81-udp', protocol: 'UDP' },
        { from: 'x/a', to: '8.8.8.8', port: 53, protocol: 'UDP' },
        { from: 'x/a', to: '8.8.8.8', port: 53 },
      ],
    });
    expect(output.results).toEqual([
      {
        from: 'x/b',
        to: 'y/a',
        port: 80,
        protocol: 'TCP',
        allowed: false,
        egress: { allowed: true, policies: [], isolated: false, allowedBy: [], reason: 'not isolated: no policy selects x/b for egress' },
        ingress: { allowed: false, policies: ['y/deny-all'], isolated: true, allowedBy: [], reason: 'dropped by y/deny-all' },
      },
      {
        from: 'x/a',
        to: 'y/b',
        port: 'serve-81-udp',
        protocol: 'UDP',
        allowed: false,
        resolvedPort: 81,
        egress: { allowed: false, policies: ['x/egress-internet'], isolated: true, allowedBy: [], reason: 'dropped by x/egress-internet' },
        ingress: {
          allowed: true,
          policies: ['y/allow-x-a', 'y/deny-all'],
          isolated: true,
          allowedBy: [{ policy: 'y/allow-x-a', rule: 1 }],
          reason: 'allowed by y/allow-x-a (ingress rule 1)',
        },
      },
      {
        from: 'x/a',
        to: '8.8.8.8',
        port: 53,
        protocol: 'UDP',
        allowed: true,
        egress: {
          allowed: true,
          policies: ['x/egress-internet'],
          isolated: true,
          allowedBy: [{ policy: 'x/egress-internet', rule: 0 }],
          reason: 'allowed by x/egress-internet (egress rule 0)',
        },
        ingress: {
          allowed: true,
          policies: [],
          isolated: false,
          allowedBy: [],
          reason: 'destination 8.8.8.8 is outside the cluster: no ingress policy applies',
        },
      },
      expect.objectContaining({ protocol: 'TCP', allowed: false }),
    ]);
  });

  const verdicts: [string, object[], object, boolean][] = [
    ['traffic from an external IP meets only the destination ingress', [denyAllIngressY], { from: '1.2.3.4', to: 'y/a', port: 80 }, false],
    ['traffic from an external IP to an unisolated pod is allowed', [denyAllIngressY], { from: '1.2.3.4', to: 'x/a', port: 80 }, true],
    [
      'ingress ipBlock admits an external source',
      [policy('y', 'from-office', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '1.2.3.0/24' } }] }] })],
      { from: '1.2.3.4', to: 'y/a', port: 80 },
      true,
    ],
    [
      'ingress ipBlock except rejects an external source',
      [policy('y', 'from-office', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '1.2.3.0/24', except: ['1.2.3.4/32'] } }] }] })],
      { from: '1.2.3.4', to: 'y/a', port: 80 },
      false,
    ],
    [
      'egress ipBlock except keeps pods out of an internet rule',
      [egressToInternet],
      { from: 'x/a', to: 'y/a', port: 53, protocol: 'UDP' },
      false,
    ],
    ['an IP that belongs to a pod is that pod', [denyAllIngressY], { from: 'x/a', to: podIp('y/a'), port: 80 }, false],
    [
      'a rule naming a UDP port admits that port number over UDP',
      [allowFromXa],
      { from: 'x/a', to: 'y/b', port: 81, protocol: 'UDP' },
      true,
    ],
    [
      'a rule naming a UDP port does not admit the same number over TCP',
      [allowFromXa],
      { from: 'x/a', to: 'y/b', port: 'serve-81-tcp', protocol: 'TCP' },
      false,
    ],
    [
      'a pod talking to itself follows the same rules',
      [policy('x', 'deny', { podSelector: { matchLabels: { pod: 'a' } }, policyTypes: ['Ingress'] })],
      { from: 'x/a', to: 'x/a', port: 80 },
      false,
    ],
    [
      'a named egress port does not match an external destination',
      [policy('x', 'egress-named', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
      { from: 'x/a', to: '8.8.8.8', port: 80 },
      false,
    ],
  ];
  test.each(verdicts)('%s', (_name, policies, probe, allowed) => {
    expect(simulate({ snapshot: upstreamSnapshot(policies), probes: [probe] }).results[0]!.allowed).toBe(allowed);
  });

  test('an IP kept by a terminated pod designates the running pod that holds it now', () => {
    const snapshot = upstreamSnapshot([denyAllIngressY]);
    snapshot.items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { namespace: 'z', name: 'zz-job', labels: { job: 'old' } },
      status: { phase: 'Succeeded', podIP: podIp('y/a') },
    });
    const result = simulate({ snapshot, probes: [{ from: 'x/a', to: podIp('y/a'), port: 80 }] }).results[0]!;
    expect(result.allowed).toBe(false);
    expect(result.ingress.reason).toBe('dropped by y/deny-all');
  });

  test('a port given as a numeric string is that number', () => {
    const [result] = simulate({
      snapshot: upstreamSnapshot([allowFromXa]),
      probes: [{ from: 'x/a', to: 'y/b', port: '81', protocol: 'UDP' }],
    }).results;
    expect(result).toMatchObject({ port: '81', allowed: true });
    expect(result!.resolvedPort).toBeUndefined();
  });

  test('accepts the snapshot as text (JSON or YAML)', () => {
    const text = JSON.stringify(upstreamSnapshot([denyAllIngressY]));
    expect(simulate({ snapshot: text, probes: [{ from: 'x/a', to: 'y/a', port: 80 }] }).results[0]!.allowed).toBe(false);
  });

  const invalid: [string, unknown, new (...args: never[]) => NetpolError, string][] = [
    ['not an object', [], SimulateInputError, 'input: must be an object'],
    ['no snapshot', { probes: [] }, SimulateInputError, 'snapshot: Required value'],
    ['no probes', { snapshot: upstreamSnapshot() }, SimulateInputError, 'probes: Required value'],
    [
      'an unknown pod',
      {
        snapshot: upstreamSnapshot(),
        probes: [
          { from: 'x/a', to: 'y/a', port: 80 },
          { from: 'x/a', to: 'y/b', port: 80 },
          { from: 'x/a', to: 'x/zz', port: 80 },
        ],
      },
      SimulateInputError,
      'probes[2].to: "x/zz" is neither a pod nor a workload of the inventory',
    ],
    [
      'neither pod nor IP',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'web', to: 'y/a', port: 80 }] },
      SimulateInputError,
      'probes[0].from: "web" is neither "namespace/pod", "namespace/workload" nor an IP address',
    ],
    [
      'a bad protocol',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'x/a', to: 'y/a', port: 80, protocol: 'ICMP' }] },
      SimulateInputError,
      'probes[0].protocol: Unsupported value: "ICMP"',
    ],
    [
      'a port out of range',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'x/a', to: 'y/a', port: 0 }] },
      SimulateInputError,
      'probes[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
    [
      'a missing port',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'x/a', to: 'y/a' }] },
      SimulateInputError,
      'probes[0].port: Required value',
    ],
    [
      'a named port the pod lacks for that protocol',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'x/a', to: 'y/a', port: 'serve-80-tcp', protocol: 'UDP' }] },
      SimulateInputError,
      'probes[0].port: pod "y/a" has no UDP port named "serve-80-tcp"',
    ],
    [
      'a named port to an external IP',
      { snapshot: upstreamSnapshot(), probes: [{ from: 'x/a', to: '8.8.8.8', port: 'dns' }] },
      SimulateInputError,
      'probes[0].port: named port "dns" needs a destination pod',
    ],
    [
      'an invalid policy',
      {
        snapshot: upstreamSnapshot([policy('y', 'deny-all', { podSelector: {}, ingress: [{ ports: [{ port: 80, endPort: 79 }] }] })]),
        probes: [],
      },
      PolicyValidationError,
      'y/deny-all: NetworkPolicy.networking.k8s.io "deny-all" is invalid: spec.ingress[0].ports[0].endPort: Invalid value: 79: must be greater than or equal to `port`',
    ],
    [
      'a broken snapshot item',
      { snapshot: { kind: 'List', items: [{ kind: 'Pod', metadata: {} }] }, probes: [] },
      SnapshotError,
      'snapshot: document 1, items[0] (Pod): metadata.name: Required value',
    ],
  ];
  test.each(invalid)('rejects %s, naming the field', (_name, input, type, message) => {
    expect(() => simulate(input)).toThrow(type);
    expect(() => simulate(input)).toThrow(message);
  });
});

describe('probes that name a workload', () => {
  const pod = (name: string, phase: string, ip?: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      namespace: 'shop',
      name,
      labels: { app: 'web', 'pod-template-hash': '5d8f' },
      ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-5d8f', controller: true }],
    },
    spec: { containers: [{ name: 'web', ports: [{ name: 'http', containerPort: 8080 }] }] },
    status: { phase, ...(ip ? { podIP: ip } : {}) },
  });
  const snapshot = {
    kind: 'List',
    items: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      pod('web-5d8f-aaaa', 'Pending'),
      pod('web-5d8f-cccc', 'Running', '10.1.0.3'),
      pod('web-5d8f-bbbb', 'Running', '10.1.0.2'),
      policy('shop', 'only-http', { podSelector: { matchLabels: { app: 'web' } }, ingress: [{ ports: [{ port: 'http' }] }] }),
    ],
  };

  test('a running pod of the workload stands for it, the first by name, and the answer says which', () => {
    const [toWorkload, fromWorkload, toPod] = simulate({
      snapshot,
      probes: [
        { from: '10.9.9.9', to: 'shop/web', port: 'http' },
        { from: 'shop/web', to: 'shop/web-5d8f-cccc', port: 9090 },
        { from: '10.9.9.9', to: 'shop/web-5d8f-aaaa', port: 8080 },
      ],
    }).results;
    expect(toWorkload).toMatchObject({ to: 'shop/web', toPod: 'shop/web-5d8f-bbbb', allowed: true, resolvedPort: 8080 });
    expect(toWorkload!.fromPod).toBeUndefined();
    expect(fromWorkload).toMatchObject({ from: 'shop/web', fromPod: 'shop/web-5d8f-bbbb', allowed: false });
    expect(fromWorkload!.ingress.reason).toBe('dropped by shop/only-http');
    // A pod named as such is that pod, and no stand-in is named.
    expect(toPod).toMatchObject({ allowed: true });
    expect(toPod!.toPod).toBeUndefined();
  });

  test('evaluates the same whether the whole answer is made at once or read result by result', () => {
    const input = { snapshot, probes: [{ from: 'shop/web', to: 'shop/web', port: 8080 }] };
    const simulation = readSimulation(input);
    expect(simulation.probes).toBe(1);
    expect([...simulation.results]).toEqual(simulate(input).results);
  });

  test('every probe is checked before the first is evaluated', () => {
    expect(() =>
      readSimulation({
        snapshot,
        probes: [
          { from: 'shop/web', to: 'shop/web', port: 8080 },
          { from: 'shop/web', to: 'shop/cart', port: 8080 },
        ],
      }),
    ).toThrow('probes[1].to: "shop/cart" is neither a pod nor a workload of the inventory');
  });
});

describe('simulationAnswerJson', () => {
  const input = {
    snapshot: upstreamSnapshot(),
    probes: Array.from({ length: 3 }, (_, i) => ({ from: 'x/a', to: 'y/b', port: 80 + (i % 2) })),
  };

  test('writes the answer as JSON, one result per line', () => {
    const text = [...simulationAnswerJson(readSimulation(input))].join('');
    expect(JSON.parse(text)).toEqual(simulate(input));
    const lines = text.split('\n');
    expect(lines[0]).toBe('{"results":[');
    expect(lines.slice(1, 4).map((line) => JSON.parse(line.replace(/,$/, '')).port)).toEqual([80, 81, 80]);
    expect(lines.slice(4)).toEqual([']}', '']);
  });

  test('writes an empty answer', () => {
    expect([...simulationAnswerJson(readSimulation({ ...input, probes: [] }))].join('')).toBe('{"results":[\n]}\n');
  });

  test('hands on pieces that end at a line, about a megabyte each', () => {
    const many = { ...input, probes: Array.from({ length: 5000 }, () => ({ from: 'x/a', to: 'y/b', port: 80 })) };
    const pieces = [...simulationAnswerJson(readSimulation(many))];
    expect(pieces.length).toBeGreaterThan(1);
    for (const piece of pieces) expect(piece.endsWith('\n')).toBe(true);
    for (const piece of pieces.slice(0, -1)) expect(piece.length).toBeGreaterThanOrEqual(1 << 20);
    expect(JSON.parse(pieces.join('')).results).toHaveLength(5000);
  });
});
