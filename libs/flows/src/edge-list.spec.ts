import { importFlowText, InventoryIndex, normalizeEdgeListItem, parseEdgeListEndpoint } from '@bulkhead/flows';

describe('edge list endpoints', () => {
  test.each([
    ['orders/orders-api', { kind: 'workload', namespace: 'orders', workload: { name: 'orders-api' } }],
    ['workload:orders/orders-api', { kind: 'workload', namespace: 'orders', workload: { name: 'orders-api' } }],
    ['8.8.8.8', { kind: 'external', ip: '8.8.8.8' }],
    ['8.8.8.8/32', { kind: 'external', ip: '8.8.8.8' }],
    ['external:8.8.8.8/32', { kind: 'external', ip: '8.8.8.8' }],
    ['10.0.0.0/8', { kind: 'external', cidr: '10.0.0.0/8' }],
    ['2001:db8::/32', { kind: 'external', cidr: '2001:db8::/32' }],
    ['api.stripe.com', { kind: 'external', dnsNames: ['api.stripe.com'] }],
    ['external:API.Stripe.com.', { kind: 'external', dnsNames: ['api.stripe.com'] }],
    ['reserved:kube-apiserver', { kind: 'reserved', reserved: 'kube-apiserver' }],
    ['reserved:world', { kind: 'external', cidr: '0.0.0.0/0' }],
  ])('%s', (text, endpoint) => {
    expect(parseEdgeListEndpoint(text)).toEqual(endpoint);
  });

  test.each(['', 'orders', 'a/b/c', 'Orders/API', 'reserved:nope', 42, null])('%j is not an endpoint', (text) => {
    expect(parseEdgeListEndpoint(text)).toBeUndefined();
  });
});

describe('edge list items', () => {
  test('defaults: TCP, one connection', () => {
    const r = normalizeEdgeListItem({ from: 'a/b', to: 'c/d', port: 80 }, 3);
    expect(r).toMatchObject({
      format: 'edge-list',
      protocol: 'TCP',
      dstPort: 80,
      connections: 1,
      newConnection: true,
      line: 3,
      verdict: 'unknown',
    });
  });
  test.each([
    [{ from: 'a/b', to: 'c/d' }, 'missing-port'],
    [{ from: 'a/b', to: 'c/d', port: 70000 }, 'missing-port'],
    [{ from: 'a/b', to: 'nope', port: 80 }, 'invalid-endpoint'],
    [{ from: 'a/b', to: 'c/d', port: 80, protocol: 'gre' }, 'unsupported-protocol'],
    [{ src: 'a/b' }, 'unrecognized-object'],
  ])('%j -> %s', (item, reason) => {
    expect(normalizeEdgeListItem(item, 1)).toBe(reason);
  });
  test('ICMP needs no port; count, time and verdict are read', () => {
    expect(
      normalizeEdgeListItem({ from: 'a/b', to: '1.1.1.1', protocol: 'icmp', count: 5, time: '2026-11-28T09:00:00Z', verdict: 'denied' }, 1),
    ).toMatchObject({
      protocol: 'ICMP',
      dstPort: undefined,
      connections: 5,
      timeMs: Date.UTC(2026, 10, 28, 9),
      verdict: 'denied',
    });
  });
});

describe('edge list files', () => {
  const inventory = {
    pods: [
      {
        namespace: 'orders',
        name: 'orders-api-7d4b9c8f6d-x2x9k',
        ips: ['10.1.0.5'],
        workload: { kind: 'Deployment', name: 'orders-api' },
        labels: { app: 'orders-api' },
      },
    ],
    workloads: [
      { namespace: 'orders', name: 'orders-api', kind: 'Deployment', labels: {} },
      { namespace: 'payments', name: 'payments-api', kind: 'Deployment', labels: {} },
    ],
  };
  const spec = '[{"from":"orders/orders-api","to":"payments/payments-api","port":8080,"protocol":"TCP"}]';

  test('the JSON array of the spec', () => {
    const r = importFlowText(spec, inventory);
    expect(r.edges.map((e) => e.key)).toEqual(['workload:orders/orders-api|workload:payments/payments-api|TCP|8080']);
    expect(r.edges[0]?.connections).toBe(1);
  });

  test('one object per line, pod names resolved, repeated rows added up, IPs external', () => {
    const text = [
      '{"from":"orders/orders-api-7d4b9c8f6d-x2x9k","to":"payments/payments-api","port":8080,"count":3}',
      '{"from":"orders/orders-api","to":"payments/payments-api","port":8080,"protocol":"tcp","count":2}',
      '{"from":"orders/orders-api","to":"8.8.8.8","port":53,"protocol":"UDP"}',
    ].join('\n');
    const r = importFlowText(text, inventory);
    expect(r.reader.format).toBe('edge-list');
    expect(r.edges.map((e) => [e.key, e.connections])).toEqual([
      ['workload:orders/orders-api|external:8.8.8.8/32|UDP|53', 1],
      ['workload:orders/orders-api|workload:payments/payments-api|TCP|8080', 5],
    ]);
  });

  test('exported edge keys read back', () => {
    const r = importFlowText(spec, inventory);
    const roundTrip = importFlowText(
      JSON.stringify(r.edges.map((e) => ({ from: e.src.key, to: e.dst.key, port: e.port, protocol: e.protocol, count: e.connections }))),
      inventory,
    );
    expect(roundTrip.edges.map((e) => e.key)).toEqual(r.edges.map((e) => e.key));
  });

  test('a workload unknown to the inventory is unattributed with a reason', () => {
    const r = importFlowText('[{"from":"orders/ghost","to":"payments/payments-api","port":8080}]', inventory);
    expect(r.edges).toEqual([]);
    expect(r.aggregation.unattributedByReason).toEqual({ 'src:workload-not-in-inventory': 1 });
    expect(r.aggregation.unattributedSamples).toEqual([
      { end: 'src', reason: 'workload-not-in-inventory', hint: 'orders/ghost', count: 1 },
    ]);
  });

  test('InventoryIndex.empty works with inference', () => {
    const r = importFlowText(spec, InventoryIndex.empty(), { inferUnknownWorkloads: true });
    expect(r.edges[0]?.attribution).toEqual(['inferred']);
  });
});
