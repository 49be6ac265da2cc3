// Renders the cluster model as what
//   kubectl get namespaces,pods,networkpolicies,deployments,replicasets,statefulsets,daemonsets,cronjobs,jobs -A -o json
// prints: one v1 List, kinds in that order, each kind sorted by namespace then name (the API server's order).

import { compareStrings } from './random';
import type { ClusterModel, NamespaceModel, ObjectRef, PodModel, WorkloadModel } from './cluster-model';
import type { ContainerSpec, NetworkPolicySpec, WorkloadSpec } from './topology';

export interface KubeList {
  apiVersion: 'v1';
  kind: 'List';
  items: object[];
  metadata: { resourceVersion: string };
}

/** RFC 3339 at second precision, as the API server writes timestamps. */
function timestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

class ResourceVersions {
  private current: number;
  constructor(first: number) {
    this.current = first;
  }
  next(): string {
    this.current += 1 + (this.current % 7);
    return String(this.current);
  }
}

function ownerReference(ref: ObjectRef): Record<string, unknown> {
  return { apiVersion: ref.apiVersion, blockOwnerDeletion: true, controller: true, kind: ref.kind, name: ref.name, uid: ref.uid };
}

function byNamespaceAndName<T>(key: (item: T) => [string, string]): (a: T, b: T) => number {
  return (a, b) => {
    const [an, am] = key(a);
    const [bn, bm] = key(b);
    return an === bn ? compareStrings(am, bm) : compareStrings(an, bn);
  };
}

function container(spec: ContainerSpec): Record<string, unknown> {
  const out: Record<string, unknown> = { image: spec.image, imagePullPolicy: 'IfNotPresent', name: spec.name };
  if (spec.ports.length > 0) out.ports = spec.ports.map((p) => ({ containerPort: p.containerPort, name: p.name, protocol: p.protocol }));
  if (spec.readinessPort) {
    out.readinessProbe = {
      failureThreshold: 3,
      httpGet: { path: '/healthz', port: spec.readinessPort, scheme: 'HTTP' },
      periodSeconds: 10,
      successThreshold: 1,
      timeoutSeconds: 1,
    };
  }
  out.resources = { requests: { cpu: '100m', memory: '128Mi' } };
  out.terminationMessagePath = '/dev/termination-log';
  out.terminationMessagePolicy = 'File';
  return out;
}

function podSpec(spec: WorkloadSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    containers: spec.containers.map(container),
    dnsPolicy: 'ClusterFirst',
    restartPolicy: spec.kind === 'CronJob' ? 'OnFailure' : 'Always',
    schedulerName: 'default-scheduler',
    serviceAccountName: spec.serviceAccount,
    terminationGracePeriodSeconds: 30,
  };
  if (spec.kind === 'DaemonSet') {
    out.tolerations = [{ effect: 'NoSchedule', key: 'node-role.kubernetes.io/control-plane', operator: 'Exists' }];
  }
  return out;
}

function template(spec: WorkloadSpec, extraLabels: Record<string, string> = {}): Record<string, unknown> {
  return { metadata: { labels: { ...spec.labels, ...extraLabels } }, spec: podSpec(spec) };
}

function namespaceObject(ns: NamespaceModel, rv: ResourceVersions): object {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      creationTimestamp: timestamp(ns.createdMs),
      labels: ns.labels,
      name: ns.spec.name,
      resourceVersion: rv.next(),
      uid: ns.uid,
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}

function podObject(pod: PodModel, rv: ResourceVersions): object {
  const spec = pod.workload.spec;
  const ready = pod.phase === 'Running' ? 'True' : 'False';
  const status: Record<string, unknown> = {
    conditions: [
      { lastProbeTime: null, lastTransitionTime: timestamp(pod.createdMs + 4000), status: ready, type: 'Ready' },
      { lastProbeTime: null, lastTransitionTime: timestamp(pod.createdMs), status: 'True', type: 'PodScheduled' },
    ],
    hostIP: pod.node.ip,
    hostIPs: [{ ip: pod.node.ip }],
    phase: pod.phase,
    podIP: pod.ip,
    podIPs: [{ ip: pod.ip }],
    qosClass: 'Burstable',
    startTime: timestamp(pod.createdMs + 1000),
  };
  const generateName = spec.kind === 'StatefulSet' ? `${spec.name}-` : `${pod.name.slice(0, pod.name.lastIndexOf('-') + 1)}`;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      creationTimestamp: timestamp(pod.createdMs),
      generateName,
      labels: pod.labels,
      name: pod.name,
      namespace: pod.namespace,
      ownerReferences: [ownerReference(pod.owner)],
      resourceVersion: rv.next(),
      uid: pod.uid,
    },
    spec: { ...podSpec(spec), nodeName: pod.node.name },
    status,
  };
}

