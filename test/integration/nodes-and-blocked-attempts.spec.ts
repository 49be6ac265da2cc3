import { type Harness, startApi } from './support/harness';

/**
 * Nodes in the inventory and refused flows, through the API and the worker: a snapshot with two Nodes
 * and a host-network pod, Hubble flows to a node-local agent, from the kubelet, and one the policy
 * dropped. Node traffic lands on node:<name>; the dropped flow is a blocked attempt and never an edge,
 * so the plan has no allow for it.
 */

const node = (name: string, addresses: Array<[string, string]>) => ({
  apiVersion: 'v1',
  kind: 'Node',
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  status: { addresses: [...addresses.map(([type, address]) => ({ type, address })), { type: 'Hostname', address: name }] },
});
const pod = (namespace: string, name: string, app: string, ip: string, nodeName: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace, labels: { app } },
  spec: { nodeName, containers: [{ name: 'main', image: app, ports: [{ containerPort: 8080 }] }], ...extra },
  status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
});
const SNAPSHOT = {
  apiVersion: 'v1',
  kind: 'List',
  items: [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'monitoring' } },
    node('worker-1', [
      ['InternalIP', '172.18.0.11'],
      ['ExternalIP', '203.0.113.11'],
    ]),
    node('worker-2', [['InternalIP', '172.18.0.12']]),
    pod('shop', 'frontend', 'frontend', '10.244.1.10', 'worker-1'),
    pod('shop', 'db', 'db', '10.244.2.20', 'worker-2'),
    pod('monitoring', 'collector', 'collector', '10.244.1.30', 'worker-1'),
    pod('monitoring', 'node-exporter', 'node-exporter', '172.18.0.12', 'worker-2', { hostNetwork: true }),
  ],
};

const hubble = (
  time: string,
  verdict: string,
  src: { ip: string; endpoint: Record<string, unknown> },
  dst: { ip: string; endpoint: Record<string, unknown> },
  ports: [number, number],
  nodeName: string,
  extra: Record<string, unknown> = {},
) =>
  JSON.stringify({
    flow: {
      time,
      verdict,
      IP: { source: src.ip, destination: dst.ip, ipVersion: 'IPv4' },
      l4: { TCP: { source_port: ports[0], destination_port: ports[1], flags: { SYN: true } } },
      source: src.endpoint,
      destination: dst.endpoint,
      Type: 'L3_L4',
      node_name: nodeName,
      is_reply: false,
      ...extra,
    },
    node_name: nodeName,
    time,
  });
const podEnd = (namespace: string, name: string, app: string, ip: string) => ({
  ip,
  endpoint: { namespace, pod_name: name, labels: [`k8s:app=${app}`, `k8s:io.kubernetes.pod.namespace=${namespace}`] },
});
const host = (ip: string) => ({ ip, endpoint: { identity: 1, labels: ['reserved:host'] } });
const FLOWS = [
  // the collector calls the Hubble server on its own node
  hubble(
    '2026-11-20T10:00:00.000Z',
    'FORWARDED',
    podEnd('monitoring', 'collector', 'collector', '10.244.1.30'),
    host('172.18.0.11'),
    [47638, 4244],
    'worker-1',
  ),
  // the kubelet's health check, from the node's cilium_host address
  hubble(
    '2026-11-20T10:00:01.000Z',
    'FORWARDED',
    host('10.244.1.1'),
    podEnd('shop', 'frontend', 'frontend', '10.244.1.10'),
    [51000, 8080],
    'worker-1',
  ),
  // the frontend scraped by the host-network node exporter on the other node
  hubble(
    '2026-11-20T10:00:02.000Z',
    'FORWARDED',
    { ip: '172.18.0.12', endpoint: { identity: 6, labels: ['reserved:remote-node'] } },
    podEnd('shop', 'frontend', 'frontend', '10.244.1.10'),
    [52000, 8080],
    'worker-1',
  ),
  // a refused attempt, twice
  ...['2026-11-20T10:00:03.000Z', '2026-11-20T10:05:03.000Z'].map((time, i) =>
    hubble(
      time,
      'DROPPED',
      podEnd('shop', 'frontend', 'frontend', '10.244.1.10'),
      podEnd('shop', 'db', 'db', '10.244.2.20'),
      [53000 + i, 5432],
      'worker-1',
      { drop_reason_desc: 'POLICY_DENIED' },
    ),
  ),
].join('\n');

