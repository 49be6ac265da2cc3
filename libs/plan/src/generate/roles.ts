// Stage 2, who is who: the workloads that are the cluster DNS, the ingress controllers and the metrics
// scrapers, the API server's addresses, and the nodes: their addresses, and which workloads run on which.
import type { EdgeEndpoint } from '@bulkhead/flows';
import type { Inventory, InventoryWorkload } from '@bulkhead/netpol';
import { carriesDnsLabels } from '../dns';
import { compareStrings } from '../selectors';
import type { LintFinding, PlanInput } from '../types';
import { hostCidrsOf } from './addresses';
import type { ResolvedPlanOptions } from './options';

const INGRESS_CONTROLLER_NAMES: ReadonlySet<string> = new Set([
  'ingress-nginx',
  'nginx-ingress',
  'nginx-ingress-controller',
  'traefik',
  'haproxy-ingress',
  'kubernetes-ingress',
  'contour',
  'envoy-gateway',
  'kong',
  'istio-ingressgateway',
  'emissary-ingress',
  'ambassador',
  'skipper-ingress',
]);
const INGRESS_CONTROLLER_NAMESPACES: ReadonlySet<string> = new Set([
  'ingress-nginx',
  'traefik',
  'kong',
  'istio-ingress',
  'haproxy-ingress',
  'projectcontour',
  'envoy-gateway-system',
]);
const SCRAPER_NAMES: ReadonlySet<string> = new Set([
  'prometheus',
  'vmagent',
  'victoria-metrics-agent',
  'grafana-agent',
  'alloy',
  'otel-collector',
  'opentelemetry-collector',
  'datadog-agent',
]);

export interface ClusterRoles {
  /** `ns/name` of the workloads whose pods serve the cluster DNS. */
  dnsWorkloads: ReadonlySet<string>;
  /** `ns/name` of the ingress controllers, given or recognised by name. */
  ingressControllers: ReadonlySet<string>;
  /** `ns/name` of the metrics scrapers, given or recognised by name. */
  scrapers: ReadonlySet<string>;
  /** CIDRs of the API server endpoint, sorted: given, or the addresses it was seen at. */
  apiServerCidrs: string[];
  /** Node name -> its addresses as host CIDRs, sorted. */
  nodeCidrs: ReadonlyMap<string, string[]>;
  /** `ns/name` -> the nodes its pods run on, for the pods whose node the inventory knows. */
  workloadNodes: ReadonlyMap<string, ReadonlySet<string>>;
  /** What the plan could not find (the DNS pods). */
  findings: LintFinding[];
}

export function identifyRoles(input: PlanInput, options: ResolvedPlanOptions): ClusterRoles {
  const { inventory } = input;
  const given = input.options ?? {};
  const dnsWorkloads = findDnsWorkloads(inventory, options);
  const ingressControllers = new Set(given.ingressControllerWorkloads ?? []);
  const scrapers = new Set(given.scraperWorkloads ?? []);
  for (const [key, workload] of distinctWorkloads(inventory)) {
    if (isIngressController(workload)) ingressControllers.add(key);
    if (isScraper(workload)) scrapers.add(key);
  }
  const apiServerCidrs = given.apiServerCidrs
    ? [...new Set(given.apiServerCidrs)].sort(compareStrings)
    : hostCidrsOf(input.apiServerAddresses ?? []);
  const findings: LintFinding[] = [];
  if (options.switches.dns && dnsWorkloads.size === 0) findings.push(dnsPodsNotFound(options));
  const nodeCidrs = new Map((inventory.nodes ?? []).map((node) => [node.name, hostCidrsOf(node.addresses.map((a) => a.address))]));
  return { dnsWorkloads, ingressControllers, scrapers, apiServerCidrs, nodeCidrs, workloadNodes: workloadNodesOf(inventory), findings };
}

/** A Cilium reserved identity for a node the inventory does not name (no Node listed at that address). */
export function isUnnamedNode(endpoint: EdgeEndpoint): boolean {
  return endpoint.kind === 'reserved' && (endpoint.name === 'host' || endpoint.name === 'remote-node');
}

function workloadNodesOf(inventory: Inventory): Map<string, Set<string>> {
  const nodes = new Map<string, Set<string>>();
  for (const pod of inventory.pods) {
    if (pod.nodeName === undefined) continue;
    const key = `${pod.namespace}/${pod.workload.name}`;
    let set = nodes.get(key);
    if (!set) nodes.set(key, (set = new Set()));
    set.add(pod.nodeName);
  }
  return nodes;
}

/** Workloads of the DNS namespace with a pod carrying the DNS labels. */
function findDnsWorkloads(inventory: Inventory, { dnsNamespace, dnsLabels }: ResolvedPlanOptions): Set<string> {
  const found = new Set<string>();
  for (const pod of inventory.pods)
    if (pod.namespace === dnsNamespace && carriesDnsLabels(pod.labels, dnsLabels)) found.add(`${pod.namespace}/${pod.workload.name}`);
  return found;
}

/** The first workload listed under each `ns/name`. */
function distinctWorkloads(inventory: Inventory): Map<string, InventoryWorkload> {
  const workloads = new Map<string, InventoryWorkload>();
  for (const workload of inventory.workloads) {
    const key = `${workload.namespace}/${workload.name}`;
    if (!workloads.has(key)) workloads.set(key, workload);
  }
  return workloads;
}

/** The name a workload goes by: its app labels, else its own name. */
const appNameOf = (workload: InventoryWorkload) =>
  workload.labels['app.kubernetes.io/name'] ?? workload.labels.app ?? workload.labels['k8s-app'] ?? workload.name;

function isIngressController(workload: InventoryWorkload): boolean {
  if (INGRESS_CONTROLLER_NAMES.has(appNameOf(workload))) return true;
  return (
    INGRESS_CONTROLLER_NAMESPACES.has(workload.namespace) &&
    (workload.labels['app.kubernetes.io/component'] === 'controller' || INGRESS_CONTROLLER_NAMES.has(workload.name))
  );
}

const isScraper = (workload: InventoryWorkload) => SCRAPER_NAMES.has(appNameOf(workload)) || SCRAPER_NAMES.has(workload.name);

function dnsPodsNotFound({ dnsNamespace, dnsLabels }: ResolvedPlanOptions): LintFinding {
  return {
    rule: 'dns-pods-not-found',
    severity: 'warning',
    object: `Namespace ${dnsNamespace}`,
    message: `no pod of ${dnsNamespace} carries ${Object.entries(dnsLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(',')}: the DNS allow assumes the cluster DNS runs there with those labels`,
    fix: 'Check where CoreDNS runs and set options.dnsNamespace / options.dnsPodLabels.',
  };
}
