/**
 * Flow importer benchmark: generates 1,000,000 realistic Hubble exporter lines (jsonpb wrapper form)
 * for 200 workloads in 20 namespaces, with both-end observations (client node FROM_ENDPOINT, server
 * node TO_ENDPOINT), policy verdicts, replies (SYN-ACK, data, FIN), overlay observations without
 * is_reply, DNS to coredns, external HTTPS with destination_names, kubelet probes from the host,
 * cilium-health noise and a few lost_events lines, into a temp file. Then, in the same run:
 *   - a bare loop that only reads the file's lines and JSON.parse's them;
 *   - the importer: reader (detection, framing, normalization) + attribution + aggregation.
 * Each is run twice, alternating, and the best time of each counts (the machine is shared).
 * Prints flows per second, peak RSS and the ratio; the last line is one JSON object for CI.
 *
 *   npm run bench:flows            (FLOWS_BENCH_LINES=200000 for a quicker run)
 */
import { seededRandom } from '@bulkhead/demo';
import { createReadStream, createWriteStream, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createFlowReader, EdgeAggregator, InventoryIndex, type InventoryIndexInput } from '@bulkhead/flows';

const LINES = Number(process.env.FLOWS_BENCH_LINES ?? 1_000_000);
const NAMESPACES = 20;
const WORKLOADS = 200;
const PODS_PER_WORKLOAD = 3;
const NODES = 12;

interface Pod {
  namespace: string;
  name: string;
  ip: string;
  node: string;
  id: number;
  identity: number;
  labels: string[];
  workload: { kind: string; name: string };
  port: number;
}

interface Cluster {
  pods: Pod[][]; // per workload
  dns: Pod[];
  inventory: InventoryIndexInput;
  deps: Array<[Pod[], Pod[]]>; // client workload's pods -> server workload's pods
}

const SAFE = 'bcdfghjklmnpqrstvwxz2456789';

function cluster(random: () => number): Cluster {
  const hash = (n: number) => Array.from({ length: n }, () => pick(random, SAFE.split(''))).join('');
  const inventory: InventoryIndexInput = { pods: [], workloads: [] };
  const pods: Pod[][] = [];
  let ip = 0;
  const mk = (namespace: string, name: string, kind: string, extra: Record<string, string>, port: number, identity: number): Pod[] => {
    const labels: Record<string, string> = { app: name, 'app.kubernetes.io/part-of': `shop-${namespace}`, version: 'v1', ...extra };
    inventory.workloads.push({ namespace, name, kind, labels });
    const rs = hash(10);
    const out: Pod[] = [];
    for (let p = 0; p < PODS_PER_WORKLOAD; p++) {
      ip++;
      const pod: Pod = {
        namespace,
        name: `${name}-${rs}-${hash(5)}`,
        ip: `10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`,
        node: `worker-${Math.floor(random() * NODES)}`,
        id: 100 + Math.floor(random() * 3900),
        identity,
        labels: [
          ...Object.entries(labels).map(([k, v]) => `k8s:${k}=${v}`),
          'k8s:io.cilium.k8s.namespace.labels.kubernetes.io/metadata.name=' + namespace,
          'k8s:io.cilium.k8s.policy.cluster=default',
          `k8s:io.cilium.k8s.policy.serviceaccount=${name}`,
          `k8s:io.kubernetes.pod.namespace=${namespace}`,
        ].sort(),
        workload: { kind, name },
        port,
      };
      inventory.pods.push({
        namespace,
        name: pod.name,
        ips: [pod.ip],
        workload: { kind, name },
        labels: { ...labels, 'pod-template-hash': rs },
      });
      out.push(pod);
    }
    return out;
  };
  for (let w = 0; w < WORKLOADS; w++) {
    const ns = `team-${w % NAMESPACES}`;
    const tier = pick(random, ['web', 'api', 'db']);
    const port = pick(random, [80, 8080, 9090, 5432, 6379, 3000]);
    pods.push(mk(ns, `svc-${w}`, 'Deployment', { tier }, port, 20000 + w));
  }
  const dns = mk('kube-system', 'coredns', 'Deployment', { 'k8s-app': 'kube-dns' }, 53, 300);
  const deps: Array<[Pod[], Pod[]]> = [];
  for (const clientPods of pods) {
    const n = 1 + Math.floor(random() * 4);
    for (let i = 0; i < n; i++) {
      const serverPods = pick(random, pods);
      if (serverPods !== clientPods) deps.push([clientPods, serverPods]);
    }
  }
  return { pods, dns, inventory, deps };
}

