/**
 * The truth tables of the upstream NetworkPolicy e2e suite (kubernetes/kubernetes test/e2e/network/netpol),
 * asserted through `bulkhead simulate` on the x/y/z, a/b/c model: one row per upstream case (or our own
 * variation of it), every one of the 81 pod pairs checked. Loopback pairs follow the same rules as the rest.
 */
import { ALL_PODS, Reachability, podIp, policy, upstreamSnapshot } from '../../../../test/fixtures/netpol/upstream-model';
import type { CliIo } from '../command';
import { simulateCommand } from './simulate';

interface Case {
  port: number | string;
  protocol?: 'TCP' | 'UDP' | 'SCTP';
  reach: Reachability;
}
interface Row {
  name: string;
  policies: object[];
  cases: Case[];
  /** Changes to the model (labels) before the policies apply. */
  mutate?: (items: { kind: string; metadata: { name: string; namespace?: string; labels: Record<string, string> } }[]) => void;
}

const all = () => new Reachability(true);
const podSel = (labels: Record<string, string>) => ({ matchLabels: labels });
const nsName = (ns: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': ns } });
const notInX = { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['x'] }] };
const denyIngress = (ns: string, name = 'deny-ingress') => policy(ns, name, { podSelector: {}, policyTypes: ['Ingress'], ingress: [] });

async function runSimulate(input: object): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = {
    out: (t) => (out += t),
    err: (t) => (err += t),
    readFile: async () => JSON.stringify(input),
    readStdin: async () => '',
    env: () => undefined,
  };
  const code = await simulateCommand.run(['input.json'], io);
  return { code, out, err };
}

