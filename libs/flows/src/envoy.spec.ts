import { createFlowReader, importFlowText, normalizeEnvoyJson, normalizeEnvoyTextLine, type FlowRecord } from '@bulkhead/flows';
import { inventoryOf } from '../../../test/fixtures/flows/inventory';
import { readSample, SAMPLE } from '../../../test/fixtures/flows/samples';

function records(text: string): FlowRecord[] {
  const reader = createFlowReader();
  return [...reader.feed(text), ...reader.end()];
}

/** The istio.io sample's cluster: sleep calls httpbin in namespace foo. */
const foo = inventoryOf([
  { namespace: 'foo', name: 'sleep-854565cb79-mcmnb', ip: '10.44.1.23', workload: { kind: 'Deployment', name: 'sleep' } },
  { namespace: 'foo', name: 'httpbin-779c54bf49-dqmgm', ip: '10.44.1.27', workload: { kind: 'Deployment', name: 'httpbin' } },
]);

describe('Istio/Envoy access log, default TEXT format (istio.io sample: one request, logged by both sidecars)', () => {
  test('the client sidecar line: the app calls the backend pod on its target port, through the Service it dialled', () => {
    const [outbound, inbound] = records(readSample(SAMPLE.envoyText));
    expect(outbound).toMatchObject({
      format: 'envoy-access-log',
      line: 1,
      time: '2020-11-25T21:26:18.409Z',
      src: { kind: 'unknown', ip: '10.44.1.23' },
      dst: { kind: 'unknown', ip: '10.44.1.27', service: { namespace: 'foo', name: 'httpbin' } },
      srcPort: 46520,
      dstPort: 80,
      protocol: 'TCP',
      verdict: 'allowed',
      reporter: 'src',
      observationPoint: 'outbound',
      directionBasis: 'proxy-side',
    });
    expect(inbound).toMatchObject({
      line: 2,
      src: { kind: 'unknown', ip: '10.44.1.23' },
      dst: { kind: 'unknown', ip: '10.44.1.27' },
      dstPort: 80,
      reporter: 'dst',
      observationPoint: 'inbound',
    });
  });

  test('both lines meet on one edge, found by pod IP, and the request counts once', () => {
    const r = importFlowText(readSample(SAMPLE.envoyText), foo);
    expect(r.reader.format).toBe('envoy-access-log');
    expect(r.aggregation.unattributed).toBe(0);
    expect(r.edges).toHaveLength(1);
    expect(r.edges[0]).toMatchObject({
      key: 'workload:foo/sleep|workload:foo/httpbin|TCP|80',
      connections: 1,
      observations: 2,
      reporters: ['src', 'dst'],
      formats: ['envoy-access-log'],
      attribution: ['pod-ip'],
      firstSeen: '2020-11-25T21:26:18.409Z',
      verdict: 'allowed',
      declared: false,
    });
  });

  test('without the pods in the inventory, the private addresses stay unattributed, with the address', () => {
    const r = importFlowText(readSample(SAMPLE.envoyText), inventoryOf([]));
    expect(r.edges).toEqual([]);
    expect(r.aggregation.unattributedByReason).toEqual({ 'src:ip-not-in-inventory': 2 });
    expect(r.aggregation.unattributedSamples[0]).toMatchObject({ hint: '10.44.1.23', count: 2 });
  });
});

describe('Istio/Envoy access log details', () => {
  const line = (cluster: string, flags = '-', upstreamHost = '10.44.1.27:80') =>
    `[2020-11-25T21:26:18.409Z] "GET / HTTP/1.1" 503 ${flags} - - "-" 0 0 1 - "-" "curl" "id" "httpbin:8000" "${upstreamHost}" ${cluster} 10.44.1.23:37652 10.0.45.184:8000 10.44.1.23:46520 - default`;

  test('an upstream connection failure (UF) or the BlackHoleCluster is a refused attempt, not an allowed call', () => {
    expect(normalizeEnvoyTextLine(line('outbound|8000||httpbin.foo.svc.cluster.local', 'UF,URX'), 1)).toMatchObject({
      verdict: 'denied',
      verdictReason: 'UF',
    });
    expect(normalizeEnvoyTextLine(line('BlackHoleCluster', '-', '-'), 1)).toMatchObject({
      verdict: 'denied',
      verdictReason: 'BlackHoleCluster',
      dst: { ip: '10.0.45.184' },
      dstPort: 8000,
    });
  });

  test('a PassthroughCluster call goes to the address the app dialled', () => {
    expect(normalizeEnvoyTextLine(line('PassthroughCluster', '-', '93.184.216.34:443'), 1)).toMatchObject({
      dst: { kind: 'unknown', ip: '93.184.216.34' },
      dstPort: 443,
      reporter: 'src',
    });
  });

  test('older formats with fewer fields before the cluster read alike; lines without one are malformed', () => {
    const older =
      '[2019-03-06T09:31:27.360Z] "GET /status/418 HTTP/1.1" 418 - 0 135 5 2 "-" "curl/7.60.0" "d209e46f" "httpbin:8000" "172.30.146.73:80" outbound|8000||httpbin.default.svc.cluster.local - 172.21.13.94:8000 172.30.146.82:60290 -';
    expect(normalizeEnvoyTextLine(older, 1)).toMatchObject({ src: { ip: '172.30.146.82' }, dst: { ip: '172.30.146.73' }, dstPort: 80 });
    expect(normalizeEnvoyTextLine('[2019-03-06T09:31:27.360Z] "GET / HTTP/1.1" 200 - 0 0 1', 1)).toBe('malformed-line');
    expect(normalizeEnvoyTextLine('[2019-03-06T09:31:27.360Z] "GET / HTTP/1.1 200', 1)).toBe('malformed-line');
  });

  test('the JSON encoding, with "-" and null for absent values and loopback traffic skipped', () => {
    const entry = {
      start_time: '2024-05-01T10:00:00.000Z',
      response_flags: '-',
      upstream_host: '10.44.1.27:80',
      upstream_cluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
      downstream_local_address: '10.0.45.184:8000',
      downstream_remote_address: '10.44.1.23:46520',
      request_id: null,
    };
    expect(normalizeEnvoyJson(entry, 3)).toMatchObject({ line: 3, src: { ip: '10.44.1.23' }, dst: { ip: '10.44.1.27' }, dstPort: 80 });
    expect(normalizeEnvoyJson({ ...entry, upstream_cluster: 'inbound|80||', downstream_remote_address: '127.0.0.6:4000' }, 1)).toBe(
      'loopback',
    );
    expect(normalizeEnvoyJson({ ...entry, downstream_remote_address: '-' }, 1)).toBe('missing-endpoint');
    expect(normalizeEnvoyJson({ hello: 'world' }, 1)).toBe('unrecognized-object');
    const r = importFlowText(`${JSON.stringify(entry)}\n`, foo);
    expect(r.reader.format).toBe('envoy-access-log');
    expect(r.edges.map((e) => e.key)).toEqual(['workload:foo/sleep|workload:foo/httpbin|TCP|80']);
  });
});
