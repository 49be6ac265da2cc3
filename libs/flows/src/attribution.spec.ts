import {
  Attributor,
  endpointKey,
  InventoryIndex,
  parseEndpointKey,
  podNameCandidates,
  type Attribution,
  type FlowEndpoint,
} from '@bulkhead/flows';

const index = InventoryIndex.from({
  pods: [
    {
      namespace: 'shop',
      name: 'cart-5c9d7f6b8d-qq7wz',
      ips: ['10.0.0.2'],
      workload: { kind: 'Deployment', name: 'cart' },
      labels: { app: 'cart', 'pod-template-hash': '5c9d7f6b8d' },
    },
    {
      namespace: 'shop',
      name: 'reviews-v1-545db77b95-j2n72',
      ips: ['10.0.0.3'],
      workload: { kind: 'Deployment', name: 'reviews-v1' },
      labels: { app: 'reviews', version: 'v1' },
    },
    {
      namespace: 'shop',
      name: 'reviews-v2-7bf8c9648f-r7bs2',
      ips: ['10.0.0.4'],
      workload: { kind: 'Deployment', name: 'reviews-v2' },
      labels: { app: 'reviews', version: 'v2' },
    },
    { namespace: 'shop', name: 'db-0', ips: ['10.0.0.5'], workload: { kind: 'StatefulSet', name: 'db' }, labels: { app: 'db' } },
    {
      namespace: 'kube-system',
      name: 'coredns-558bd4d5db-9grjv',
      ips: ['10.0.9.1'],
      workload: { kind: 'Deployment', name: 'coredns' },
      labels: { 'k8s-app': 'kube-dns' },
    },
    // two host-network pods of different workloads share the node IP
    {
      namespace: 'kube-system',
      name: 'kube-proxy-abcde',
      ips: ['172.18.0.2'],
      workload: { kind: 'DaemonSet', name: 'kube-proxy' },
      labels: {},
    },
    {
      namespace: 'kube-system',
      name: 'node-exporter-fghjk',
      ips: ['172.18.0.2'],
      workload: { kind: 'DaemonSet', name: 'node-exporter' },
      labels: {},
    },
  ],
  workloads: [
    { namespace: 'shop', name: 'cart', kind: 'Deployment', labels: { app: 'cart' } },
    { namespace: 'shop', name: 'frontend', kind: 'Deployment', labels: { 'app.kubernetes.io/name': 'frontend' } },
    { namespace: 'shop', name: 'db', kind: 'StatefulSet', labels: {} },
    { namespace: 'monitoring', name: 'node-agent', kind: 'DaemonSet', labels: {} },
  ],
});

function attribute(ep: FlowEndpoint, infer = false): Attribution {
  return new Attributor(index, { inferUnknownWorkloads: infer }).attribute(ep);
}

const ok = (key: string, method: string) => ({ ok: true, endpoint: expect.objectContaining({ key }), method });
const miss = (reason: string, hint?: string) => ({ ok: false, reason, hint: hint ?? expect.any(String) });