function endpoint(p: Pod): object {
  return { ID: p.id, identity: p.identity, namespace: p.namespace, labels: p.labels, pod_name: p.name, workloads: [p.workload] };
}

const REMOTE = (p: Pod): object => ({ identity: p.identity, labels: p.labels }); // seen from the other node

function iso(ms: number, ns: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, `.$1${String(ns).padStart(6, '0')}Z`);
}

/** Writes `LINES` lines to `file`; returns how many connections (TCP, DNS queries, probes) were generated. */
async function generate(file: string, c: Cluster, random: () => number): Promise<number> {
  const out = createWriteStream(file);
  let lines = 0;
  let connections = 0;
  let t = Date.UTC(2026, 10, 28, 9, 0, 0);
  let batch: string[] = [];
  const flush = async () => {
    if (!out.write(batch.join(''))) await once(out, 'drain');
    batch = [];
  };
  const emit = (flow: Record<string, unknown>) => {
    t += 0.07;
    const time = iso(Math.floor(t), Math.floor(random() * 999999));
    flow.time = time;
    flow.uuid = `${lines.toString(16).padStart(8, '0')}-5b1a-4c3e-9d2f-${Math.floor(random() * 1e12)
      .toString(16)
      .padStart(12, '0')}`;
    batch.push(`${JSON.stringify({ flow, node_name: flow.node_name, time })}\n`);
    lines++;
  };
  const tcp = (aPort: number, bPort: number, flags: Record<string, boolean>) => ({
    TCP: { source_port: aPort, destination_port: bPort, flags },
  });
  const summary = (flags: Record<string, boolean>) => `TCP Flags: ${Object.keys(flags).join(', ')}`;
  const pkt = (
    src: object,
    dst: object,
    a: Pod,
    b: Pod,
    aPort: number,
    bPort: number,
    flags: Record<string, boolean>,
    node: string,
    extra: Record<string, unknown>,
  ): Record<string, unknown> => ({
    verdict: 'FORWARDED',
    ethernet: { source: '52:2d:b4:a1:66:fe', destination: '02:17:33:2a:d5:59' },
    IP: { source: a.ip, destination: b.ip, ipVersion: 'IPv4' },
    l4: tcp(aPort, bPort, flags),
    source: src,
    destination: dst,
    Type: 'L3_L4',
    node_name: `default/${node}`,
    ...extra,
    Summary: summary(flags),
  });

  while (lines < LINES) {
    const r = random();
    if (r < 0.001) {
      batch.push(
        `{"lost_events":{"source":"HUBBLE_RING_BUFFER","num_events_lost":"${1 + Math.floor(random() * 50)}","cpu":${Math.floor(random() * 8)}},"node_name":"default/worker-1","time":"${iso(Math.floor(t), 0)}"}\n`,
      );
      lines++;
    } else if (r < 0.02) {
      // cilium-health probe between nodes
      const a = c.pods[0]![0]!;
      emit({
        verdict: 'FORWARDED',
        IP: {
          source: `172.18.0.${2 + Math.floor(random() * NODES)}`,
          destination: `10.250.0.${Math.floor(random() * NODES)}`,
          ipVersion: 'IPv4',
        },
        l4: { TCP: { source_port: 30000 + Math.floor(random() * 30000), destination_port: 4240, flags: { ACK: true } } },
        source: { identity: 6, labels: ['reserved:remote-node'] },
        destination: { identity: 4, labels: ['reserved:health'] },
        Type: 'L3_L4',
        node_name: `default/${a.node}`,
        event_type: { type: 4, sub_type: 4 },
        trace_observation_point: 'TO_OVERLAY',
        Summary: 'TCP Flags: ACK',
      });
    } else if (r < 0.04) {
      // kubelet probe from the host, request + reply
      const b = pick(random, pick(random, c.pods));
      const host = { identity: 1, labels: ['reserved:host'] };
      const hostPod = { ...b, ip: '10.250.0.1' };
      connections++;
      const sp = 30000 + Math.floor(random() * 30000);
      emit(
        pkt(host, endpoint(b), hostPod, b, sp, b.port, { SYN: true }, b.node, {
          event_type: { type: 4 },
          traffic_direction: 'INGRESS',
          trace_observation_point: 'TO_ENDPOINT',
          is_reply: false,
        }),
      );
      emit(
        pkt(endpoint(b), host, b, hostPod, b.port, sp, { SYN: true, ACK: true }, b.node, {
          event_type: { type: 4, sub_type: 3 },
          traffic_direction: 'INGRESS',
          trace_observation_point: 'TO_STACK',
          is_reply: true,
        }),
      );
    } else if (r < 0.1) {
      // DNS query and answer over UDP to coredns (client side, L3/L4)
      const a = pick(random, pick(random, c.pods));
      const d = pick(random, c.dns);
      const sp = 30000 + Math.floor(random() * 30000);
      connections++;
      const base = { verdict: 'FORWARDED', Type: 'L3_L4', node_name: `default/${a.node}`, event_type: { type: 4 } };
      emit({
        ...base,
        IP: { source: a.ip, destination: d.ip, ipVersion: 'IPv4' },
        l4: { UDP: { source_port: sp, destination_port: 53 } },
        source: endpoint(a),
        destination: endpoint(d),
        traffic_direction: 'EGRESS',
        trace_observation_point: 'FROM_ENDPOINT',
        is_reply: false,
        Summary: 'UDP',
      });
      emit({
        ...base,
        IP: { source: d.ip, destination: a.ip, ipVersion: 'IPv4' },
        l4: { UDP: { source_port: 53, destination_port: sp } },
        source: endpoint(d),
        destination: endpoint(a),
        traffic_direction: 'EGRESS',
        trace_observation_point: 'TO_ENDPOINT',
        is_reply: true,
        Summary: 'UDP',
      });
    } else if (r < 0.14) {
      // external HTTPS with a name from the DNS proxy
      const a = pick(random, pick(random, c.pods));
      const name = pick(random, ['api.stripe.com', 'api.github.com', 'sqs.eu-west-1.amazonaws.com', 'hooks.slack.com']);
      const world = { identity: 16777217 + Math.floor(random() * 4), labels: ['reserved:world', `fqdn:${name}`] };
      const ext = { ...a, ip: `52.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}.${Math.floor(random() * 255)}` };
      connections++;
      const sp = 30000 + Math.floor(random() * 30000);
      emit({
        ...pkt(endpoint(a), world, a, ext, sp, 443, { SYN: true }, a.node, {
          event_type: { type: 4 },
          traffic_direction: 'EGRESS',
          trace_observation_point: 'TO_STACK',
          is_reply: false,
        }),
        destination_names: [name],
      });
      emit({
        ...pkt(world, endpoint(a), ext, a, 443, sp, { SYN: true, ACK: true }, a.node, {
          event_type: { type: 4 },
          traffic_direction: 'EGRESS',
          trace_observation_point: 'TO_ENDPOINT',
          is_reply: true,
        }),
        source_names: [name],
      });
    } else {
      // an in-cluster TCP connection, observed on both nodes
      const [clientPods, serverPods] = pick(random, c.deps);
      const a = pick(random, clientPods);
      const b = pick(random, serverPods);
      const sp = 30000 + Math.floor(random() * 30000);
      connections++;
      const egress = { traffic_direction: 'EGRESS' };
      const ingress = { traffic_direction: 'INGRESS' };
      const cli = (flags: Record<string, boolean>, reply: boolean, point: string) =>
        reply
          ? pkt(REMOTE(b), endpoint(a), b, a, b.port, sp, flags, a.node, {
              event_type: { type: 4 },
              ...egress,
              trace_observation_point: point,
              is_reply: true,
            })
          : pkt(endpoint(a), REMOTE(b), a, b, sp, b.port, flags, a.node, {
              event_type: { type: 4, sub_type: 3 },
              ...egress,
              trace_observation_point: point,
              is_reply: false,
            });
      const srv = (flags: Record<string, boolean>, reply: boolean, point: string) =>
        reply
          ? pkt(endpoint(b), REMOTE(a), b, a, b.port, sp, flags, b.node, {
              event_type: { type: 4, sub_type: 3 },
              ...ingress,
              trace_observation_point: point,
              is_reply: true,
            })
          : pkt(REMOTE(a), endpoint(b), a, b, sp, b.port, flags, b.node, {
              event_type: { type: 4 },
              ...ingress,
              trace_observation_point: point,
              is_reply: false,
            });
      emit(cli({ SYN: true }, false, 'FROM_ENDPOINT'));
      emit({
        ...cli({ SYN: true }, false, 'FROM_ENDPOINT'),
        event_type: { type: 5 },
        trace_observation_point: undefined,
        policy_match_type: 1,
      });
      emit(srv({ SYN: true }, false, 'TO_ENDPOINT'));
      emit(srv({ SYN: true, ACK: true }, true, 'FROM_ENDPOINT'));
      emit(cli({ SYN: true, ACK: true }, true, 'TO_ENDPOINT'));
      emit(cli({ ACK: true, PSH: true }, false, 'FROM_ENDPOINT'));
      // an overlay observation without is_reply
      const overlay = srv({ ACK: true, PSH: true }, true, 'TO_OVERLAY');
      delete overlay.is_reply;
      delete overlay.traffic_direction;
      emit(overlay);
      emit(srv({ ACK: true, FIN: true }, true, 'FROM_ENDPOINT'));
    }
    if (batch.length >= 2000) await flush();
  }
  await flush();
  out.end();
  await once(out, 'finish');
  return connections;
}

