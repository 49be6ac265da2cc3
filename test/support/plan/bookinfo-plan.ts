// For the specs only: the published kind + bookinfo Hubble capture (test/fixtures/flows/samples) planned end
// to end, and what the engine says of the plan's policies on that cluster.
import { type Inventory, type NetworkPolicy, PlainEvaluator } from '@bulkhead/netpol';
import { SAMPLE } from '../../fixtures/flows/samples';

/** The capture's files from the kind cluster (TCP, L7-redirected and DNS over UDP), in the order they are uploaded. */
export const BOOKINFO_CAPTURE = [SAMPLE.hubbleTcp400, SAMPLE.hubbleL7Redirected, SAMPLE.hubbleUdp400] as const;

/** Lint findings a plan must never make of its own output, and the one that says labels cannot tell workloads apart. */
export const SELF_INFLICTED_FINDINGS = ['duplicate-rule', 'shadowed-rule', 'ambiguous-selector'];

/** Whether each reviews version reaches ratings on 9080/TCP under `policies` (the engine's reference evaluator). */
export function reviewsToRatings(inventory: Inventory, policies: NetworkPolicy[]): Record<string, boolean> {
  const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies });
  const podOf = (workload: string) => inventory.pods.find((pod) => pod.namespace === 'bookinfo' && pod.workload.name === workload)!;
  const ratings = podOf('ratings-v1');
  const verdicts: Record<string, boolean> = {};
  for (const reviews of ['reviews-v1', 'reviews-v2', 'reviews-v3'])
    verdicts[reviews] = evaluator.evaluate({ from: { pod: podOf(reviews) }, to: { pod: ratings }, port: 9080, protocol: 'TCP' }).allowed;
  return verdicts;
}

/** The node the capture's OpenTelemetry collector calls the Hubble server on (port 4244), at its InternalIP. */
const COLLECTOR_NODE_ADDRESS = '172.19.0.3';

/**
 * What `policies` open of the collector's node traffic (the engine's reference evaluator): the Hubble server on its
 * node, the kubelet's port on that node, the Hubble port at another address; and which policies open egress to the node
 * (ingress from it, for the kubelet's health checks, is the CNI's business: see the node-traffic finding).
 */
export function collectorNodeTraffic(inventory: Inventory, policies: NetworkPolicy[]) {
  const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: inventory.pods, policies });
  const collector = inventory.pods.find((pod) => pod.namespace === 'kube-system' && pod.workload.name === 'otelcol-hubble-collector')!;
  const reaches = (ip: string, port: number) => evaluator.evaluate({ from: { pod: collector }, to: { ip }, port, protocol: 'TCP' }).allowed;
  return {
    reaches: {
      'its node on 4244': reaches(COLLECTOR_NODE_ADDRESS, 4244),
      'its node on 10250': reaches(COLLECTOR_NODE_ADDRESS, 10250),
      'another address on 4244': reaches('172.19.0.2', 4244),
    },
    egressToTheNode: policies
      .filter((policy) => JSON.stringify(policy.spec.egress ?? []).includes(`"${COLLECTOR_NODE_ADDRESS}/32"`))
      .map((policy) => `${policy.metadata.namespace}/${policy.metadata.name}`),
  };
}