describe('attribution', () => {
  test.each<[string, FlowEndpoint, boolean, unknown]>([
    [
      'by namespace + pod name',
      { kind: 'pod', namespace: 'shop', pod: 'cart-5c9d7f6b8d-qq7wz' },
      false,
      ok('workload:shop/cart', 'pod-name'),
    ],
    ['StatefulSet pod by name', { kind: 'pod', namespace: 'shop', pod: 'db-0' }, false, ok('workload:shop/db', 'pod-name')],
    [
      'by workload name (Hubble workloads[], Calico aggregate)',
      { kind: 'workload', namespace: 'shop', workload: { name: 'frontend' } },
      false,
      ok('workload:shop/frontend', 'workload-name'),
    ],
    [
      'an old pod (rolled out) by its stripped name',
      { kind: 'pod', namespace: 'shop', pod: 'cart-6f8b7c9d5-zz2kq' },
      false,
      ok('workload:shop/cart', 'pod-name-stripped'),
    ],
    ['an old StatefulSet ordinal', { kind: 'pod', namespace: 'shop', pod: 'db-3' }, false, ok('workload:shop/db', 'pod-name-stripped')],
    [
      'DaemonSet pod suffix',
      { kind: 'pod', namespace: 'monitoring', pod: 'node-agent-x7k2p' },
      false,
      ok('workload:monitoring/node-agent', 'pod-name-stripped'),
    ],
    [
      'remote endpoint by labels (subset of one workload)',
      { kind: 'pod', namespace: 'shop', labels: { app: 'reviews', version: 'v2' } },
      false,
      ok('workload:shop/reviews-v2', 'labels'),
    ],
    [
      'by workload labels when no pod matches',
      { kind: 'pod', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'frontend' } },
      false,
      ok('workload:shop/frontend', 'labels'),
    ],
    [
      'by app label naming the workload',
      { kind: 'pod', namespace: 'shop', labels: { app: 'db', extra: 'x' } },
      false,
      ok('workload:shop/db', 'app-label'),
    ],
    [
      'ambiguous labels',
      { kind: 'pod', namespace: 'shop', labels: { app: 'reviews' } },
      false,
      miss('ambiguous-labels', 'shop: app=reviews matches reviews-v1, reviews-v2'),
    ],
    ['by pod IP when nothing else is known', { kind: 'unknown', ip: '10.0.0.3' }, false, ok('workload:shop/reviews-v1', 'pod-ip')],
    ['an IP shared by host-network pods', { kind: 'unknown', ip: '172.18.0.2' }, false, miss('ambiguous-ip', '172.18.0.2')],
    ['an unknown private IP', { kind: 'unknown', ip: '10.9.9.9' }, false, miss('ip-not-in-inventory', '10.9.9.9')],
    ['an unknown public IP is external', { kind: 'unknown', ip: '52.1.2.3' }, false, ok('external:52.1.2.3/32', 'external-ip')],
    [
      'a pod unknown to the inventory',
      { kind: 'pod', namespace: 'shop', pod: 'ghost-7d4b9c8f6d-x2x9k' },
      false,
      miss('pod-not-in-inventory', 'shop/ghost-7d4b9c8f6d-x2x9k'),
    ],
    [
      '... inferred when asked',
      { kind: 'pod', namespace: 'shop', pod: 'ghost-7d4b9c8f6d-x2x9k' },
      true,
      ok('workload:shop/ghost', 'inferred'),
    ],
    [
      'a pod name wins over its (reused) IP',
      { kind: 'pod', namespace: 'shop', pod: 'ghost-7d4b9c8f6d-x2x9k', ip: '10.0.0.2' },
      false,
      miss('pod-not-in-inventory'),
    ],
    ['no namespace', { kind: 'pod', pod: 'cart-5c9d7f6b8d-qq7wz' }, false, miss('no-namespace')],
    [
      'external by DNS name (smallest of several, lower case)',
      { kind: 'external', ip: '1.2.3.4', dnsNames: ['www.example.com', 'API.example.com.'] },
      false,
      ok('external:api.example.com', 'external-dns'),
    ],
    ['external by IP', { kind: 'external', ip: '8.8.8.8' }, false, ok('external:8.8.8.8/32', 'external-ip')],
    ['external IPv6', { kind: 'external', ip: '2001:db8::1' }, false, ok('external:2001:db8::1/128', 'external-ip')],
    ['world that is really a known pod IP', { kind: 'external', ip: '10.0.0.2' }, false, ok('workload:shop/cart', 'pod-ip')],
    ['external CIDR', { kind: 'external', cidr: '10.0.0.0/8' }, false, ok('external:10.0.0.0/8', 'external-cidr')],
    ['Calico pub bucket', { kind: 'external', networkSet: 'pub' }, false, ok('external:pub', 'network-set')],
    [
      'Calico network set',
      { kind: 'external', networkSet: 'shop/partners' },
      false,
      ok('external:networkset:shop/partners', 'network-set'),
    ],
    ['reserved kube-apiserver', { kind: 'reserved', reserved: 'kube-apiserver' }, false, ok('reserved:kube-apiserver', 'reserved')],
    [
      'reserved host keeps its identity even with a known IP',
      { kind: 'reserved', reserved: 'host', ip: '10.0.0.2' },
      false,
      ok('reserved:host', 'reserved'),
    ],
    [
      'an unmanaged pod is found by IP',
      { kind: 'reserved', reserved: 'unmanaged', ip: '10.0.0.2' },
      false,
      ok('workload:shop/cart', 'pod-ip'),
    ],
    [
      'kube-dns is a workload like any other',
      { kind: 'pod', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      false,
      ok('workload:kube-system/coredns', 'labels'),
    ],
  ])('%s', (_name, ep, infer, expected) => {
    expect(attribute(ep, infer)).toEqual(expected);
  });

  test('a label set learned from a named pod attributes later remote observations of it', () => {
    const a = new Attributor(InventoryIndex.empty(), { inferUnknownWorkloads: true });
    const labels = Object.freeze({ app: 'productpage', version: 'v1' });
    expect(a.attribute({ kind: 'pod', namespace: 'bookinfo', pod: 'productpage-v1-6b746f74dc-9rcxx', labels })).toEqual(
      ok('workload:bookinfo/productpage-v1', 'inferred'),
    );
    expect(a.attribute({ kind: 'pod', namespace: 'bookinfo', labels })).toEqual(ok('workload:bookinfo/productpage-v1', 'labels'));
  });

  test('ClusterMesh: a pod of another cluster is not matched by namespace and name', () => {
    const a = new Attributor(index, { cluster: 'east' });
    expect(a.attribute({ kind: 'pod', cluster: 'west', namespace: 'shop', pod: 'cart-5c9d7f6b8d-qq7wz' })).toEqual(
      miss('other-cluster', 'west/shop/cart-5c9d7f6b8d-qq7wz'),
    );
    expect(a.attribute({ kind: 'pod', cluster: 'east', namespace: 'shop', pod: 'cart-5c9d7f6b8d-qq7wz' })).toEqual(
      ok('workload:shop/cart', 'pod-name'),
    );
  });

  test('attributed endpoints are interned', () => {
    const a = new Attributor(index);
    const x = a.attribute({ kind: 'pod', namespace: 'shop', pod: 'cart-5c9d7f6b8d-qq7wz' });
    const y = a.attribute({ kind: 'workload', namespace: 'shop', workload: { name: 'cart' } });
    expect(x.ok && y.ok && x.endpoint === y.endpoint).toBe(true);
  });
});