const rows: Row[] = [
  {
    name: 'default-deny-ingress isolates every pod of x',
    policies: [denyIngress('x')],
    cases: [{ port: 80, reach: all().expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'default-deny-ingress over UDP',
    policies: [denyIngress('x')],
    cases: [{ port: 80, protocol: 'UDP', reach: all().expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'default-deny-ingress over SCTP',
    policies: [denyIngress('x')],
    cases: [{ port: 80, protocol: 'SCTP', reach: all().expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'default-deny-all blocks x both ways',
    policies: [policy('x', 'deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'], ingress: [], egress: [] })],
    cases: [{ port: 80, reach: all().expectPeer({}, { ns: 'x' }, false).expectPeer({ ns: 'x' }, {}, false) }],
  },
  {
    name: 'podSelector alone allows only that pod of the policy namespace',
    policies: [
      policy('x', 'x-a-allows-x-b', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: podSel({ pod: 'b' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) }],
  },
  {
    name: 'allow-all to x/a wins over deny-all in x',
    policies: [
      denyIngress('x', 'deny-all'),
      policy('x', 'allow-all-to-a', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: {}, namespaceSelector: {} }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectPeer({}, { ns: 'x' }, false).expectAllIngress('x/a', true) }],
  },
  {
    name: 'empty namespaceSelector means every namespace',
    policies: [
      policy('x', 'allow-from-another-ns', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: {} } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all() }],
  },
  {
    name: 'namespaceSelector matchLabels allows only namespace y',
    policies: [
      policy('x', 'allow-client-a-via-ns-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }] }],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'namespaceSelector on the custom ns label',
    policies: [
      policy('x', 'allow-ns-label', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }] }],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'podSelector matchExpressions In',
    policies: [
      policy('x', 'x-a-allows-x-b', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b'] }] } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) }],
  },
  {
    name: 'namespaceSelector matchExpressions In',
    policies: [
      policy('x', 'allow-ns-y-match-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [
          { from: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['y'] }] } }] },
        ],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'separate peers are ORed (namespaceSelector NotIn x, or podSelector pod=b)',
    policies: [
      policy('x', 'allow-ns-y-match-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: notInX }, { podSelector: podSel({ pod: 'b' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expect('x/a', 'x/a', false).expect('x/c', 'x/a', false) }],
  },
  {
    name: 'podSelector and namespaceSelector in one peer are ANDed',
    policies: [
      policy('x', 'allow-ns-y-podselector-and-nsselector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: notInX, podSelector: podSel({ pod: 'b' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expect('y/b', 'x/a', true).expect('z/b', 'x/a', true) }],
  },
  {
    name: 'multiple selectors with matchExpressions NotIn and In',
    policies: [
      policy('x', 'allow-ns-y-z-pod-b-c', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ namespaceSelector: notInX, podSelector: { matchExpressions: [{ key: 'pod', operator: 'In', values: ['b', 'c'] }] } }],
          },
        ],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ pod: 'a' }, { ns: 'x', pod: 'a' }, false),
      },
    ],
  },
  {
    name: 'any of several podSelectors',
    policies: [
      policy('x', 'allow-ns-x-pod-b-c', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: podSel({ pod: 'b' }) }, { podSelector: podSel({ pod: 'c' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true).expect('x/c', 'x/a', true) }],
  },
  ...(['TCP', 'UDP', 'SCTP'] as const).map((protocol): Row => ({
    name: `only y/a may reach x/a over ${protocol} (namespace and pod selector)`,
    policies: [
      policy('x', 'allow-ns-y-pod-a', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y'), podSelector: podSel({ pod: 'a' }) }] }],
      }),
    ],
    cases: [{ port: 80, protocol, reach: all().expectAllIngress('x/a', false).expect('y/a', 'x/a', true) }],
  })),
  ...(['TCP', 'UDP', 'SCTP'] as const).map((protocol): Row => ({
    name: `ports: ${protocol} 81 from namespace y only`,
    policies: [
      policy('x', 'allow-port-81', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [{ port: 81, protocol }] }],
      }),
    ],
    cases: [
      {
        port: 81,
        protocol,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
      },
      { port: 80, protocol, reach: all().expectAllIngress('x/a', false) },
    ],
  })),
  {
    name: 'stacked policies on overlapping podSelectors add up per port',
    policies: [
      policy('x', 'allow-81', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [{ port: 81, protocol: 'TCP' }] }],
      }),
      policy('x', 'allow-80', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [{ port: 80, protocol: 'TCP' }] }],
      }),
    ],
    cases: [80, 81].map((port) => ({
      port,
      reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
    })),
  },
  {
    name: 'allow-all ingress [{}] allows every port',
    policies: [policy('x', 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] })],
    cases: [
      { port: 80, reach: all() },
      { port: 81, reach: all() },
    ],
  },
  {
    name: 'ingress on one named port',
    policies: [policy('x', 'allow-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 'serve-81-tcp' }] }] })],
    cases: [
      { port: 81, reach: all() },
      { port: 'serve-81-tcp', reach: all() },
      { port: 80, reach: all().expectPeer({}, { ns: 'x' }, false) },
      { port: 81, protocol: 'UDP', reach: all().expectPeer({}, { ns: 'x' }, false) },
    ],
  },
  {
    name: 'ingress from a namespace on one named port',
    policies: [
      policy('x', 'allow-ns-y-80', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [{ port: 'serve-80-tcp', protocol: 'TCP' }] }],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all().expectPeer({ ns: 'x' }, { ns: 'x', pod: 'a' }, false).expectPeer({ ns: 'z' }, { ns: 'x', pod: 'a' }, false),
      },
      { port: 81, reach: all().expectAllIngress('x/a', false) },
    ],
  },
  {
    name: 'egress on one named port resolves on the destination pod',
    policies: [policy('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 'serve-80-tcp' }] }] })],
    cases: [
      { port: 80, reach: all() },
      { port: 81, reach: all().expectPeer({ ns: 'x' }, {}, false) },
    ],
  },
  {
    name: 'ingress: [] denies all ingress',
    policies: [policy('x', 'allow-all-mutate-to-deny-all', { podSelector: {}, policyTypes: ['Ingress'], ingress: [] })],
    cases: [{ port: 81, reach: all().expectPeer({}, { ns: 'x' }, false) }],
  },
  {
    name: 'namespace labels decide (ns2=updated on y)',
    mutate: (items) => {
      const y = items.find((i) => i.kind === 'Namespace' && i.metadata.name === 'y')!;
      y.metadata.labels = { ...y.metadata.labels, ns2: 'updated' };
    },
    policies: [
      policy('x', 'allow-client-a-via-ns-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: { matchLabels: { ns2: 'updated' } } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true) }],
  },
  {
    name: 'pod labels decide (pod2=updated on x/b)',
    mutate: (items) => {
      const b = items.find((i) => i.kind === 'Pod' && i.metadata.namespace === 'x' && i.metadata.name === 'b')!;
      b.metadata.labels = { pod: 'b', pod2: 'updated' };
    },
    policies: [
      policy('x', 'allow-client-a-via-pod-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: podSel({ pod: 'b', pod2: 'updated' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) }],
  },
  {
    name: 'deny ingress from other namespaces (podSelector {} peer)',
    policies: [
      policy('x', 'deny-empty-policy', {
        podSelector: {},
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: { matchLabels: {} } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectPeer({ ns: 'y' }, { ns: 'x' }, false).expectPeer({ ns: 'z' }, { ns: 'x' }, false) }],
  },
  {
    name: 'a pod becomes isolated when its labels match a deny policy',
    mutate: (items) => {
      const a = items.find((i) => i.kind === 'Pod' && i.metadata.namespace === 'x' && i.metadata.name === 'a')!;
      a.metadata.labels = { pod: 'a', target: 'isolated' };
    },
    policies: [
      policy('x', 'deny-ingress-via-label-selector', {
        podSelector: podSel({ target: 'isolated' }),
        policyTypes: ['Ingress'],
        ingress: [],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false) }],
  },
  {
    name: 'deny egress from pods chosen by podSelector',
    policies: [policy('x', 'deny-egress-pod-a', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Egress'], egress: [] })],
    cases: [{ port: 80, reach: all().expectAllEgress('x/a', false) }],
  },
  {
    name: 'deny egress from all pods of a namespace',
    policies: [policy('x', 'deny-egress-ns-x', { podSelector: {}, policyTypes: ['Egress'], egress: [] })],
    cases: [{ port: 80, reach: all().expectPeer({ ns: 'x' }, {}, false) }],
  },
  {
    name: 'Ingress and Egress specified together',
    policies: [
      policy('x', 'allow-client-a-via-pod-selector', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress', 'Ingress'],
        ingress: [{ from: [{ podSelector: podSel({ pod: 'b' }) }] }],
        egress: [{ ports: [{ port: 80 }] }],
      }),
    ],
    cases: [
      { port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) },
      { port: 81, reach: all().expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/b', 'x/a', true) },
    ],
  },
  {
    name: 'egress denial on the client wins over ingress allowed on the server',
    policies: [
      policy('x', 'allow-to-ns-y-pod-a', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: nsName('y'), podSelector: podSel({ pod: 'a' }) }] }],
      }),
      policy('y', 'allow-from-xa-on-ya', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('x'), podSelector: podSel({ pod: 'a' }) }] }],
      }),
      policy('y', 'allow-from-xa-on-yb', {
        podSelector: podSel({ pod: 'b' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('x'), podSelector: podSel({ pod: 'a' }) }] }],
      }),
    ],
    cases: [
      {
        port: 80,
        reach: all()
          .expectPeer({ ns: 'x', pod: 'a' }, {}, false)
          .expectPeer({}, { ns: 'y', pod: 'a' }, false)
          .expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y', pod: 'a' }, true)
          .expectPeer({}, { ns: 'y', pod: 'b' }, false),
      },
    ],
  },
  {
    name: 'egress to a pod in another namespace by namespace and pod selector',
    policies: [
      policy('x', 'allow-to-ns-y-pod-a', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ namespaceSelector: nsName('y'), podSelector: podSel({ pod: 'a' }) }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllEgress('x/a', false).expect('x/a', 'y/a', true) }],
  },
  {
    name: 'ingress on any port of one protocol',
    policies: [
      policy('x', 'allow-ingress-by-proto', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ protocol: 'TCP' }] }],
      }),
    ],
    cases: [
      { port: 80, reach: all() },
      { port: 80, protocol: 'UDP', reach: all().expectAllIngress('x/a', false) },
    ],
  },
  {
    name: 'ingress allow-all takes precedence over a port-80 policy',
    policies: [
      policy('x', 'allow-ingress-port-80', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] }),
      policy('x', 'allow-ingress', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{}] }),
    ],
    cases: [{ port: 81, reach: all() }],
  },
  {
    name: 'a port-80 ingress policy alone blocks 81',
    policies: [policy('x', 'allow-ingress-port-80', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 80 }] }] })],
    cases: [
      { port: 81, reach: all().expectPeer({}, { ns: 'x' }, false) },
      { port: 80, reach: all() },
    ],
  },
  {
    name: 'egress allow-all takes precedence over a port-80 policy',
    policies: [
      policy('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] }),
      policy('x', 'allow-egress', { podSelector: {}, policyTypes: ['Egress'], egress: [{}] }),
    ],
    cases: [{ port: 81, reach: all() }],
  },
  {
    name: 'a port-80 egress policy alone blocks 81',
    policies: [policy('x', 'allow-egress-port-80', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 80 }] }] })],
    cases: [{ port: 81, reach: all().expectPeer({ ns: 'x' }, {}, false) }],
  },
  {
    name: 'egress to a /32 ipBlock of a pod IP',
    policies: [
      policy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: `${podIp('y/b')}/32` } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllEgress('x/a', false).expect('x/a', 'y/b', true) }],
  },
  {
    name: 'ipBlock except removes a pod IP from a wide CIDR',
    policies: [
      policy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${podIp('x/b')}/32`] } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expect('x/a', 'x/b', false) }],
  },
  {
    name: 'an IP in both a CIDR and its except is allowed by another policy',
    policies: [
      policy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: '0.0.0.0/4', except: [`${podIp('x/b')}/32`] } }] }],
      }),
      policy('x', 'allow-client-a-to-x-b', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: `${podIp('x/b')}/32` } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all() }],
  },
  {
    name: 'the except policy replaced by a /32 policy allows only that pod',
    policies: [
      policy('x', 'allow-client-a-via-cidr-egress-rule', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [{ to: [{ ipBlock: { cidr: `${podIp('x/b')}/32` } }] }],
      }),
    ],
    cases: [{ port: 80, reach: all().expectAllEgress('x/a', false).expect('x/a', 'x/b', true) }],
  },
  {
    name: 'ingress and egress policies are independent',
    policies: [
      policy('x', 'allow-egress-for-target', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Egress'], egress: [{}] }),
      policy('x', 'deny-ingress-via-label-selector', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Ingress'], ingress: [] }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false) }],
  },
  {
    name: "'protocol: SCTP' is not TCP",
    policies: [
      denyIngress('x'),
      policy('x', 'allow-only-sctp-ingress-on-port-81', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: 81, protocol: 'SCTP' }] }],
      }),
    ],
    cases: [
      { port: 81, reach: all().expectPeer({}, { ns: 'x' }, false) },
      { port: 81, protocol: 'SCTP', reach: all().expectPeer({}, { ns: 'x' }, false).expectAllIngress('x/a', true) },
    ],
  },
  {
    name: 'a policy allowing only SCTP still isolates the pod for TCP',
    policies: [
      policy('x', 'allow-only-sctp-ingress-on-port-80', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: 80, protocol: 'SCTP' }] }],
      }),
    ],
    cases: [{ port: 81, reach: all().expectAllIngress('x/a', false) }],
  },
  {
    name: 'a policy allowing only UDP denies TCP',
    policies: [
      policy('x', 'allow-only-udp-ingress-on-port-81', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ ports: [{ port: 81, protocol: 'UDP' }] }],
      }),
    ],
    cases: [
      { port: 81, reach: all().expectAllIngress('x/a', false) },
      { port: 81, protocol: 'UDP', reach: all() },
    ],
  },
  {
    name: 'egress namespaceSelector NotIn on the default namespace label',
    policies: [
      policy('x', 'allow-ns-y-match-selector-for-immutable-ns-label', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Egress'],
        egress: [
          { to: [{ namespaceSelector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['y'] }] } }] },
        ],
      }),
    ],
    cases: [{ port: 80, reach: all().expectPeer({ ns: 'x', pod: 'a' }, { ns: 'y' }, false) }],
  },
  {
    name: 'endPort: ingress on the range 80-81',
    policies: [
      policy('x', 'allow-range', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ namespaceSelector: nsName('y') }], ports: [{ port: 80, endPort: 81, protocol: 'TCP' }] }],
      }),
    ],
    cases: [
      { port: 80, reach: all().expectAllIngress('x/a', false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true) },
      { port: 81, reach: all().expectAllIngress('x/a', false).expectPeer({ ns: 'y' }, { ns: 'x', pod: 'a' }, true) },
      { port: 82, reach: all().expectAllIngress('x/a', false) },
      { port: 79, reach: all().expectAllIngress('x/a', false) },
    ],
  },
  {
    name: 'endPort: egress on the range 81-90 only',
    policies: [policy('x', 'egress-range', { podSelector: {}, policyTypes: ['Egress'], egress: [{ ports: [{ port: 81, endPort: 90 }] }] })],
    cases: [
      { port: 80, reach: all().expectPeer({ ns: 'x' }, {}, false) },
      { port: 81, reach: all() },
      { port: 90, reach: all() },
      { port: 91, reach: all().expectPeer({ ns: 'x' }, {}, false) },
    ],
  },
  {
    name: 'policyTypes defaulting: egress rules without policyTypes isolate both directions',
    policies: [
      policy('x', 'egress-only-rules', { podSelector: podSel({ pod: 'a' }), egress: [{ to: [{ podSelector: podSel({ pod: 'b' }) }] }] }),
    ],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false).expectAllEgress('x/a', false).expect('x/a', 'x/b', true) }],
  },
  {
    name: 'policyTypes defaulting: no rules at all isolates ingress only',
    policies: [policy('x', 'bare', { podSelector: podSel({ pod: 'a' }) })],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false) }],
  },
  {
    name: 'policyTypes defaulting: egress: [] without policyTypes does not isolate egress',
    policies: [policy('x', 'empty-egress', { podSelector: podSel({ pod: 'a' }), egress: [] })],
    cases: [{ port: 80, reach: all().expectAllIngress('x/a', false) }],
  },
  {
    name: 'policyTypes [Egress] with ingress rules ignores the ingress rules',
    policies: [policy('x', 'egress-typed', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Egress'], ingress: [], egress: [{}] })],
    cases: [{ port: 80, reach: all() }],
  },
  {
    name: 'a rule with from but no ports allows every port; ports but no from allows every source',
    policies: [
      policy('x', 'from-b', {
        podSelector: podSel({ pod: 'a' }),
        policyTypes: ['Ingress'],
        ingress: [{ from: [{ podSelector: podSel({ pod: 'b' }) }] }],
      }),
      policy('x', 'port-81', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Ingress'], ingress: [{ ports: [{ port: 81 }] }] }),
    ],
    cases: [
      { port: 80, reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) },
      { port: 81, reach: all() },
      { port: 81, protocol: 'UDP', reach: all().expectAllIngress('x/a', false).expect('x/b', 'x/a', true) },
    ],
  },
  {
    name: 'policies select only pods of their own namespace',
    policies: [policy('y', 'deny-a-in-y', { podSelector: podSel({ pod: 'a' }), policyTypes: ['Ingress', 'Egress'] })],
    cases: [{ port: 80, reach: all().expectAllIngress('y/a', false).expectAllEgress('y/a', false) }],
  },
  {
    name: 'matchExpressions Exists and DoesNotExist',
    policies: [
      policy('x', 'exists', {
        podSelector: { matchExpressions: [{ key: 'pod', operator: 'Exists' }] },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'DoesNotExist' }] } },
              { namespaceSelector: { matchExpressions: [{ key: 'ns', operator: 'NotIn', values: ['x', 'z'] }] } },
            ],
          },
        ],
      }),
    ],
    cases: [{ port: 80, reach: all().expectPeer({ ns: 'x' }, { ns: 'x' }, false).expectPeer({ ns: 'z' }, { ns: 'x' }, false) }],
  },
];

describe('bulkhead simulate reproduces the upstream NetworkPolicy truth tables', () => {
  test.each(rows.flatMap((row) => row.cases.map((c) => [`${row.name} [${c.port}/${c.protocol ?? 'TCP'}]`, row, c] as const)))(
    '%s',
    async (_name, row, c) => {
      const snapshot = upstreamSnapshot(row.policies);
      row.mutate?.(snapshot.items as never);
      const probes = ALL_PODS.flatMap((from) =>
        ALL_PODS.map((to) => ({ from, to, port: c.port, ...(c.protocol ? { protocol: c.protocol } : {}) })),
      );
      const { code, out, err } = await runSimulate({ snapshot, probes });
      expect(err).toBe('');
      expect(code).toBe(0);
      const { results } = JSON.parse(out) as {
        results: { from: string; to: string; allowed: boolean; egress: { reason: string }; ingress: { reason: string } }[];
      };
      const wrong = results
        .filter((r) => r.allowed !== c.reach.get(r.from, r.to))
        .map(
          (r) =>
            `${r.from} -> ${r.to}: expected ${c.reach.get(r.from, r.to) ? 'allowed' : 'denied'} (egress: ${r.egress.reason}; ingress: ${r.ingress.reason})`,
        );
      expect(wrong).toEqual([]);
    },
  );
});
