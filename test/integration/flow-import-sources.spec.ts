// Each newer flow source through the API and the worker, on its published sample, into the map of a
// cluster whose snapshot holds the pods at the samples' names and addresses.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { readSample, SAMPLE, VPC_HEADER, vpcVersion4 } from '../fixtures/flows/samples';
import { type Harness, startApi } from './support/harness';

interface Edge {
  from: string;
  to: string;
  port: number;
  protocol: string;
  origin: string;
  connections: number;
  sources: Array<{ importId: string; format: string | null; connections: number }>;
}

let api: Harness;
let clusterId: string;

/** Uploads a file and waits for its import to finish. */
async function imported(body: string, fileName: string) {
  const res = await api.call('POST', `/api/v1/clusters/${clusterId}/flow-imports?fileName=${fileName}`, {
    role: 'operator',
    raw: body,
    headers: { 'content-type': 'text/plain' },
  });
  expect(res.status).toBe(202);
  const done = await api.waitFor(
    () => api.call('GET', `/api/v1/flow-imports/${res.body.id}`, { role: 'viewer' }),
    (r) => r.body.status === 'succeeded' || r.body.status === 'failed',
  );
  return done.body;
}

/** The edges that import contributed to, as `from -> to port/protocol origin xconnections`. */
async function edgesOf(importId: string): Promise<string[]> {
  const all: Edge[] = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
  return all
    .filter((e) => e.sources.some((s) => s.importId === importId))
    .map((e) => `${e.from} -> ${e.to} ${e.port}/${e.protocol} ${e.origin} x${e.connections}`);
}

beforeAll(async () => {
  api = await startApi({}, { worker: true });
  clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'sources', cni: 'calico' } })).body.id;
  const snapshot = await api.call('PUT', `/api/v1/clusters/${clusterId}/snapshot`, {
    role: 'operator',
    raw: readFileSync(join(__dirname, '..', 'fixtures', 'flow-sources-snapshot.yaml'), 'utf8'),
    headers: { 'content-type': 'application/yaml' },
  });
  expect(snapshot.status).toBe(200);
});
afterAll(() => api.close());

