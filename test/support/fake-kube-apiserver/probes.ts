import { buildEngine, buildInventory, type Protocol, snapshotFromDocuments } from '@bulkhead/netpol';
import { type Json, RESOURCES, type Store } from './store';

/**
 * How the fake "kubelet" runs a probe pod: by the policies (enforce), or a forced result, or never finishing (hang).
 * `fail` is the network dropping the probe whatever the policies say (a cloud firewall, a CNI bug): the
 * container exits 1 with what its command prints then.
 */
export type ProbeBehaviour = 'enforce' | 'pass' | 'fail' | 'hang';

export interface ProbeDecision {
  exitCode: number;
  /** The container's last words, as FallbackToLogsOnError would report them. */
  message: string;
}

/** Everything the store holds, as one v1 List: what the engine sees of the cluster. */
function clusterList(store: Store): unknown[] {
  const kinds = ['Namespace', 'Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'NetworkPolicy'];
  return RESOURCES.filter((r) => kinds.includes(r.kind)).flatMap((r) => store.list(r));
}

/** What a probe pod's command tries: `nc [-u] -z -w S HOST PORT` or `nslookup NAME`, read from its first container. */
export type ProbeTarget =
  | { kind: 'connect'; host: string; port: number; protocol: Protocol }
  | { kind: 'resolve'; name: string }
  | { kind: 'other'; argv: string[] };

export function probeTargetOf(pod: Json): ProbeTarget {
  const container = pod.spec?.containers?.[0] ?? {};
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  if (argv[0] === 'nslookup') return { kind: 'resolve', name: argv[1] ?? '' };
  if (argv[0] === 'nc')
    return {
      kind: 'connect',
      host: argv[argv.length - 2] ?? '',
      port: Number(argv[argv.length - 1]),
      protocol: argv.includes('-u') ? 'UDP' : 'TCP',
    };
  return { kind: 'other', argv };
}

/** What the probe's command prints when its packets are dropped, as the container's termination message. */
export function droppedProbe(pod: Json): ProbeDecision {
  const target = probeTargetOf(pod);
  if (target.kind === 'resolve') return { exitCode: 1, message: ';; connection timed out; no servers could be reached' };
  if (target.kind === 'connect')
    return { exitCode: 1, message: `nc: ${target.host} (${target.host}:${target.port}): Connection timed out` };
  return { exitCode: 127, message: `sh: ${target.argv[0] ?? ''}: not found` };
}

/**
 * What an enforcing CNI would let the probe pod's command do, decided by the NetworkPolicy engine against the
 * policies stored NOW: `nc -z [-u] -w S HOST PORT` connects when the engine allows the probe pod (by its labels
 * and namespace) to reach HOST:PORT and HOST's pod listens on PORT; `nslookup NAME` resolves when the probe pod
 * may reach a kube-dns pod (kube-system, k8s-app=kube-dns) on UDP 53, or when there is none.
 */
export function decideProbe(store: Store, pod: Json): ProbeDecision {
  const target = probeTargetOf(pod);
  const inventory = buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: clusterList(store) }]));
  const engine = buildEngine(inventory);
  const source = inventory.pods.find((p) => p.namespace === pod.metadata.namespace && p.name === pod.metadata.name);
  if (!source) return { exitCode: 1, message: 'probe pod not found by the fake kubelet' };

  if (target.kind === 'resolve') {
    const dns = inventory.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns' && p.ips.length > 0);
    const reachable =
      dns.length === 0 || dns.some((d) => engine.evaluate({ from: { pod: source }, to: { pod: d }, port: 53, protocol: 'UDP' }).allowed);
    return reachable ? { exitCode: 0, message: `Name:\t${target.name}\nAddress: 10.96.0.42` } : droppedProbe(pod);
  }
  if (target.kind === 'connect') {
    const { host, port, protocol } = target;
    const verdict = engine.evaluate({ from: { pod: source }, to: { ip: host }, port, protocol });
    if (!verdict.allowed) return droppedProbe(pod);
    const destination = engine.podOf({ ip: host });
    if (destination && destination.ports.length > 0 && !destination.ports.some((p) => p.port === port && p.protocol === protocol)) {
      return { exitCode: 1, message: `nc: ${host} (${host}:${port}): Connection refused` };
    }
    return { exitCode: 0, message: '' };
  }
  return droppedProbe(pod);
}

/** A pod status as the kubelet reports it. */
export function podStatus(
  phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed',
  ip: string,
  image: string,
  at: string,
  decision?: ProbeDecision,
): Json {
  const base = { phase, podIP: ip, podIPs: [{ ip }], hostIP: '192.168.0.10', startTime: at };
  const conditions = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at },
    {
      type: 'Ready',
      status: 'False',
      reason: phase === 'Running' || phase === 'Pending' ? 'ReadinessGatesNotReady' : 'PodCompleted',
      lastTransitionTime: at,
    },
  ];
  const container = { name: 'probe', image, imageID: '', ready: false, restartCount: 0, started: phase === 'Running' };
  if (phase === 'Pending')
    return { ...base, conditions, containerStatuses: [{ ...container, state: { waiting: { reason: 'ContainerCreating' } } }] };
  if (phase === 'Running') return { ...base, conditions, containerStatuses: [{ ...container, state: { running: { startedAt: at } } }] };
  const terminated = {
    exitCode: decision?.exitCode ?? 1,
    reason: decision?.exitCode === 0 ? 'Completed' : 'Error',
    // FallbackToLogsOnError: the logs become the message only when the container failed.
    ...(decision?.message && decision.exitCode !== 0 ? { message: decision.message } : {}),
    startedAt: at,
    finishedAt: at,
  };
  return { ...base, conditions, containerStatuses: [{ ...container, state: { terminated } }] };
}
