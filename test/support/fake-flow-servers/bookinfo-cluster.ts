import { kindBookinfoInventory, readSample, SAMPLE } from '../../fixtures/flows/samples';
import { wireResponseFromJsonpb } from './hubble-relay';
import { generatedTraffic, type TrafficPod } from './hubble-traffic';
import { compareInstants } from '@bulkhead/flows';

/** The kind + bookinfo cluster of the published Hubble samples, as a `kubectl get -o json` snapshot (ReplicaSets named after their Deployment). */
export function bookinfoSnapshot(): string {
  const inventory = kindBookinfoInventory();
  const namespaces = [...new Set(inventory.pods.map((p) => p.namespace))];
  const owner = (p: (typeof inventory.pods)[number]) =>
    p.workload.kind === 'Deployment'
      ? { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${p.workload.name}-${p.labels['pod-template-hash'] ?? 'x'}`, controller: true }
      : { apiVersion: 'apps/v1', kind: p.workload.kind, name: p.workload.name, controller: true };
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'List',
    items: [
      ...namespaces.map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })),
      ...inventory.pods.map((p) => ({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: p.name, namespace: p.namespace, labels: p.labels, ownerReferences: [owner(p)] },
        spec: { containers: [{ name: 'main' }] },
        status: { phase: 'Running', podIP: p.ips[0] },
      })),
    ],
  });
}

/** Flows to replay: each as the wire object a relay sends and the jsonpb line a file import reads, in time order. */
export interface ReplayFlow {
  wire: any;
  line: string;
}

/** The published Hubble samples of the bookinfo cluster (TCP, UDP, DNS, HTTP, ICMP), in time order. */
export function bookinfoSamples(): ReplayFlow[] {
  const files = [SAMPLE.hubbleTcp400, SAMPLE.hubbleUdp400, SAMPLE.hubbleDns330, SAMPLE.hubbleHttp348, SAMPLE.hubbleIcmp];
  const flows = files.flatMap((file) =>
    readSample(file)
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line) => ({ wire: wireResponseFromJsonpb(line), line })),
  );
  const timeOf = (f: ReplayFlow) => f.wire.flow?.time ?? f.wire.time;
  return flows.sort((a, b) => compareInstants(timeOf(a), timeOf(b)));
}

/** The bookinfo cluster's pods as generated traffic sends from and to them. */
export function bookinfoPods(): TrafficPod[] {
  return kindBookinfoInventory().pods.map((p) => {
    const [ip] = p.ips;
    if (!ip) throw new Error(`the bookinfo pod ${p.namespace}/${p.name} has no IP`);
    return {
      namespace: p.namespace,
      pod: p.name,
      ip,
      labels: [`k8s:app=${p.labels.app ?? p.workload.name}`, `k8s:io.kubernetes.pod.namespace=${p.namespace}`],
    };
  });
}

/** Generated connections between bookinfo pods, after the samples (2021-11-10 11:00 onwards, so another hour). */
export function bookinfoTraffic(connections: number, startSecond = Date.parse('2021-11-10T11:05:00Z') / 1000): ReplayFlow[] {
  const pods = bookinfoPods();
  const find = (prefix: string) => pods.find((candidate) => candidate.pod.startsWith(prefix))!;
  return generatedTraffic({
    start: { seconds: startSecond, nanos: 0 },
    connections,
    pairs: [
      { from: find('productpage-v1'), to: find('reviews-v2'), port: 9080 },
      { from: find('productpage-v1'), to: find('details-v1'), port: 9080 },
      { from: find('reviews-v2'), to: find('ratings-v1'), port: 9080 },
    ],
  });
}
