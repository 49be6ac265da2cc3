// Stage 4, policy accumulation: the baseline every namespace gets (default deny, DNS), then one allow
// per allowed edge, then the public entry points of the ingress controllers, all drafted in a PolicyBook,
// and last the ports another rule already covers merged into it.
import { type NetworkPolicyPeer, type NetworkPolicyPort } from '@bulkhead/netpol';
import { namespaceSelectorFor } from '../selectors';
import type { AllowedEdge } from './classify-edges';
import type { ClusterScope } from './cluster-scope';
import { mergeCoveredRules } from './merge-rules';
import type { ResolvedPlanOptions } from './options';
import { PolicyBook, type PolicyDraft } from './policy-book';
import { PublicEntries, openPublicEntries } from './public-entries';

const DNS_PORTS: NetworkPolicyPort[] = [
  { protocol: 'UDP', port: 53 },
  { protocol: 'TCP', port: 53 },
];
/** Every pod of every namespace: who may query the cluster DNS. */
const EVERY_POD: NetworkPolicyPeer = { namespaceSelector: {}, podSelector: {} };

/** Suffixes of the two policies an edge between workloads adds to, by purpose: [egress of the client, ingress of the server]. */
const SUFFIXES = {
  dependency: ['egress', 'ingress'],
  'ingress-controller': ['to-backends', 'from-ingress-controller'],
  prometheus: ['scrape', 'from-prometheus'],
} as const;

export function accumulatePolicies(scope: ClusterScope, options: ResolvedPlanOptions, allowed: readonly AllowedEdge[]): PolicyBook {
  const book = new PolicyBook(scope.selections);
  const dns = dnsPolicies(book, options);
  addBaseline(book, dns, scope.namespaces, options);
  const publicEntries = new PublicEntries();
  for (const edge of allowed) allowEdge(book, dns, publicEntries, edge);
  openPublicEntries(book, publicEntries);
  mergeCoveredRules(book);
  return book;
}

/** The two DNS policies: every namespace's allow to the cluster DNS, and the DNS server's own. */
interface DnsPolicies {
  clientPeer: NetworkPolicyPeer;
  allowDns(namespace: string): PolicyDraft;
  dnsServer(namespace: string): PolicyDraft;
}

function dnsPolicies(book: PolicyBook, { dnsNamespace, dnsLabels }: ResolvedPlanOptions): DnsPolicies {
  return {
    clientPeer: { namespaceSelector: namespaceSelectorFor(dnsNamespace), podSelector: { matchLabels: dnsLabels } },
    allowDns: (namespace) => book.policy(namespace, 'bulkhead-allow-dns', 'dns', {}),
    dnsServer: (namespace) => book.policy(namespace, 'bulkhead-dns-server', 'dns-server', { matchLabels: dnsLabels }),
  };
}

function addBaseline(
  book: PolicyBook,
  dns: DnsPolicies,
  namespaces: readonly string[],
  { switches, dnsNamespace }: ResolvedPlanOptions,
): void {
  for (const namespace of namespaces) {
    book.policy(namespace, 'bulkhead-default-deny', 'default-deny', {}).denyAll = true;
    if (switches.dns) book.addRule(dns.allowDns(namespace), 'egress', dns.clientPeer, DNS_PORTS);
  }
  if (switches.dns && namespaces.includes(dnsNamespace)) book.addRule(dns.dnsServer(dnsNamespace), 'ingress', EVERY_POD, DNS_PORTS);
}

function allowEdge(book: PolicyBook, dns: DnsPolicies, publicEntries: PublicEntries, edge: AllowedEdge): void {
  const { evidence } = edge;
  switch (edge.kind) {
    case 'to-api-server': {
      const draft = book.workloadPolicy(edge.workload, 'to-api-server', 'api-server');
      const ports = edge.tcpPorts.map((port): NetworkPolicyPort => ({ protocol: 'TCP', port }));
      for (const cidr of edge.cidrs) book.addRule(draft, 'egress', { ipBlock: { cidr } }, ports, evidence);
      return;
    }
    case 'dns-query':
      book.addRule(dns.allowDns(edge.clientNamespace), 'egress', dns.clientPeer, DNS_PORTS, evidence);
      book.addRule(dns.dnsServer(edge.serverNamespace), 'ingress', EVERY_POD, DNS_PORTS, evidence);
      return;
    case 'between-workloads': {
      const [egressSuffix, ingressSuffix] = SUFFIXES[edge.purpose];
      const port = [book.port(edge.port.protocol, edge.port.port)];
      book.addRule(book.workloadPolicy(edge.from, egressSuffix, edge.purpose), 'egress', book.workloadPeer(edge.to), port, evidence);
      book.addRule(book.workloadPolicy(edge.to, ingressSuffix, edge.purpose), 'ingress', book.workloadPeer(edge.from), port, evidence);
      return;
    }
    case 'upstream-dns': {
      const draft = dns.dnsServer(edge.namespace);
      for (const cidr of edge.cidrs) book.addRule(draft, 'egress', { ipBlock: { cidr } }, DNS_PORTS, evidence);
      return;
    }
    case 'to-external': {
      const draft = book.workloadPolicy(edge.workload, 'egress', 'dependency');
      const port = [book.port(edge.port.protocol, edge.port.port)];
      for (const cidr of edge.cidrs) book.addRule(draft, 'egress', { ipBlock: { cidr } }, port, evidence);
      return;
    }
    case 'public-entry':
      publicEntries.add(edge.workload, edge.cidrs, book.port(edge.port.protocol, edge.port.port), evidence);
      return;
    case 'from-external': {
      const draft =
        edge.purpose === 'public-entry'
          ? book.workloadPolicy(edge.workload, 'public-entry', 'public-entry')
          : book.workloadPolicy(edge.workload, 'ingress', 'dependency');
      const port = [book.port(edge.port.protocol, edge.port.port)];
      for (const cidr of edge.cidrs) book.addRule(draft, 'ingress', { ipBlock: { cidr } }, port, evidence);
      return;
    }
    case 'node-traffic': {
      const draft = book.workloadPolicy(edge.workload, 'node-traffic', 'node-traffic');
      const port = [book.port(edge.port.protocol, edge.port.port)];
      for (const cidr of edge.cidrs) book.addRule(draft, edge.direction, { ipBlock: { cidr } }, port, evidence);
      return;
    }
  }
}
