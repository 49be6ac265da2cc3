import { demoCluster } from './demo-cluster';
import { hubbleTime } from './hubble-flows';
import { type HubbleFlow, items, parseLines, workloadByPodIp } from '../../../test/support/demo/observed-edges';

const cluster = demoCluster({ start: new Date('2026-11-20T00:00:00Z') });
const lines = parseLines(cluster);
const flows = lines.map((l) => l.flow);
const ports = (f: HubbleFlow) => f.l4.TCP ?? f.l4.UDP;
const EPHEMERAL = (port: number | undefined) => port !== undefined && port >= 32768 && port <= 60999;

describe('demo Hubble flows: format', () => {
  it('has a few thousand lines', () => {
    expect(cluster.hubbleFlows.length).toBeGreaterThan(1500);
    expect(cluster.hubbleFlows.length).toBeLessThan(8000);
  });

  it('parses every line as the exporter wrapper {flow, node_name, time}', () => {
    const problems = lines.filter(
      (l) => Object.keys(l).join() !== 'flow,node_name,time' || l.time !== l.flow.time || l.node_name !== l.flow.node_name,
    );
    expect(problems).toEqual([]);
  });

  it('fills the fields Hubble prints for a forwarded L3/L4 trace', () => {
    const points = ['FROM_ENDPOINT', 'TO_OVERLAY', 'TO_STACK', 'TO_ENDPOINT'];
    const problems = flows.filter(
      (f) =>
        f.verdict !== 'FORWARDED' ||
        f.Type !== 'L3_L4' ||
        f.IP.ipVersion !== 'IPv4' ||
        f.event_type.type !== 4 ||
        !points.includes(f.trace_observation_point) ||
        !(ports(f)?.source_port && ports(f)?.destination_port) ||
        !f.source.labels?.length ||
        !f.destination.labels?.length ||
        !/^[0-9a-f-]{36}$/.test(f.uuid),
    );
    expect(problems).toEqual([]);
  });

  it('writes times as RFC 3339 with nanoseconds, in order, inside the 7-day window', () => {
    const times = flows.map((f) => f.time);
    for (const t of times) expect(t).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(times).toEqual([...times].sort());
    expect(times[0]! >= '2026-11-20T00:00:00').toBe(true);
    expect(times[times.length - 1]! < '2026-11-27T00:00:00').toBe(true);
  });

  it('formats nanoseconds past the millisecond', () => {
    expect(hubbleTime(Date.UTC(2026, 10, 20), 1_234_567_891)).toBe('2026-11-20T00:00:01.234567891Z');
  });

  it('prints pod labels as Cilium does: k8s:key=value, sorted, with the namespace label', () => {
    const problems: string[] = [];
    for (const f of flows) {
      for (const ep of [f.source, f.destination]) {
        const labels = ep.labels ?? [];
        if (labels.join(',') !== [...labels].sort().join(',')) problems.push(`unsorted in ${f.uuid}`);
        if (ep.identity === undefined || ep.identity <= 255) continue; // reserved identities
        if (!labels.every((l) => l.startsWith('k8s:'))) problems.push(`non-k8s label in ${f.uuid}`);
        if (!labels.some((l) => l.startsWith('k8s:io.kubernetes.pod.namespace='))) problems.push(`no namespace in ${f.uuid}`);
        if (labels.some((l) => l.startsWith('k8s:pod-template-hash='))) problems.push(`pod-template-hash in ${f.uuid}`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe('demo Hubble flows: one connection, several events', () => {
  it('marks every reply is_reply: true, with the server port as source and an ephemeral destination port', () => {
    const replies = flows.filter((f) => f.is_reply === true);
    expect(replies.length).toBeGreaterThan(500);
    for (const f of replies) {
      expect(EPHEMERAL(ports(f)?.destination_port)).toBe(true);
      if (f.l4.TCP) expect(f.l4.TCP.flags).toEqual({ SYN: true, ACK: true });
    }
  });

  it('never leaves a SYN+ACK without is_reply: true', () => {
    for (const f of flows.filter((x) => x.l4.TCP?.flags?.ACK)) expect(f.is_reply).toBe(true);
  });

  it('sends requests from an ephemeral port (32768-60999) with is_reply false or absent', () => {
    for (const f of flows.filter((x) => x.is_reply !== true)) {
      expect(EPHEMERAL(ports(f)?.source_port)).toBe(true);
      if (f.l4.TCP) expect(f.l4.TCP.flags).toEqual({ SYN: true });
    }
  });

  it('omits is_reply and traffic_direction only at TO_OVERLAY, and has some of those', () => {
    const unknown = flows.filter((f) => f.is_reply === undefined);
    expect(unknown.length).toBeGreaterThan(50);
    for (const f of unknown) {
      expect(f.trace_observation_point).toBe('TO_OVERLAY');
      expect(f.traffic_direction).toBeUndefined();
    }
  });

  it('shows a client-side EGRESS request, a server-side INGRESS request and a reply', () => {
    const kinds = new Set(flows.map((f) => `${f.trace_observation_point} ${f.traffic_direction} ${f.is_reply}`));
    expect(kinds).toEqual(
      new Set([
        'FROM_ENDPOINT EGRESS false',
        'TO_OVERLAY undefined undefined',
        'TO_STACK EGRESS false',
        'TO_ENDPOINT INGRESS false',
        'TO_ENDPOINT EGRESS true',
        'TO_STACK INGRESS true',
      ]),
    );
  });

  it('gives the endpoint ID only for endpoints on the observing node', () => {
    const nodeOfIp = new Map(items(cluster, 'Pod').map((p) => [p.status?.podIP, (p.spec as { nodeName?: string }).nodeName]));
    for (const f of flows) {
      for (const [ip, ep] of [
        [f.IP.source, f.source],
        [f.IP.destination, f.destination],
      ] as const) {
        if (ep.ID !== undefined) expect(nodeOfIp.get(ip)).toBe(f.node_name);
      }
    }
  });

  it('sometimes names a remote pod only by identity and labels', () => {
    const anonymous = flows.flatMap((f) => [f.source, f.destination]).filter((ep) => ep.identity! > 255 && !ep.pod_name);
    expect(anonymous.length).toBeGreaterThan(50);
    for (const ep of anonymous) expect(ep.namespace).toBeUndefined();
  });
});

describe('demo Hubble flows: agree with the snapshot', () => {
  const pods = new Map(items(cluster, 'Pod').map((p) => [p.status?.podIP ?? '', p]));

  it('names each pod endpoint as the snapshot does at that IP', () => {
    const problems: string[] = [];
    for (const f of flows) {
      for (const [ip, ep] of [
        [f.IP.source, f.source],
        [f.IP.destination, f.destination],
      ] as const) {
        if (!ip.startsWith('10.244.')) continue;
        const pod = pods.get(ip);
        if (!pod) problems.push(`${ip} is no pod (${f.uuid})`);
        else if (
          (ep.pod_name !== undefined && ep.pod_name !== pod.metadata.name) ||
          (ep.namespace !== undefined && ep.namespace !== pod.metadata.namespace) ||
          !ep.labels?.includes(`k8s:io.kubernetes.pod.namespace=${pod.metadata.namespace}`)
        ) {
          problems.push(`${ip} is ${pod.metadata.namespace}/${pod.metadata.name}, not ${ep.namespace}/${ep.pod_name} (${f.uuid})`);
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('names the top-level owner in workloads[], as recent Hubble does', () => {
    const workloads = workloadByPodIp(cluster);
    for (const f of flows) {
      if (f.source.workloads) expect(`${f.source.namespace}/${f.source.workloads[0]?.name}`).toBe(workloads.get(f.IP.source));
    }
  });

  it('only ever observes on the nodes of the cluster', () => {
    const nodes = new Set(items(cluster, 'Pod').map((p) => (p.spec as { nodeName?: string }).nodeName));
    for (const f of flows) expect(nodes.has(f.node_name)).toBe(true);
  });
});
