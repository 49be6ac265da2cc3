import { createFlowReader, importFlowText, normalizeAdvisedPolicy, normalizeTraceTcpEvent, type FlowRecord } from '@bulkhead/flows';
import { inventoryOf } from '../../../test/fixtures/flows/inventory';
import { readSample, SAMPLE } from '../../../test/fixtures/flows/samples';

function records(text: string): FlowRecord[] {
  const reader = createFlowReader();
  return [...reader.feed(text), ...reader.end()];
}

const keys = (r: ReturnType<typeof importFlowText>) => r.edges.map((e) => e.key);

describe('Inspektor Gadget trace_tcp JSON (the docs sample: a pod and a plain container run wget 1.1.1.1)', () => {
  const minikube = inventoryOf([{ namespace: 'default', name: 'mypod2', ip: '10.244.0.8' }]);

  test('a connect makes the traced pod the client of the address it dialled', () => {
    const [pod, container] = records(readSample(SAMPLE.igTraceTcp));
    expect(pod).toMatchObject({
      format: 'ig-trace-tcp',
      time: '2024-07-31T18:38:31.977700392Z',
      timeMs: Date.parse('2024-07-31T18:38:31.977Z'),
      src: { kind: 'pod', namespace: 'default', pod: 'mypod2', ip: '10.244.0.8' },
      dst: { kind: 'unknown', ip: '1.1.1.1' },
      srcPort: 41464,
      dstPort: 80,
      reporter: 'src',
      node: 'minikube',
      directionBasis: 'event-type',
      newConnection: true,
    });
    // `ig` on a plain host: no Kubernetes fields, only the container's address
    expect(container?.src).toEqual({ kind: 'unknown', ip: '172.17.0.3' });
    expect(container?.timeMs).toBe(Date.parse('2024-07-31T18:39:16.455Z'));
  });

  test('the pod is found in the inventory; the container outside Kubernetes stays unattributed, by its address', () => {
    const r = importFlowText(readSample(SAMPLE.igTraceTcp), minikube);
    expect(r.reader.format).toBe('ig-trace-tcp');
    expect(keys(r)).toEqual(['workload:default/mypod2|external:1.1.1.1/32|TCP|80']);
    expect(r.edges[0]).toMatchObject({ connections: 1, attribution: ['pod-name', 'external-ip'], verdict: 'allowed' });
    expect(r.aggregation.unattributedSamples).toEqual([{ end: 'src', reason: 'ip-not-in-inventory', hint: '172.17.0.3', count: 1 }]);
  });

  const event = (over: Record<string, unknown>) => ({
    src: { addr: '10.244.0.8', port: 41464, proto: 'TCP' },
    dst: { addr: '10.244.0.9', port: 8080, proto: 'TCP', k8s: { kind: 'pod', namespace: 'shop', name: 'cart-0' } },
    k8s: { namespace: 'default', podName: 'mypod2', owner: { kind: 'Deployment', name: 'web' } },
    timestamp_raw: 1722451111977700392,
    type: 'connect',
    ...over,
  });

  test('an accept makes the traced pod the server, on its own port; the peer is named by the IP resolver', () => {
    expect(normalizeTraceTcpEvent(event({ type: 'accept' }), 1)).toMatchObject({
      src: { kind: 'pod', namespace: 'shop', pod: 'cart-0', ip: '10.244.0.9' },
      dst: { kind: 'pod', namespace: 'default', pod: 'mypod2', workload: { kind: 'Deployment', name: 'web' } },
      dstPort: 41464,
      reporter: 'dst',
      flipped: true,
      timeMs: 1722451111977,
    });
  });

  test('close events, loopback, other protocols and failed connects', () => {
    expect(normalizeTraceTcpEvent(event({ type: 'close' }), 1)).toBe('non-flow-event');
    expect(normalizeTraceTcpEvent(event({ dst: { addr: '127.0.0.1', port: 80, proto: 6 } }), 1)).toBe('loopback');
    expect(normalizeTraceTcpEvent(event({ dst: { addr: '10.0.0.1', port: 53, proto: 17 } }), 1)).toBe('unsupported-protocol');
    expect(normalizeTraceTcpEvent(event({ error: 111 }), 1)).toMatchObject({
      verdict: 'denied',
      verdictReason: 'connect failed: error 111',
    });
    expect(normalizeTraceTcpEvent({ type: 'connect' }, 1)).toBe('unrecognized-object');
  });

  test('a raw timestamp beyond what a Date can hold leaves the event without a time instead of throwing', () => {
    const far = normalizeTraceTcpEvent(event({ timestamp_raw: 1e25 }), 1);
    expect(far).toMatchObject({ format: 'ig-trace-tcp', dstPort: 8080 });
    expect(far).toMatchObject({ time: undefined, timeMs: undefined });
  });
});