describe('attribution to nodes', () => {
  // node-1 at 172.18.0.2 (where the two host-network pods above run) and 203.0.113.2; node-2 at 172.18.0.3
  const withNodes = InventoryIndex.from({
    pods: [
      {
        namespace: 'kube-system',
        name: 'kube-proxy-abcde',
        ips: ['172.18.0.2'],
        workload: { kind: 'DaemonSet', name: 'kube-proxy' },
        labels: {},
        hostNetwork: true,
        nodeName: 'node-1',
      },
      { namespace: 'shop', name: 'db-0', ips: ['10.0.0.5'], workload: { kind: 'StatefulSet', name: 'db' }, labels: { app: 'db' } },
    ],
    workloads: [],
    nodes: [
      { name: 'node-1', addresses: [{ address: '172.18.0.2' }, { address: '203.0.113.2' }] },
      { name: 'node-2', addresses: [{ address: '172.18.0.3' }] },
    ],
  });
  const attributeOn = (ep: FlowEndpoint, observedOn?: string) => new Attributor(withNodes).attribute(ep, observedOn);

  test.each<[string, FlowEndpoint, string | undefined, unknown]>([
    [
      'Hubble reserved:host at the node InternalIP',
      { kind: 'reserved', reserved: 'host', ip: '172.18.0.2' },
      'node-2',
      ok('node:node-1', 'node-address'),
    ],
    [
      'Hubble reserved:remote-node at a node address',
      { kind: 'reserved', reserved: 'remote-node', ip: '172.18.0.3' },
      'node-1',
      ok('node:node-2', 'node-address'),
    ],
    [
      'reserved:host at the cilium_host address: the observing node',
      { kind: 'reserved', reserved: 'host', ip: '10.244.0.1' },
      'node-2',
      ok('node:node-2', 'observing-node'),
    ],
    [
      'reserved:host observed on a node the inventory does not know',
      { kind: 'reserved', reserved: 'host', ip: '10.244.0.1' },
      'node-9',
      ok('reserved:host', 'reserved'),
    ],
    [
      'reserved:remote-node elsewhere stays reserved',
      { kind: 'reserved', reserved: 'remote-node', ip: '10.244.1.1' },
      'node-1',
      ok('reserved:remote-node', 'reserved'),
    ],
    [
      'Calico host endpoint at the ExternalIP',
      { kind: 'reserved', reserved: 'host', ip: '203.0.113.2' },
      undefined,
      ok('node:node-1', 'node-address'),
    ],
    ['a bare IP of a node (edge list, VPC flow log)', { kind: 'unknown', ip: '172.18.0.3' }, undefined, ok('node:node-2', 'node-address')],
    ['a node address Hubble calls world', { kind: 'external', ip: '203.0.113.2' }, undefined, ok('node:node-1', 'node-address')],
    [
      'a host-network pod by name is its node',
      { kind: 'pod', namespace: 'kube-system', pod: 'kube-proxy-abcde' },
      undefined,
      ok('node:node-1', 'host-network-pod'),
    ],
    ['a pod IP stays the pod', { kind: 'unknown', ip: '10.0.0.5' }, undefined, ok('workload:shop/db', 'pod-ip')],
  ])('%s', (_name, ep, observedOn, expected) => {
    expect(attributeOn(ep, observedOn)).toEqual(expected);
  });

  test('without nodes, reserved:host stays reserved and a shared host-network IP stays ambiguous', () => {
    expect(attribute({ kind: 'reserved', reserved: 'host', ip: '172.18.0.2' })).toEqual(ok('reserved:host', 'reserved'));
    expect(attribute({ kind: 'unknown', ip: '172.18.0.2' })).toEqual(miss('ambiguous-ip', '172.18.0.2'));
  });
});

describe('endpoint keys', () => {
  test.each([
    'workload:payments/payments-api',
    'external:api.stripe.com',
    'external:8.8.8.8/32',
    'external:pub',
    'external:networkset:shop/partners',
    'reserved:kube-apiserver',
    'node:kind-control-plane',
  ])('%s round-trips', (key) => {
    const ep = parseEndpointKey(key)!;
    expect(ep.key).toBe(key);
    expect(endpointKey(ep)).toBe(key);
  });
  test.each(['workload:nonamespace', 'workload:a/b/c', 'reserved:world', 'pod:x/y', 'external:', 'node:', 'node:a/b', 'nothing'])(
    '%s is rejected',
    (key) => {
      expect(parseEndpointKey(key)).toBeUndefined();
    },
  );
});

describe('podNameCandidates', () => {
  test.each([
    ['web-7d4b9c8f6d-x2x9k', ['web-7d4b9c8f6d', 'web']],
    ['node-local-dns-88zrp', ['node-local-dns']],
    ['db-0', ['db']],
    ['orders-api', []],
    ['xwing', []],
  ])('%s', (pod, candidates) => {
    expect(podNameCandidates(pod)).toEqual(candidates);
  });
});
