import {
  LabelCache,
  normalizeCalicoDocument,
  normalizeCalicoLegacyLine,
  workloadFromAggregatedName,
  type FlowRecord,
} from '@bulkhead/flows';

const base = {
  start_time: 1597166083,
  end_time: 1597166383,
  source_ip: null,
  source_name: '-',
  source_name_aggr: 'checkoutservice-598d5b586d-*',
  source_namespace: 'shop',
  source_type: 'wep',
  source_labels: { labels: ['app=checkoutservice', 'pod-template-hash=598d5b586d'] },
  source_port: null,
  dest_ip: null,
  dest_name: '-',
  dest_name_aggr: 'paymentservice-7f9c8d6b5-*',
  dest_namespace: 'shop',
  dest_type: 'wep',
  dest_labels: '-',
  dest_port: 50051,
  dest_service_namespace: 'shop',
  dest_service_name: 'paymentservice',
  proto: 'tcp',
  action: 'allow',
  reporter: 'src',
  num_flows: 4,
  num_flows_started: 2,
  num_flows_completed: 1,
  host: 'node-1',
};

function normalize(doc: Record<string, unknown>): FlowRecord {
  const r = normalizeCalicoDocument(doc, 1, new LabelCache());
  if (typeof r === 'string') throw new Error(`skipped: ${r}`);
  return r;
}

describe('Calico flow log JSON', () => {
  test('aggregated names are stripped to the workload; - and null are absent; labels lose pod-template-hash', () => {
    const r = normalize(base);
    expect(r.src).toMatchObject({
      kind: 'workload',
      namespace: 'shop',
      workload: { name: 'checkoutservice' },
      labels: { app: 'checkoutservice' },
    });
    expect(r.src.ip).toBeUndefined();
    expect(r.src.pod).toBeUndefined();
    expect(r.dst).toMatchObject({
      kind: 'workload',
      workload: { name: 'paymentservice' },
      labels: undefined,
      service: { namespace: 'shop', name: 'paymentservice' },
    });
    expect(r).toMatchObject({
      protocol: 'TCP',
      dstPort: 50051,
      verdict: 'allowed',
      reporter: 'src',
      connections: 2,
      newConnection: true,
      node: 'node-1',
    });
    expect(r).toMatchObject({ timeMs: 1597166083000, endTimeMs: 1597166383000, flipped: false, directionBasis: 'connection-oriented' });
  });

  test.each([
    ['deny + dst reporter', { action: 'deny', reporter: 'dst' }, { verdict: 'denied', reporter: 'dst' }],
    ['"dst, fwd"', { reporter: 'dst, fwd' }, { reporter: 'dst' }],
    ['fwd', { reporter: 'fwd' }, { reporter: 'fwd' }],
    ['protocol number', { proto: '17' }, { protocol: 'UDP' }],
    ['no num_flows_started: num_flows', { num_flows_started: undefined }, { connections: 4 }],
    ['nothing: one', { num_flows_started: undefined, num_flows: undefined }, { connections: 1 }],
    [
      'Whisker-style labels string',
      { source_labels: 'app=checkoutservice,tier=backend' },
      { src: expect.objectContaining({ labels: { app: 'checkoutservice', tier: 'backend' } }) },
    ],
  ])('%s', (_name, patch, expected) => {
    expect(normalize({ ...base, ...patch })).toMatchObject(expected);
  });

  test('a denied flow at aggregation level 1 keeps pod names and IPs', () => {
    const r = normalize({ ...base, source_name: 'checkoutservice-598d5b586d-abcde', source_ip: '10.1.2.3', action: 'deny' });
    expect(r.src).toMatchObject({
      kind: 'pod',
      pod: 'checkoutservice-598d5b586d-abcde',
      ip: '10.1.2.3',
      workload: { name: 'checkoutservice' },
    });
  });

  test('network sets, pub/pvt buckets, domains and host endpoints', () => {
    const ext = normalize({
      ...base,
      dest_type: 'net',
      dest_name_aggr: 'pub',
      dest_namespace: '-',
      dest_domains: ['api.stripe.com'],
      dest_port: 443,
    });
    expect(ext.dst).toMatchObject({ kind: 'external', networkSet: 'pub', dnsNames: ['api.stripe.com'] });
    const ns = normalize({ ...base, dest_type: 'ns', dest_name_aggr: 'partners', dest_namespace: 'shop' });
    expect(ns.dst).toMatchObject({ kind: 'external', networkSet: 'shop/partners' });
    const hep = normalize({ ...base, source_type: 'hep', source_name_aggr: 'node-1-eth0', source_namespace: '-' });
    expect(hep.src).toMatchObject({ kind: 'reserved', reserved: 'host' });
  });

  test('skips', () => {
    const cache = new LabelCache();
    expect(normalizeCalicoDocument({ ...base, proto: 'gre' }, 1, cache)).toBe('unsupported-protocol');
    expect(normalizeCalicoDocument({ ...base, dest_port: '-' }, 1, cache)).toBe('missing-port');
    expect(normalizeCalicoDocument({ hello: 1 }, 1, cache)).toBe('unrecognized-object');
    expect(normalizeCalicoDocument([1], 1, cache)).toBe('not-an-object');
    expect(normalizeCalicoDocument({ ...base, source_namespace: '-', source_name_aggr: '-', source_type: 'wep' }, 1, cache)).toBe(
      'missing-endpoint',
    );
  });
});

describe('legacy space-delimited line', () => {
  test('the header line is recognised and ignored', () => {
    expect(normalizeCalicoLegacyLine('startTime endTime srcType', 1, new LabelCache())).toBeNull();
  });
  test('wrong field count is malformed', () => {
    expect(normalizeCalicoLegacyLine('1528842551 1528842851 wep dev', 2, new LabelCache())).toBe('malformed-line');
  });
  test('in -> dst reporter, IANA protocol numbers', () => {
    const r = normalizeCalicoLegacyLine(
      '1528842551 1528842851 wep dev rails-81531* - wep dev memcached-38456* - - - 17 - 11211 7 3 4 in 154 61 70111 49404 deny',
      3,
      new LabelCache(),
    );
    expect(r).toMatchObject({
      reporter: 'dst',
      protocol: 'UDP',
      dstPort: 11211,
      verdict: 'denied',
      connections: 3,
      src: { workload: { name: 'rails' } },
    });
  });
});

describe('workloadFromAggregatedName', () => {
  test.each([
    ['checkoutservice-598d5b586d-*', 'checkoutservice'],
    ['access-6b687c8dcb-*', 'access'],
    ['client-pods-*', 'client-pods'],
    ['web-*', 'web'],
    ['rails-81531*', 'rails'],
    ['multitool', 'multitool'],
    ['orders-api-*', 'orders-api'],
  ])('%s -> %s', (aggr, name) => {
    expect(workloadFromAggregatedName(aggr)).toBe(name);
  });
});

test('absurd times and counts are dropped or clamped, not thrown', () => {
  const r = normalize({ ...base, start_time: 1e15, end_time: true, num_flows_started: -3 });
  expect(r).toMatchObject({ time: undefined, timeMs: undefined, endTimeMs: undefined, connections: 0, newConnection: false });
});