describe('Inspektor Gadget advise networkpolicy output (the docs sample: test-pod calls nginx, 1.1.1.1 and DNS)', () => {
  const cluster = inventoryOf([
    {
      namespace: 'default',
      name: 'nginx-7c5ddbdf54-2x9bq',
      ip: '10.244.0.12',
      workload: { kind: 'Deployment', name: 'nginx' },
      labels: { app: 'nginx' },
      ports: [{ port: 80, protocol: 'TCP' }],
    },
    { namespace: 'default', name: 'test-pod', ip: '10.244.0.13', labels: { run: 'test-pod' } },
    {
      namespace: 'kube-system',
      name: 'coredns-787d4945fb-8xk2p',
      ip: '10.244.0.2',
      workload: { kind: 'Deployment', name: 'coredns' },
      labels: { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' },
      ports: [{ port: 53, protocol: 'UDP' }],
    },
  ]);

  test('each rule peer and port is a declared record; ingress rules from the peer, egress rules to it', () => {
    const recs = records(readSample(SAMPLE.igAdvise));
    expect(recs).toHaveLength(5);
    expect(recs.every((x) => x.declared === true && x.connections === 0 && x.format === 'ig-advise-networkpolicy')).toBe(true);
    expect(recs[0]).toMatchObject({
      line: 1,
      src: { kind: 'pod', namespace: 'default', labels: { run: 'test-pod' } },
      dst: { kind: 'pod', namespace: 'default', labels: { app: 'nginx' } },
      dstPort: 80,
      reporter: 'dst',
    });
    expect(recs[4]).toMatchObject({
      line: 23,
      dst: { kind: 'pod', namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' } },
      dstPort: 53,
      protocol: 'UDP',
      reporter: 'src',
    });
  });

  test('the workloads are found by their labels: four declared edges, nginx declared from both sides', () => {
    const r = importFlowText(readSample(SAMPLE.igAdvise), cluster);
    expect(r.reader.format).toBe('ig-advise-networkpolicy');
    expect(r.reader.framing).toBe('yaml-documents');
    expect(keys(r)).toEqual([
      'workload:default/test-pod|external:1.1.1.1/32|TCP|443',
      'workload:default/test-pod|external:1.1.1.1/32|TCP|80',
      'workload:default/test-pod|workload:default/nginx|TCP|80',
      'workload:default/test-pod|workload:kube-system/coredns|UDP|53',
    ]);
    expect(r.edges.every((e) => e.declared && e.connections === 0 && e.firstSeen === null)).toBe(true);
    expect(r.edges[2]).toMatchObject({ observations: 2, reporters: ['src', 'dst'], attribution: ['labels'] });
  });

  test('pods the inventory does not hold stay unattributed, naming the labels', () => {
    const r = importFlowText(readSample(SAMPLE.igAdvise), inventoryOf([]));
    expect(r.edges).toEqual([]);
    expect(r.aggregation.unattributedByReason).toEqual({ 'src:labels-not-in-inventory': 5 });
  });

  test('selectors that name no single set of pods are skipped; a rule without ports takes the served ports', () => {
    const policy = (spec: Record<string, unknown>) => ({
      kind: 'NetworkPolicy',
      metadata: { namespace: 'default' },
      spec: { podSelector: { matchLabels: { run: 'test-pod' } }, ...spec },
    });
    expect(normalizeAdvisedPolicy(policy({ podSelector: {} }), 1)).toBe('unsupported-selector');
    expect(
      normalizeAdvisedPolicy(policy({ egress: [{ to: [{ namespaceSelector: { matchLabels: { team: 'a' } }, podSelector: {} }] }] }), 1),
    ).toBe('unsupported-selector');
    const open = normalizeAdvisedPolicy(policy({ egress: [{ to: [{ podSelector: { matchLabels: { app: 'nginx' } } }] }] }), 1);
    expect(open).toMatchObject([{ portFromInventory: true, dstPort: undefined }]);
    const r = importFlowText(JSON.stringify(policy({ egress: [{ to: [{ podSelector: { matchLabels: { app: 'nginx' } } }] }] })), cluster);
    expect(keys(r)).toEqual(['workload:default/test-pod|workload:default/nginx|TCP|80']);
  });
});
