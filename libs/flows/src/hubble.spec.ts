import { LabelCache, normalizeHubbleFlow, type FlowRecord } from '@bulkhead/flows';

const CLIENT = {
  ID: 11,
  identity: 5001,
  namespace: 'shop',
  labels: ['k8s:app=frontend', 'k8s:io.kubernetes.pod.namespace=shop', 'k8s:io.cilium.k8s.policy.cluster=default'],
  pod_name: 'frontend-7d4b9c8f6d-x2x9k',
};
const SERVER = {
  identity: 5002,
  namespace: 'shop',
  labels: ['k8s:app=cart', 'k8s:io.kubernetes.pod.namespace=shop'],
  pod_name: 'cart-5c9d7f6b8-qq7wz',
};

/** A packet between the client (10.0.0.1:43210) and the server (10.0.0.2:8080), in the given direction. */
function packet(
  direction: 'request' | 'reply',
  extra: Record<string, unknown> = {},
  flags?: Record<string, boolean>,
): Record<string, unknown> {
  const req = direction === 'request';
  return {
    time: '2026-11-28T09:00:00.123456789Z',
    verdict: 'FORWARDED',
    IP: { source: req ? '10.0.0.1' : '10.0.0.2', destination: req ? '10.0.0.2' : '10.0.0.1', ipVersion: 'IPv4' },
    l4: { TCP: { source_port: req ? 43210 : 8080, destination_port: req ? 8080 : 43210, ...(flags ? { flags } : {}) } },
    source: req ? CLIENT : SERVER,
    destination: req ? SERVER : CLIENT,
    Type: 'L3_L4',
    node_name: 'kind-worker',
    ...extra,
  };
}

function normalize(flow: Record<string, unknown>): FlowRecord {
  const r = normalizeHubbleFlow(flow, undefined, 1, new LabelCache());
  if (typeof r === 'string') throw new Error(`skipped: ${r}`);
  return r;
}

describe('reply flipping: every row must come out as frontend -> cart:8080', () => {
  test.each([
    ['is_reply false on a request', packet('request', { is_reply: false }), false, 'is_reply', 'high'],
    ['is_reply true on a reply', packet('reply', { is_reply: true }), true, 'is_reply', 'high'],
    ['is_reply wins over contradicting flags', packet('reply', { is_reply: true }, { SYN: true }), true, 'is_reply', 'high'],
    ['deprecated reply true', packet('reply', { reply: true }), true, 'reply', 'high'],
    ['SYN without ACK, no is_reply', packet('request', {}, { SYN: true }), false, 'tcp-flags', 'high'],
    ['SYN+ACK, no is_reply', packet('reply', {}, { SYN: true, ACK: true }), true, 'tcp-flags', 'high'],
    ['trace_reason NEW', packet('request', { trace_reason: 'NEW' }, { ACK: true }), false, 'trace-reason', 'high'],
    ['trace_reason REPLY', packet('reply', { trace_reason: 'REPLY' }, { ACK: true }), true, 'trace-reason', 'high'],
    ['l7 RESPONSE', packet('reply', { Type: 'L7', l7: { type: 'RESPONSE', http: { code: 200 } } }), true, 'l7-type', 'high'],
    ['l7 REQUEST', packet('request', { Type: 'L7', l7: { type: 'REQUEST', http: { method: 'GET' } } }), false, 'l7-type', 'high'],
    [
      'ACK only, TO_OVERLAY: port heuristic on a request',
      packet('request', { trace_observation_point: 'TO_OVERLAY' }, { ACK: true }),
      false,
      'port-heuristic',
      'low',
    ],
    [
      'ACK only, TO_OVERLAY: port heuristic on a reply',
      packet('reply', { trace_observation_point: 'TO_OVERLAY' }, { ACK: true }),
      true,
      'port-heuristic',
      'low',
    ],
    [
      'traffic_direction is not used for orientation',
      packet('reply', { traffic_direction: 'INGRESS', is_reply: true }),
      true,
      'is_reply',
      'high',
    ],
  ])('%s', (_name, flow, flipped, basis, confidence) => {
    const r = normalize(flow);
    expect(r.src.pod).toBe(CLIENT.pod_name);
    expect(r.dst.pod).toBe(SERVER.pod_name);
    expect(r.dstPort).toBe(8080);
    expect(r.srcPort).toBe(43210);
    expect(r.src.ip).toBe('10.0.0.1');
    expect(r.flipped).toBe(flipped);
    expect(r.directionBasis).toBe(basis);
    expect(r.directionConfidence).toBe(confidence);
  });

  test('ICMP echo reply is flipped by type', () => {
    const r = normalize({ ...packet('reply'), l4: { ICMPv4: { type: 0 } } });
    expect([r.src.pod, r.dst.pod, r.protocol, r.dstPort, r.directionBasis]).toEqual([
      CLIENT.pod_name,
      SERVER.pod_name,
      'ICMP',
      undefined,
      'icmp-type',
    ]);
  });
});

describe('connection starts', () => {
  test.each([
    ['SYN', packet('request', { is_reply: false }, { SYN: true }), true],
    ['SYN+ACK', packet('reply', { is_reply: true }, { SYN: true, ACK: true }), false],
    ['ACK', packet('request', { is_reply: false }, { ACK: true }), false],
    ['policy verdict event', packet('request', { is_reply: false, event_type: { type: 5 } }), true],
    ['trace_reason NEW', packet('request', { trace_reason: 'NEW' }), true],
    ['trace_reason ESTABLISHED', packet('request', { trace_reason: 'ESTABLISHED', is_reply: false }), false],
    ['L7 request', packet('request', { Type: 'L7', l7: { type: 'REQUEST' }, is_reply: false }), false],
    ['UDP request', { ...packet('request', { is_reply: false }), l4: { UDP: { source_port: 43210, destination_port: 53 } } }, true],
    ['UDP reply', { ...packet('reply', { is_reply: true }), l4: { UDP: { source_port: 53, destination_port: 43210 } } }, false],
  ])('%s -> %s', (_name, flow, start) => {
    expect(normalize(flow).newConnection).toBe(start);
  });
});