function networkPolicyObject(policy: NetworkPolicySpec, createdMs: number, uid: string, rv: ResourceVersions): object {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: {
      creationTimestamp: timestamp(createdMs),
      generation: 1,
      name: policy.name,
      namespace: policy.namespace,
      resourceVersion: rv.next(),
      uid,
    },
    spec: policy.spec,
  };
}

function metadata(w: WorkloadModel, rv: ResourceVersions, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    creationTimestamp: timestamp(w.createdMs),
    generation: 1,
    labels: w.spec.labels,
    name: w.spec.name,
    namespace: w.spec.namespace,
    resourceVersion: rv.next(),
    uid: w.ref.uid,
    ...extra,
  };
}

function readyCount(w: WorkloadModel): number {
  return w.pods.filter((p) => p.phase === 'Running').length;
}

function deploymentObject(w: WorkloadModel, rv: ResourceVersions): object {
  const replicas = w.spec.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: metadata(w, rv, { annotations: { 'deployment.kubernetes.io/revision': '1' } }),
    spec: {
      progressDeadlineSeconds: 600,
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: w.spec.labels },
      strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' }, type: 'RollingUpdate' },
      template: template(w.spec),
    },
    status:
      replicas === 0
        ? { observedGeneration: 1 }
        : { availableReplicas: readyCount(w), observedGeneration: 1, readyReplicas: readyCount(w), replicas, updatedReplicas: replicas },
  };
}

function replicaSetObject(w: WorkloadModel, rv: ResourceVersions): object {
  const rs = w.revision;
  if (!rs) throw new Error(`${w.spec.namespace}/${w.spec.name} has no ReplicaSet`);
  const replicas = w.spec.replicas;
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/revision': '1' },
      creationTimestamp: timestamp(rs.createdMs),
      generation: 1,
      labels: rs.labels,
      name: rs.ref.name,
      namespace: w.spec.namespace,
      ownerReferences: [ownerReference(w.ref)],
      resourceVersion: rv.next(),
      uid: rs.ref.uid,
    },
    spec: { replicas, selector: { matchLabels: rs.labels }, template: template(w.spec, { 'pod-template-hash': w.templateHash }) },
    status:
      replicas === 0
        ? { observedGeneration: 1, replicas: 0 }
        : {
            availableReplicas: readyCount(w),
            fullyLabeledReplicas: replicas,
            observedGeneration: 1,
            readyReplicas: readyCount(w),
            replicas,
          },
  };
}

function statefulSetObject(w: WorkloadModel, rv: ResourceVersions): object {
  const replicas = w.spec.replicas;
  const revision = `${w.spec.name}-${w.templateHash}`;
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: metadata(w, rv),
    spec: {
      podManagementPolicy: 'OrderedReady',
      replicas,
      revisionHistoryLimit: 10,
      selector: { matchLabels: w.spec.labels },
      serviceName: w.spec.name,
      template: template(w.spec),
      updateStrategy: { rollingUpdate: { partition: 0 }, type: 'RollingUpdate' },
    },
    status: {
      availableReplicas: replicas,
      currentReplicas: replicas,
      currentRevision: revision,
      observedGeneration: 1,
      readyReplicas: replicas,
      replicas,
      updateRevision: revision,
      updatedReplicas: replicas,
    },
  };
}

function daemonSetObject(w: WorkloadModel, rv: ResourceVersions): object {
  const n = w.pods.length;
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: metadata(w, rv, { annotations: { 'deprecated.daemonset.template.generation': '1' } }),
    spec: {
      revisionHistoryLimit: 10,
      selector: { matchLabels: w.spec.labels },
      template: template(w.spec),
      updateStrategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 }, type: 'RollingUpdate' },
    },
    status: {
      currentNumberScheduled: n,
      desiredNumberScheduled: n,
      numberAvailable: n,
      numberMisscheduled: 0,
      numberReady: n,
      observedGeneration: 1,
      updatedNumberScheduled: n,
    },
  };
}

