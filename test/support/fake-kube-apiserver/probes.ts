import { buildEngine, buildInventory, type Protocol, snapshotFromDocuments } from '@bulkhead/netpol';
import { type Json, RESOURCES, type Store } from './store';

/** How the fake "kubelet" runs a probe pod: by the policies (enforce), or a forced result, or never finishing (hang). */
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

/**
 * What an enforcing CNI would let the probe pod's command do, decided by the NetworkPolicy engine against the
 * policies stored NOW: `nc -z [-u] -w S HOST PORT` connects when the engine allows the probe pod (by its labels
 * and namespace) to reach HOST:PORT and HOST's pod listens on PORT; `nslookup NAME` resolves when the probe pod
 * may reach a kube-dns pod (kube-system, k8s-app=kube-dns) on UDP 53, or when there is none.
 */
export function decideProbe(store: Store, pod: Json): ProbeDecision {
  const container = pod.spec?.containers?.[0] ?? {};
  const argv: string[] = [...(container.command ?? []), ...(container.args ?? [])].map(String);
  const inventory = buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: clusterList(store) }]));
  const engine = buildEngine(inventory);
  const source = inventory.pods.find((p) => p.namespace === pod.metadata.namespace && p.name === pod.metadata.name);
  if (!source) return { exitCode: 1, message: 'probe pod not found by the fake kubelet' };

  if (argv[0] === 'nslookup') {
    const dns = inventory.pods.filter((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns' && p.ips.length > 0);
    const reachable = dns.length === 0 || dns.some((d) => engine.evaluate({ from: { pod: source }, to: { pod: d }, port: 53, protocol: 'UDP' }).allowed);
    return reachable
      ? { exitCode: 0, message: `Name:\t${argv[1]}\nAddress: 10.96.0.42` }
      : { exitCode: 1, message: ';; connection timed out; no servers could be reached' };
  }
  if (argv[0] === 'nc') {
    const protocol: Protocol = argv.includes('-u') ? 'UDP' : 'TCP';
    const host = argv[argv.length - 2];
    const port = Number(argv[argv.length - 1]);
    const verdict = engine.evaluate({ from: { pod: source }, to: { ip: host }, port, protocol });
    if (!verdict.allowed) return { exitCode: 1, message: `nc: ${host} (${host}:${port}): Connection timed out` };
    const destination = engine.podOf({ ip: host });
    if (destination && destination.ports.length > 0 && !destination.ports.some((p) => p.port === port && p.protocol === protocol)) {
      return { exitCode: 1, message: `nc: ${host} (${host}:${port}): Connection refused` };
    }
    return { exitCode: 0, message: '' };
  }
  return { exitCode: 127, message: `sh: ${argv[0] ?? ''}: not found` };
}

/** A pod status as the kubelet reports it. */
export function podStatus(phase: 'Pending' | 'Running' | 'Succeeded' | 'Failed', ip: string, image: string, at: string, decision?: ProbeDecision): Json {
  const base = { phase, podIP: ip, podIPs: [{ ip }], hostIP: '192.168.0.10', startTime: at };
  const conditions = [
    { type: 'PodScheduled', status: 'True', lastTransitionTime: at },
    { type: 'Ready', status: 'False', reason: phase === 'Running' || phase === 'Pending' ? 'ReadinessGatesNotReady' : 'PodCompleted', lastTransitionTime: at },
  ];
  const container = { name: 'probe', image, imageID: '', ready: false, restartCount: 0, started: phase === 'Running' };
  if (phase === 'Pending') return { ...base, conditions, containerStatuses: [{ ...container, state: { waiting: { reason: 'ContainerCreating' } } }] };
  if (phase === 'Running') return { ...base, conditions, containerStatuses: [{ ...container, state: { running: { startedAt: at } } }] };
  const terminated = {
    exitCode: decision?.exitCode ?? 1,
    reason: decision?.exitCode === 0 ? 'Completed' : 'Error',
    ...(decision?.message ? { message: decision.message } : {}),
    startedAt: at,
    finishedAt: at,
  };
  return { ...base, conditions, containerStatuses: [{ ...container, state: { terminated } }] };
}
