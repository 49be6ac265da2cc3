import { createHash } from 'node:crypto';
import type { ConnectivityResult, ConnectivityProbe } from '@bulkhead/rollout';
import type { KubeObject, Pod } from './kube-types';

/** Label on every probe pod (its value: the hash in the pod's name), so cleanup finds them all. */
export const PROBE_LABEL = 'bulkhead.io/probe';
export const PROBE_ID_ANNOTATION = 'bulkhead.io/probe-id';
/** Hash of the probe pod's spec and labels: a pod left by an earlier run is reused only when it is the same probe. */
export const PROBE_SPEC_ANNOTATION = 'bulkhead.io/probe-spec';
/** A readiness gate nobody sets: the probe pod never becomes Ready, so no Service ever sends it traffic. */
export const NEVER_READY_GATE = 'bulkhead.io/never-ready';

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** `bulkhead-probe-<20 hex>`: the same request id always names the same pod. */
export function probePodName(id: string): string {
  return `bulkhead-probe-${sha256(id).slice(0, 20)}`;
}

/** Where the probe connects, already resolved: an IP address (TCP/UDP) or a name (DNS). */
export type ResolvedTarget = { kind: 'ip'; ip: string } | { kind: 'dns'; name: string };

/** The probe's command. nc and nslookup exit 0 on success and non-zero otherwise; the exit code is the verdict. */
export function probeCommand(target: ResolvedTarget, port: number, protocol: 'TCP' | 'UDP', timeoutMs: number): string[] {
  const seconds = String(Math.max(1, Math.ceil(timeoutMs / 1000)));
  if (target.kind === 'dns') return ['nslookup', target.name];
  return protocol === 'UDP'
    ? ['nc', '-u', '-z', '-w', seconds, target.ip, String(port)]
    : ['nc', '-z', '-w', seconds, target.ip, String(port)];
}

export interface ProbePodInput {
  request: ConnectivityProbe;
  target: ResolvedTarget;
  /** The source workload's pod labels: policies select the probe pod as they select the source. */
  labels: Record<string, string>;
  image: string;
  /** The source namespace's uid: the namespace becomes the pod's controller, so no ReplicaSet or DaemonSet adopts it. */
  namespaceUid?: string;
  /** Deadline for the kubelet, a backstop for a driver that dies before deleting the pod. */
  activeDeadlineSeconds: number;
}

/** The probe pod manifest: never Ready, never restarted, least privilege, admitted by the `restricted` Pod Security level. */
export function probePodManifest(input: ProbePodInput): KubeObject {
  const { request, target, image } = input;
  const name = probePodName(request.id);
  const command = probeCommand(target, request.port, request.protocol === 'UDP' ? 'UDP' : 'TCP', request.timeoutMs);
  const labels = { ...input.labels, [PROBE_LABEL]: name.slice('bulkhead-probe-'.length) };
  const spec = {
    restartPolicy: 'Never',
    activeDeadlineSeconds: input.activeDeadlineSeconds,
    terminationGracePeriodSeconds: 0,
    automountServiceAccountToken: false,
    enableServiceLinks: false,
    readinessGates: [{ conditionType: NEVER_READY_GATE }],
    nodeSelector: { 'kubernetes.io/os': 'linux' },
    securityContext: { runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
    containers: [
      {
        name: 'probe',
        image,
        imagePullPolicy: 'IfNotPresent',
        command,
        // nc's and nslookup's last words become the container's termination message: the outcome's detail.
        terminationMessagePolicy: 'FallbackToLogsOnError',
        resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '100m', memory: '32Mi' } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      },
    ],
  };
  const specHash = sha256(JSON.stringify({ labels, spec: { ...spec, activeDeadlineSeconds: undefined } })).slice(0, 32);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: request.from.namespace,
      labels,
      annotations: { [PROBE_ID_ANNOTATION]: request.id, [PROBE_SPEC_ANNOTATION]: specHash },
      ...(input.namespaceUid
        ? {
            ownerReferences: [
              { apiVersion: 'v1', kind: 'Namespace', name: request.from.namespace, uid: input.namespaceUid, controller: true },
            ],
          }
        : {}),
    },
    spec,
  };
}

/** What a probe pod's status says: still running, or finished with an outcome. */
export type ProbePodState = { done: false; waiting?: string } | { done: true; outcome: ConnectivityResult };

/** Reads the verdict from the pod's status: containerStatuses[0].state.terminated.exitCode. */
export function readProbePod(pod: Pod, request: ConnectivityProbe, target: ResolvedTarget): ProbePodState {
  const status = pod.status ?? {};
  const container = (status.containerStatuses ?? [])[0];
  const terminated = container?.state?.terminated;
  const where = target.kind === 'dns' ? target.name : `${target.ip}:${request.port}/${request.protocol}`;
  const udp =
    request.protocol === 'UDP' && target.kind !== 'dns'
      ? ' (UDP, best effort: nc cannot tell a dropped datagram from a silent listener)'
      : '';
  if (terminated && typeof terminated.exitCode === 'number') {
    const message = typeof terminated.message === 'string' ? terminated.message.trim().split('\n').slice(-2).join(' ').slice(0, 300) : '';
    if (terminated.exitCode === 0) {
      return {
        done: true,
        outcome: { connected: true, detail: target.kind === 'dns' ? `resolved ${target.name}` : `connected to ${where}${udp}` },
      };
    }
    const why = message || (target.kind === 'dns' ? 'name not resolved' : `no connection within ${request.timeoutMs} ms`);
    return {
      done: true,
      outcome: {
        connected: false,
        detail: `${target.kind === 'dns' ? 'could not resolve' : 'could not connect to'} ${where}: ${why} (exit ${terminated.exitCode})${udp}`,
      },
    };
  }
  if (status.phase === 'Failed' || status.phase === 'Succeeded') {
    // The pod ended without a container verdict (activeDeadlineSeconds, eviction): the probe did not run.
    return {
      done: true,
      outcome: {
        connected: false,
        error: true,
        detail: `probe pod ended ${status.phase} without a result${status.reason ? ` (${status.reason})` : ''}`,
      },
    };
  }
  const waiting = container?.state?.waiting?.reason ?? status.phase;
  return { done: false, ...(typeof waiting === 'string' ? { waiting } : {}) };
}