function cronJobObject(w: WorkloadModel, rv: ResourceVersions): object {
  const job = w.revision;
  const pod = w.pods[0];
  return {
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: metadata(w, rv),
    spec: {
      concurrencyPolicy: 'Forbid',
      failedJobsHistoryLimit: 1,
      jobTemplate: { metadata: { creationTimestamp: null }, spec: { backoffLimit: 2, template: template(w.spec) } },
      schedule: w.spec.schedule,
      successfulJobsHistoryLimit: 3,
      suspend: false,
      timeZone: 'Etc/UTC',
    },
    status:
      job && pod?.finishedMs !== undefined
        ? { lastScheduleTime: timestamp(job.createdMs), lastSuccessfulTime: timestamp(pod.finishedMs) }
        : {},
  };
}

function jobObject(w: WorkloadModel, rv: ResourceVersions): object {
  const job = w.revision;
  if (!job) throw new Error(`${w.spec.namespace}/${w.spec.name} has no Job`);
  const pod = w.pods[0];
  const finished = timestamp(pod?.finishedMs ?? job.createdMs);
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      annotations: { 'batch.kubernetes.io/cronjob-scheduled-timestamp': timestamp(job.createdMs) },
      creationTimestamp: timestamp(job.createdMs),
      generation: 1,
      labels: job.labels,
      name: job.ref.name,
      namespace: w.spec.namespace,
      ownerReferences: [ownerReference(w.ref)],
      resourceVersion: rv.next(),
      uid: job.ref.uid,
    },
    spec: {
      backoffLimit: 2,
      completionMode: 'NonIndexed',
      completions: 1,
      parallelism: 1,
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': job.ref.uid } },
      suspend: false,
      template: { metadata: { labels: job.labels }, spec: podSpec(w.spec) },
    },
    status: {
      completionTime: finished,
      conditions: [{ lastProbeTime: finished, lastTransitionTime: finished, status: 'True', type: 'Complete' }],
      ready: 0,
      startTime: timestamp(job.createdMs),
      succeeded: 1,
      terminating: 0,
      uncountedTerminatedPods: {},
    },
  };
}

export function renderSnapshot(
  model: ClusterModel,
  policies: readonly { policy: NetworkPolicySpec; uid: string }[],
  firstResourceVersion: number,
): KubeList {
  const rv = new ResourceVersions(firstResourceVersion);
  const sortedWorkloads = [...model.workloads].sort(byNamespaceAndName((w) => [w.spec.namespace, w.spec.name]));
  const ofKind = (kind: WorkloadSpec['kind']): WorkloadModel[] => sortedWorkloads.filter((w) => w.spec.kind === kind);
  const nsCreated = new Map(model.namespaces.map((ns) => [ns.spec.name, ns.createdMs]));

  const items: object[] = [
    ...[...model.namespaces].sort((a, b) => compareStrings(a.spec.name, b.spec.name)).map((ns) => namespaceObject(ns, rv)),
    ...[...model.pods].sort(byNamespaceAndName((p) => [p.namespace, p.name])).map((p) => podObject(p, rv)),
    ...[...policies]
      .sort(byNamespaceAndName(({ policy }) => [policy.namespace, policy.name]))
      .map(({ policy, uid }) => networkPolicyObject(policy, (nsCreated.get(policy.namespace) ?? model.startMs) + 3_600_000, uid, rv)),
    ...ofKind('Deployment').map((w) => deploymentObject(w, rv)),
    ...ofKind('Deployment').map((w) => replicaSetObject(w, rv)),
    ...ofKind('StatefulSet').map((w) => statefulSetObject(w, rv)),
    ...ofKind('DaemonSet').map((w) => daemonSetObject(w, rv)),
    ...ofKind('CronJob').map((w) => cronJobObject(w, rv)),
    ...ofKind('CronJob').map((w) => jobObject(w, rv)),
  ];
  return { apiVersion: 'v1', items, kind: 'List', metadata: { resourceVersion: '' } };
}
