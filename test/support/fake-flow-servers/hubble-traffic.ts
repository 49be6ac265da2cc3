import { type HubbleInstant, rfc3339 } from '@bulkhead/flows';

export interface TrafficPod {
  namespace: string;
  pod: string;
  ip: string;
  labels: string[];
}

/**
 * Generated Hubble traffic, deterministic: connection `i` (from `firstConnection`, 0 by default) goes
 * from `pairs[i % n].from` to `.to` on `port`, from source port 32768 + floor(i / n) mod 28000 (so no
 * 5-tuple repeats within n * 28000 connections), as a SYN seen at the client's egress, then at the
 * server's ingress, then the SYN-ACK reply: three GetFlowsResponses a step apart (1 µs by default), each
 * with a uuid. Each comes with its jsonpb line too (made when read), so a test can import the same
 * flows from a file for comparison.
 */
export function generatedTraffic(options: {
  start: HubbleInstant;
  connections: number;
  pairs: ReadonlyArray<{ from: TrafficPod; to: TrafficPod; port: number }>;
  stepNs?: number;
  node?: string;
  firstConnection?: number;
}): Array<{ wire: any; line: string }> {
  const step = options.stepNs ?? 1_000;
  const node = options.node ?? 'kind-worker';
  const out: Array<{ wire: any; line: string }> = [];
  let seconds = options.start.seconds;
  let nanos = options.start.nanos;
  const endpoint = (p: TrafficPod) => ({ namespace: p.namespace, pod_name: p.pod, labels: p.labels });
  const first = options.firstConnection ?? 0;
  for (let i = first; i < first + options.connections; i++) {
    const { from, to, port } = options.pairs[i % options.pairs.length]!;
    const sport = 32768 + (Math.floor(i / options.pairs.length) % 28000);
    const variants = [
      { src: from, dst: to, sp: sport, dp: port, flags: { SYN: true }, reply: false, point: 'TO_STACK', dir: 'EGRESS' },
      { src: from, dst: to, sp: sport, dp: port, flags: { SYN: true }, reply: false, point: 'TO_ENDPOINT', dir: 'INGRESS' },
      { src: to, dst: from, sp: port, dp: sport, flags: { SYN: true, ACK: true }, reply: true, point: 'TO_STACK', dir: 'INGRESS' },
    ];
    for (const [k, v] of variants.entries()) {
      nanos += step;
      seconds += Math.floor(nanos / 1e9);
      nanos %= 1e9;
      const time: HubbleInstant = { seconds, nanos };
      const flow = {
        uuid: `gen-${i}-${k}`,
        verdict: 'FORWARDED',
        IP: { source: v.src.ip, destination: v.dst.ip, ipVersion: 'IPv4' },
        l4: { TCP: { source_port: v.sp, destination_port: v.dp, flags: v.flags } },
        source: endpoint(v.src),
        destination: endpoint(v.dst),
        Type: 'L3_L4',
        node_name: node,
        event_type: { type: 4 },
        traffic_direction: v.dir,
        trace_observation_point: v.point,
      };
      out.push({
        wire: { flow: { time, ...flow, is_reply: { value: v.reply } }, node_name: node, time },
        get line() {
          return JSON.stringify({ flow: { time: rfc3339(time), ...flow, is_reply: v.reply }, node_name: node, time: rfc3339(time) });
        },
      });
    }
  }
  return out;
}