let api: Harness;
let clusterId: string;
let importId: string;

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'nodes', cni: 'cilium' } })).body.id;
  const snapshot = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, { role: 'operator', body: SNAPSHOT });
  expect(snapshot.status).toBe(200);
  expect(snapshot.body).toMatchObject({ nodes: 2, pods: 4 });
  const upload = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=flows.jsonl`, {
    role: 'operator',
    raw: FLOWS,
    headers: { 'content-type': 'application/x-ndjson' },
  });
  expect(upload.status).toBe(202);
  importId = upload.body.id;
  const done = await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${upload.body.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
  expect(done.body).toMatchObject({ status: 'succeeded', progress: { flowsParsed: 5, flowsAttributed: 3, flowsSkipped: 2 } });
}, 60000);
afterAll(() => api.close());

describe('nodes in the dependency map', () => {
  it('attributes node addresses, reserved:host and a host-network pod to their node', async () => {
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
    expect(edges.map((e: any) => `${e.fromKey} -> ${e.toKey} ${e.port}/${e.protocol}`)).toEqual([
      'node:worker-1 -> workload:shop/frontend 8080/TCP',
      'node:worker-2 -> workload:shop/frontend 8080/TCP',
      'workload:monitoring/collector -> node:worker-1 4244/TCP',
    ]);
    expect(edges.find((e: any) => e.toKey === 'node:worker-1')).toMatchObject({ to: 'node worker-1', addresses: ['172.18.0.11'] });
  });

  it('plans node traffic as ipBlocks of that node on the observed port, and leaves the kubelet health checks to the node', async () => {
    const created = await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' });
    expect(created.status).toBe(201);
    const policies: any[] = created.body.policies;
    const collector = policies.find((p) => p.metadata.name === 'bulkhead-collector-node-traffic');
    expect(collector.spec.egress).toEqual([
      { to: [{ ipBlock: { cidr: '172.18.0.11/32' } }, { ipBlock: { cidr: '203.0.113.11/32' } }], ports: [{ protocol: 'TCP', port: 4244 }] },
    ]);
    expect(collector.metadata.labels['bulkhead.io/purpose']).toBe('node-traffic');
    // from worker-2, where the frontend does not run: an explicit ingress from that node
    const frontend = policies.find((p) => p.metadata.name === 'bulkhead-frontend-node-traffic');
    expect(frontend.spec.ingress).toEqual([{ from: [{ ipBlock: { cidr: '172.18.0.12/32' } }], ports: [{ protocol: 'TCP', port: 8080 }] }]);
    const { plan, impact } = created.body.report;
    expect(plan.findings.find((f: any) => f.rule === 'node-traffic-cni').message).toContain('policy-cidr-match-mode: nodes');
    expect(plan.ignored).toEqual([
      expect.objectContaining({ key: 'node:worker-1|workload:shop/frontend|TCP|8080', reason: 'node-traffic' }),
    ]);
    // every observed edge stays open; the health check is the node's own, not evaluated by policy
    expect(impact.newlyBlocked).toEqual([]);
    expect(impact.unevaluated.map((e: any) => [e.key, e.note])).toEqual([
      ['node:worker-1|workload:shop/frontend|TCP|8080', 'from node worker-1, where the pods run: always allowed'],
    ]);
  });
});

describe('refused flows', () => {
  it('are blocked attempts with their reason, never edges', async () => {
    const blocked = await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked`, { role: 'viewer' });
    expect(blocked.status).toBe(200);
    expect(blocked.body.nextCursor).toBeNull();
    expect(blocked.body.items).toEqual([
      expect.objectContaining({
        kind: 'blocked',
        from: 'shop/frontend',
        to: 'shop/db',
        port: 5432,
        protocol: 'TCP',
        attempts: 2,
        reasons: ['POLICY_DENIED'],
        firstSeen: '2026-11-20T10:00:03.000Z',
        lastSeen: '2026-11-20T10:05:03.000Z',
        lastSource: { importId, format: 'hubble' },
      }),
    ]);
    const edges = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
    expect(edges.some((e: any) => e.toKey === 'workload:shop/db')).toBe(false);
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked?namespace=monitoring`, { role: 'viewer' })).body).toEqual({
      items: [],
      nextCursor: null,
    });
  });

  it('come in pages, whose cursors are no edge cursors', async () => {
    const edgePage = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1`, { role: 'viewer' })).body;
    expect(edgePage.nextCursor).toEqual(expect.any(String));
    const refused = await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked?cursor=${edgePage.nextCursor}`, { role: 'viewer' });
    expect(refused.status).toBe(400);
    expect(refused.body.problems).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
    const limited = await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked?limit=0`, { role: 'viewer' });
    expect(limited.status).toBe(400);
  });

  it('make no allow in the plan', async () => {
    const plan = (await api.call('POST', `/api/v1/clusters/${clusterId}/plans`, { role: 'operator' })).body;
    expect(plan.policies.filter((p: any) => p.metadata.namespace === 'shop' && JSON.stringify(p).includes('5432'))).toEqual([]);
  });
});

describe('declaring what was refused', () => {
  const declare = (body: object) => api.call('POST', `/api/v1/clusters/${clusterId}/edges`, { role: 'operator', body });

  it('turns a blocked attempt, named by the keys of its ends, into a declared edge, and keeps the attempt as evidence', async () => {
    const [attempt] = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked`, { role: 'viewer' })).body.items;
    const declared = await declare({ from: attempt.fromKey, to: attempt.toKey, port: attempt.port, protocol: attempt.protocol });
    expect(declared.status).toBe(201);
    expect(declared.body).toMatchObject({ fromKey: 'workload:shop/frontend', toKey: 'workload:shop/db', port: 5432, origin: 'manual' });
    const blocked = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges/blocked`, { role: 'viewer' })).body.items;
    expect(blocked.map((b: any) => b.id)).toEqual([attempt.id]);
  });

  it('names a node by its key, and refuses a node the inventory does not have, naming the field', async () => {
    const toNode = await declare({ from: 'monitoring/collector', to: 'node:worker-2', port: 4244, protocol: 'TCP' });
    expect(toNode.status).toBe(201);
    expect(toNode.body).toMatchObject({ toKey: 'node:worker-2', to: 'node worker-2', origin: 'manual' });
    const unknown = await declare({ from: 'node:worker-9', to: 'shop/frontend', port: 8080, protocol: 'TCP' });
    expect(unknown.status).toBe(400);
    expect(unknown.body).toMatchObject({
      code: 'edge.unknown_endpoint',
      problems: [{ field: 'body.from', reason: expect.stringContaining('no such node') }],
    });
  });
});