function pick<T>(random: () => number, list: readonly T[]): T {
  if (list.length === 0) throw new Error('pick: empty list');
  return list[Math.floor(random() * list.length)]!;
}

/** The floor: read the lines and JSON.parse them, nothing else. */
async function bare(file: string): Promise<{ seconds: number; parsed: number }> {
  const start = performance.now();
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  stream.setEncoding('utf8');
  let pending = '';
  let parsed = 0;
  let sink = 0;
  for await (const chunk of stream as AsyncIterable<string>) {
    let from = 0;
    let nl = chunk.indexOf('\n');
    if (pending.length > 0 && nl >= 0) {
      const v = JSON.parse(pending + chunk.slice(0, nl));
      sink += v.flow ? 1 : 0;
      parsed++;
      pending = '';
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    while (nl >= 0) {
      const v = JSON.parse(chunk.slice(from, nl));
      sink += v.flow ? 1 : 0;
      parsed++;
      from = nl + 1;
      nl = chunk.indexOf('\n', from);
    }
    pending += chunk.slice(from);
  }
  if (sink < 0) console.log(sink);
  return { seconds: (performance.now() - start) / 1000, parsed };
}

async function importer(file: string, index: InventoryIndex) {
  const start = performance.now();
  const aggregator = new EdgeAggregator(index);
  const reader = createFlowReader({ onRecord: (r) => aggregator.add(r) });
  const stream = createReadStream(file, { highWaterMark: 1 << 16 });
  stream.setEncoding('utf8');
  for await (const chunk of stream as AsyncIterable<string>) reader.feed(chunk);
  reader.end();
  const edges = aggregator.edges();
  return { seconds: (performance.now() - start) / 1000, reader: reader.stats(), aggregation: aggregator.stats(), edges };
}

async function main(): Promise<void> {
  const random = seededRandom(7);
  const c = cluster(random);
  const file = join(tmpdir(), `bulkhead-flows-bench-${process.pid}.jsonl`);
  try {
    const g0 = performance.now();
    const generated = await generate(file, c, random);
    const size = statSync(file).size;
    console.log(
      `generated ${LINES} lines (${(size / 1e6).toFixed(0)} MB, ${generated} connections) in ${((performance.now() - g0) / 1000).toFixed(1)} s`,
    );
    const index = InventoryIndex.from(c.inventory);

    let bestBare = Number.POSITIVE_INFINITY;
    let bestImport = Number.POSITIVE_INFINITY;
    let last: Awaited<ReturnType<typeof importer>> | undefined;
    for (let round = 0; round < 2; round++) {
      const b = await bare(file);
      bestBare = Math.min(bestBare, b.seconds);
      const i = await importer(file, index);
      bestImport = Math.min(bestImport, i.seconds);
      last = i;
      console.log(`round ${round + 1}: bare ${b.seconds.toFixed(2)} s (${b.parsed} lines), importer ${i.seconds.toFixed(2)} s`);
    }
    const r = last!;
    console.log(
      `reader: ${r.reader.records} records, ${r.reader.skipped} skipped ${JSON.stringify(Object.fromEntries(Object.entries(r.reader.skippedByReason).map(([k, v]) => [k, v.count])))}, lost events ${r.reader.lostEvents} in ${r.reader.lostEventRecords} lines`,
    );
    console.log(
      `aggregation: ${r.aggregation.attributed} attributed, ${r.aggregation.unattributed} unattributed ${JSON.stringify(r.aggregation.unattributedByReason)}, ${r.aggregation.edges} edges, ${r.aggregation.connections} connections counted of ${generated} generated (${r.aggregation.duplicateStartsSuppressed} duplicate starts suppressed)`,
    );
    const flows = LINES;
    const flowsPerSecond = Math.round(flows / bestImport);
    const bareParseFlowsPerSecond = Math.round(flows / bestBare);
    const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
    console.log(`importer ${flowsPerSecond} flows/s, bare parse ${bareParseFlowsPerSecond} lines/s, peak RSS ${peakRssMb} MB`);
    console.log(
      JSON.stringify({
        flowsPerSecond,
        bareParseFlowsPerSecond,
        ratio: Number((flowsPerSecond / bareParseFlowsPerSecond).toFixed(3)),
        peakRssMb,
      }),
    );
  } finally {
    rmSync(file, { force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