describe('flow sources imported through the API', () => {
  it('Istio/Envoy access log: both sidecars of one request make one edge, found by pod IP', async () => {
    const done = await imported(readSample(SAMPLE.envoyText), 'access.log');
    expect(done).toMatchObject({ status: 'succeeded', format: 'envoy-access-log' });
    expect(done.progress).toMatchObject({ flowsParsed: 2, flowsAttributed: 2, flowsSkipped: 0, edges: 1 });
    expect(await edgesOf(done.id)).toEqual(['foo/sleep -> foo/httpbin 80/TCP observed x1']);
  });

  it("Istio/Envoy access log in Istio's JSON encoding: the same request makes the same edge, with its own evidence", async () => {
    // The istio.io sample's two lines, field for field, as a mesh with accessLogEncoding: JSON writes them.
    const request = {
      start_time: '2020-11-25T21:26:18.409Z',
      method: 'GET',
      path: '/status/418',
      protocol: 'HTTP/1.1',
      response_code: 418,
      response_flags: '-',
      response_code_details: 'via_upstream',
      connection_termination_details: null,
      upstream_transport_failure_reason: null,
      bytes_received: 0,
      bytes_sent: 135,
      'x-forwarded-for': null,
      user_agent: 'curl/7.73.0-DEV',
      'x-request-id': '84961386-6d84-929d-98bd-c5aee93b5c88',
      authority: 'httpbin:8000',
      route_name: 'default',
    };
    const client = {
      ...request,
      duration: 4,
      upstream_service_time: '4',
      upstream_host: '10.44.1.27:80',
      upstream_cluster: 'outbound|8000||httpbin.foo.svc.cluster.local',
      upstream_local_address: '10.44.1.23:37652',
      downstream_local_address: '10.0.45.184:8000',
      downstream_remote_address: '10.44.1.23:46520',
      requested_server_name: null,
    };
    const server = {
      ...request,
      duration: 3,
      upstream_service_time: '1',
      upstream_host: '127.0.0.1:80',
      upstream_cluster: 'inbound|8000||',
      upstream_local_address: '127.0.0.1:41854',
      downstream_local_address: '10.44.1.27:80',
      downstream_remote_address: '10.44.1.23:37652',
      requested_server_name: 'outbound_.8000_._.httpbin.foo.svc.cluster.local',
    };
    const done = await imported(`${JSON.stringify(client)}\n${JSON.stringify(server)}\n`, 'access.json');
    expect(done).toMatchObject({ status: 'succeeded', format: 'envoy-access-log' });
    expect(done.progress).toMatchObject({ flowsParsed: 2, flowsAttributed: 2, flowsSkipped: 0, edges: 1 });
    const edge: Edge = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=foo`, { role: 'viewer' })).body.items.find(
      (e: Edge) => e.from === 'foo/sleep' && e.to === 'foo/httpbin',
    );
    expect(edge).toMatchObject({ port: 80, protocol: 'TCP', origin: 'observed' });
    expect(edge.sources.find((source) => source.importId === done.id)).toMatchObject({ format: 'envoy-access-log', connections: 1 });
  });

  it('AWS VPC Flow Logs v2: pods by IP, and the rows that stay unattributed counted with their reason', async () => {
    const done = await imported(readSample(SAMPLE.vpcV2), 'vpc-v2.log');
    expect(done).toMatchObject({ status: 'succeeded', format: 'aws-vpc-flow-log' });
    expect(done.progress.flowsParsed).toBe(5);
    expect(done.progress.skippedByReason).toEqual({
      'no-data': 2,
      // 172.31.x is no pod of this cluster: three rows start there, one ends there
      'unattributed src:ip-not-in-inventory': 3,
      'unattributed dst:ip-not-in-inventory': 1,
    });
  });

  it('AWS VPC Flow Logs v3 and v5 with their header: replies folded into the client edge', async () => {
    const v3 = await imported(`${VPC_HEADER.v3}\n${readSample(SAMPLE.vpcV3)}`, 'vpc-v3.log');
    expect(await edgesOf(v3.id)).toEqual(['52.213.180.42/32 -> perf/iperf-server 5001/TCP observed x3']);
    const v5 = await imported(`${VPC_HEADER.v5}\n${readSample(SAMPLE.vpcV5)}`, 'vpc-v5.log');
    expect(await edgesOf(v5.id)).toEqual(['apps/uploader -> 52.95.128.179/32 80/TCP observed x1']);
  });

  it('AWS VPC Flow Logs v4 with its header (region and zone fields): the pod reaching S3, one connection', async () => {
    const { header, rows } = vpcVersion4();
    const done = await imported(`${header}\n${rows.join('\n')}\n`, 'vpc-v4.log');
    expect(done).toMatchObject({ status: 'succeeded', format: 'aws-vpc-flow-log' });
    expect(done.progress).toMatchObject({ flowsParsed: 2, flowsSkipped: 0 });
    // The v5 file's edge: this import adds its one connection as its own evidence.
    const edges: Edge[] = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?limit=1000`, { role: 'viewer' })).body.items;
    const mine = edges.filter((e) => e.sources.some((source) => source.importId === done.id));
    expect(mine.map((e) => `${e.from} -> ${e.to} ${e.port}/${e.protocol} ${e.origin}`)).toEqual([
      'apps/uploader -> 52.95.128.179/32 80/TCP observed',
    ]);
    expect(mine[0]!.sources.find((source) => source.importId === done.id)).toMatchObject({ format: 'aws-vpc-flow-log', connections: 1 });
  });

  it('AWS VPC custom rows without their header fail the import and say what to add', async () => {
    const done = await imported(readSample(SAMPLE.vpcV3), 'vpc-v3-headerless.log');
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/fields-unknown.*header line/);
  });

  it('Inspektor Gadget trace_tcp: the traced pod calls the address it dialled; the plain container is unattributed', async () => {
    const done = await imported(readSample(SAMPLE.igTraceTcp), 'trace_tcp.jsonl');
    expect(done).toMatchObject({ status: 'succeeded', format: 'ig-trace-tcp' });
    expect(done.progress.skippedByReason).toEqual({ 'unattributed src:ip-not-in-inventory': 1 });
    expect(await edgesOf(done.id)).toEqual(['default/mypod2 -> 1.1.1.1/32 80/TCP observed x1']);
  });

  it('Otterize ClientIntents: declared edges on the ports the server serves, with their origin', async () => {
    const done = await imported(readSample(SAMPLE.otterizeSimple), 'intents.json');
    expect(done).toMatchObject({ status: 'succeeded', format: 'otterize-intents' });
    expect(await edgesOf(done.id)).toEqual([
      'otterize-tutorial-mapper/client2 -> otterize-tutorial-mapper/server 80/TCP declared x0',
      'otterize-tutorial-mapper/client -> otterize-tutorial-mapper/server 80/TCP declared x0',
    ]);
    const declared: Edge[] = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?origin=declared`, { role: 'viewer' })).body.items;
    expect(declared.find((e) => e.from === 'otterize-tutorial-mapper/client')!.sources).toEqual([
      { importId: done.id, format: 'otterize-intents', connections: 0, firstSeen: null, lastSeen: null },
    ]);
  });

  it('Inspektor Gadget advise networkpolicy: declared edges by labels; traffic seen later makes one observed', async () => {
    const done = await imported(readSample(SAMPLE.igAdvise), 'advice.yaml');
    expect(done).toMatchObject({ status: 'succeeded', format: 'ig-advise-networkpolicy' });
    expect(await edgesOf(done.id)).toEqual([
      'default/test-pod -> 1.1.1.1/32 443/TCP declared x0',
      'default/test-pod -> 1.1.1.1/32 80/TCP declared x0',
      'default/test-pod -> default/nginx 80/TCP declared x0',
      'default/test-pod -> kube-system/coredns 53/UDP declared x0',
    ]);
    const seen = await imported('{"from":"default/test-pod","to":"default/nginx","port":80,"count":4}\n', 'seen.jsonl');
    expect(await edgesOf(seen.id)).toEqual(['default/test-pod -> default/nginx 80/TCP observed x4']);
    const edge: Edge = (await api.call('GET', `/api/v1/clusters/${clusterId}/edges?namespace=default`, { role: 'viewer' })).body.items.find(
      (e: Edge) => e.to === 'default/nginx',
    );
    expect(edge.sources.map((s) => s.format)).toEqual(['ig-advise-networkpolicy', 'edge-list']);
  });
});