describe('endpoints', () => {
  test('namespace comes from the k8s:io.kubernetes.pod.namespace label when absent; labels lose Cilium keys', () => {
    const r = normalize(packet('request', { is_reply: false, source: { identity: 5001, labels: CLIENT.labels } }));
    expect(r.src).toMatchObject({ kind: 'pod', namespace: 'shop', labels: { app: 'frontend' }, cluster: 'default', pod: undefined });
  });

  test('pod_name wins over reserved:world (flagged)', () => {
    const r = normalize(
      packet('request', {
        is_reply: false,
        destination: { identity: 2, namespace: 'shop', labels: ['reserved:world'], pod_name: 'cart-5c9d7f6b8-qq7wz' },
      }),
    );
    expect(r.dst).toMatchObject({ kind: 'pod', pod: 'cart-5c9d7f6b8-qq7wz', identityConflict: true });
  });

  test('reserved identities, world with DNS names, kube-apiserver over world', () => {
    const host = normalize(packet('request', { is_reply: false, source: { identity: 1, labels: ['reserved:host'] } }));
    expect(host.src).toMatchObject({ kind: 'reserved', reserved: 'host' });
    const api = normalize(
      packet('request', { is_reply: false, destination: { identity: 16777217, labels: ['reserved:kube-apiserver', 'reserved:world'] } }),
    );
    expect(api.dst).toMatchObject({ kind: 'reserved', reserved: 'kube-apiserver' });
    const world = normalize(
      packet('request', {
        is_reply: false,
        destination: { identity: 2, labels: ['reserved:world'] },
        destination_names: ['api.stripe.com'],
      }),
    );
    expect(world.dst).toMatchObject({ kind: 'external', dnsNames: ['api.stripe.com'], ip: '10.0.0.2' });
    const remote = normalize(packet('request', { is_reply: false, source: { identity: 6 } }));
    expect(remote.src).toMatchObject({ kind: 'reserved', reserved: 'remote-node' });
  });

  test('workloads[] is kept and destination_service follows the flip', () => {
    const r = normalize(
      packet('reply', {
        is_reply: true,
        source: { ...SERVER, workloads: [{ name: 'cart', kind: 'Deployment' }] },
        source_service: { name: 'cart', namespace: 'shop' },
      }),
    );
    expect(r.dst.workload).toEqual({ name: 'cart', kind: 'Deployment' });
    expect(r.dst.service).toEqual({ name: 'cart', namespace: 'shop' });
  });

  test('the jsonpb wrapper supplies time and node when the flow lacks them', () => {
    const flow = packet('request', { is_reply: false });
    delete flow.time;
    delete flow.node_name;
    const r = normalizeHubbleFlow(flow, { time: '2026-11-28T09:00:01Z', node_name: 'cluster/node-1' }, 7, new LabelCache());
    expect(r).toMatchObject({ time: '2026-11-28T09:00:01Z', timeMs: Date.UTC(2026, 10, 28, 9, 0, 1), node: 'cluster/node-1', line: 7 });
  });

  test('verdicts', () => {
    expect(normalize(packet('request', { verdict: 'DROPPED', drop_reason_desc: 'POLICY_DENIED', is_reply: false }))).toMatchObject({
      verdict: 'denied',
      verdictReason: 'POLICY_DENIED',
    });
    expect(normalize(packet('request', { verdict: 'AUDIT', is_reply: false })).verdict).toBe('audit');
    expect(normalize(packet('request', { verdict: 'REDIRECTED', is_reply: false })).verdict).toBe('allowed');
    expect(normalize(packet('request', { is_reply: false, verdict: undefined })).verdict).toBe('unknown');
  });
});

describe('skipped flows', () => {
  const skip = (flow: Record<string, unknown>) => normalizeHubbleFlow(flow, undefined, 1, new LabelCache());
  test.each([
    ['TRANSLATED verdict', packet('request', { verdict: 'TRANSLATED' }), 'socket-translation'],
    ['SOCK type', packet('request', { Type: 'SOCK' }), 'socket-translation'],
    ['trace-sock event', packet('request', { event_type: { type: 7 } }), 'socket-translation'],
    ['reserved:health destination', packet('request', { destination: { identity: 4, labels: ['reserved:health'] } }), 'cilium-health'],
    ['health identity number', packet('request', { source: { identity: 4 } }), 'cilium-health'],
    [
      'port 4240 from the remote node',
      {
        ...packet('request', { source: { identity: 6, labels: ['reserved:remote-node'] }, destination: { identity: 0 } }),
        l4: { TCP: { source_port: 40484, destination_port: 4240 } },
      },
      'cilium-health',
    ],
    ['empty source object', packet('request', { source: {} }), 'empty-endpoint'],
    ['no l4', packet('request', { l4: undefined }), 'missing-l4'],
    ['no endpoint and no IP', packet('request', { IP: undefined, source: undefined }), 'missing-endpoint'],
    [
      'multicast destination',
      { ...packet('request', { destination: undefined }), IP: { source: '10.0.0.1', destination: 'ff02::2' } },
      'unsupported-protocol',
    ],
  ])('%s -> %s', (_name, flow, reason) => {
    expect(skip(flow)).toBe(reason);
  });
});
