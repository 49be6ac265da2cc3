// Stage 3, edge classification: what each observed edge becomes. Blocked (rejected by a reviewer, cross-
// tier and unconfirmed, switched off, not expressible), ignored (from a pod's own node, such as the
// kubelet's health checks), or allowed as one of the kinds of allow the policies are then built from.
import { type EdgeEndpoint } from '@bulkhead/flows';
import { type Protocol, parseCidr } from '@bulkhead/netpol';
import { evidenceOf, parseKey } from '../edges';
import { crossesTiers } from '../tiers';
import type { BlockedEdge, EdgeEvidence, LintFinding, PlanEdge, PlanInput } from '../types';
import { hostCidrsOf } from './addresses';
import type { ClusterScope } from './cluster-scope';
import { purposeSwitchedOn, switchNameOf, type ResolvedPlanOptions } from './options';
import { isUnnamedNode, type ClusterRoles } from './roles';

/** A port an edge reached: what a NetworkPolicy rule opens. */
export interface ObservedPort {
  protocol: Protocol;
  port: number;
}

/** An edge the plan allows, and how. */
export type AllowedEdge = { evidence: EdgeEvidence } & (
  | { kind: 'to-api-server'; workload: string; cidrs: string[]; tcpPorts: number[] }
  /** A DNS query to the cluster DNS: the client namespace's DNS allow and the DNS server's own. */
  | { kind: 'dns-query'; clientNamespace: string; serverNamespace: string }
  | { kind: 'between-workloads'; purpose: 'dependency' | 'ingress-controller' | 'prometheus'; from: string; to: string; port: ObservedPort }
  /** The cluster DNS forwarding to an upstream resolver. */
  | { kind: 'upstream-dns'; namespace: string; cidrs: string[] }
  | { kind: 'to-external'; workload: string; cidrs: string[]; port: ObservedPort }
  /** A client reaching an ingress controller: opened to the internet once every edge is read. */
  | { kind: 'public-entry'; workload: string; cidrs: string[]; port: ObservedPort }
  | { kind: 'from-external'; workload: string; purpose: 'public-entry' | 'dependency'; cidrs: string[]; port: ObservedPort }
  /** A workload and a node of the inventory: the node's addresses as ipBlocks, egress to it or ingress from it. */
  | { kind: 'node-traffic'; workload: string; direction: 'egress' | 'ingress'; cidrs: string[]; port: ObservedPort }
);

export interface ClassifiedEdges {
  allowed: AllowedEdge[];
  blocked: BlockedEdge[];
  ignored: BlockedEdge[];
  /** Allowed or blocked, but worth a word (a rejected DNS edge, an edge into prod from a namespace of no tier). */
  findings: LintFinding[];
}

interface ClassificationInput {
  scope: ClusterScope;
  roles: ClusterRoles;
  options: ResolvedPlanOptions;
  externalAddresses: NonNullable<PlanInput['externalAddresses']>;
}

/** An edge the plan does not allow: blocked (and reported), or ignored (it needs no rule). */
type NotAllowed = ({ kind: 'blocked' } | { kind: 'ignored' }) & Pick<BlockedEdge, 'reason' | 'message'>;

const blocked = (reason: BlockedEdge['reason'], message: string): NotAllowed => ({ kind: 'blocked', reason, message });

export function classifyEdges(edges: readonly { key: string; edge: PlanEdge }[], input: ClassificationInput): ClassifiedEdges {
  const classified: ClassifiedEdges = { allowed: [], blocked: [], ignored: [], findings: [] };
  for (const { key, edge } of edges) {
    const verdict = classifyEdge(key, edge, input, classified.findings);
    if (verdict.kind === 'blocked' || verdict.kind === 'ignored')
      classified[verdict.kind].push({ edge, key, reason: verdict.reason, message: verdict.message });
    else classified.allowed.push(verdict);
  }
  return classified;
}

/** An edge read: its ends parsed, the workloads at either end, the port it opens, its evidence. */
interface ReadEdge {
  key: string;
  edge: PlanEdge;
  src: EdgeEndpoint;
  dst: EdgeEndpoint;
  /** `ns/name` when the end is a workload. */
  srcWorkload: string | undefined;
  dstWorkload: string | undefined;
  port: ObservedPort;
  evidence: EdgeEvidence;
}

function classifyEdge(key: string, edge: PlanEdge, input: ClassificationInput, findings: LintFinding[]): AllowedEdge | NotAllowed {
  if (edge.review === 'rejected') return rejected(key, edge, input, findings);
  const protocol = String(edge.protocol);
  if (edge.port === null || edge.port === undefined || !isProtocol(protocol)) {
    return blocked('unsupported-protocol', `${protocol} ${edge.port ?? ''}: NetworkPolicy only expresses TCP, UDP and SCTP ports`.trim());
  }
  const src = parseKey(edge.src);
  const dst = parseKey(edge.dst);
  if (!src || !dst) return blocked('unsupported-endpoint', `cannot read the endpoint key ${!src ? edge.src : edge.dst}`);
  const srcWorkload = workloadKey(src);
  const dstWorkload = workloadKey(dst);
  const unknown = [srcWorkload, dstWorkload].find((workload) => workload && !input.scope.selections.has(workload));
  if (unknown) return blocked('unknown-workload', `workload ${unknown} is not in the inventory`);
  const read: ReadEdge = {
    key,
    edge,
    src,
    dst,
    srcWorkload,
    dstWorkload,
    port: { protocol, port: edge.port },
    evidence: evidenceOf(key, edge),
  };

  if (src.kind === 'node' || dst.kind === 'node') return nodeTraffic(read, input);
  if (isUnnamedNode(src))
    return {
      kind: 'ignored',
      reason: 'node-traffic',
      message: `from reserved:${src.name}, a node the inventory does not name: if it is the pod's own node (the kubelet's health checks), it is always allowed; nothing generated (add the Nodes to the snapshot to tell)`,
    };
  if (dst.kind === 'reserved' && dst.name === 'kube-apiserver') return toApiServer(read, input);
  if (src.kind === 'reserved' || dst.kind === 'reserved') {
    const reserved = src.kind === 'reserved' ? src : dst;
    return blocked(
      isUnnamedNode(reserved) ? 'node-traffic' : 'unsupported-endpoint',
      isUnnamedNode(reserved)
        ? `reserved:${reserved.name} is a node the inventory does not name: add the Nodes to the snapshot (or sync the cluster) to allow it by address`
        : `reserved:${reserved.name} has no selector or address a NetworkPolicy can name; give its CIDR to allow it`,
    );
  }
  if (srcWorkload && dstWorkload) return betweenWorkloads(read, srcWorkload, dstWorkload, input, findings);
  return edgeWithTheOutside(read, input);
}

/**
 * A node of the inventory at one end. From a pod's own node (the kubelet's health checks, above all) it
 * is always allowed, so nothing is generated; with any other node, and to any node, the node's addresses
 * become ipBlocks on the observed port. Between a node and anything but a pod, no policy applies.
 */
function nodeTraffic(
  { src, dst, srcWorkload, dstWorkload, port, evidence }: ReadEdge,
  { roles, options }: ClassificationInput,
): AllowedEdge | NotAllowed {
  const workload = srcWorkload ?? dstWorkload;
  const node = src.kind === 'node' ? src.name : dst.name;
  if (!workload)
    return { kind: 'ignored', reason: 'node-traffic', message: `node ${node} and no pod: no NetworkPolicy applies; nothing generated` };
  const direction = srcWorkload ? 'egress' : 'ingress';
  if (direction === 'ingress' && roles.workloadNodes.get(workload)?.has(node))
    return {
      kind: 'ignored',
      reason: 'node-traffic',
      message: `from node ${node}, where ${workload} runs, on ${port.port}/${port.protocol}: the kubelet's health checks, which come from a pod's own node, always allowed; nothing generated`,
    };
  if (!options.switches.nodeTraffic) return blocked('switched-off', `node traffic is switched off (${switchNameOf('node-traffic')})`);
  const cidrs = roles.nodeCidrs.get(node) ?? [];
  if (cidrs.length === 0)
    return blocked('node-traffic', `node ${node} has no known address: sync the cluster or add the Node to the snapshot`);
  return { kind: 'node-traffic', workload, direction, cidrs, port, evidence };
}

function toApiServer({ srcWorkload, port, evidence }: ReadEdge, { roles, options }: ClassificationInput): AllowedEdge | NotAllowed {
  if (!srcWorkload) return blocked('unsupported-endpoint', 'only workloads get an API server allow');
  if (!options.switches.apiServer) return blocked('switched-off', 'API server access is switched off (options.apiServer)');
  if (roles.apiServerCidrs.length === 0)
    return blocked(
      'api-server-address-unknown',
      'the API server address is unknown: give its CIDR (options.apiServerCidrs, --api-server-cidr)',
    );
  return {
    kind: 'to-api-server',
    workload: srcWorkload,
    cidrs: roles.apiServerCidrs,
    tcpPorts: [...new Set([port.port, ...options.apiServerPorts])],
    evidence,
  };
}

function betweenWorkloads(
  read: ReadEdge,
  from: string,
  to: string,
  { scope, roles, options }: ClassificationInput,
  findings: LintFinding[],
): AllowedEdge | NotAllowed {
  const { key, edge, port, evidence } = read;
  const fromNamespace = namespaceOf(from);
  const toNamespace = namespaceOf(to);
  const fromTier = scope.tiers[fromNamespace];
  const toTier = scope.tiers[toNamespace];
  if (crossesTiers(fromTier, toTier) && edge.review !== 'confirmed') {
    return blocked('cross-tier-unconfirmed', `crosses tiers (${fromTier} -> ${toTier}): blocked until a person confirms the edge`);
  }
  const isDnsQuery = roles.dnsWorkloads.has(to) && port.port === 53 && (port.protocol === 'UDP' || port.protocol === 'TCP');
  const purpose = isDnsQuery
    ? 'dns'
    : roles.ingressControllers.has(from)
      ? 'ingress-controller'
      : roles.scrapers.has(from)
        ? 'prometheus'
        : 'dependency';
  if (!purposeSwitchedOn(purpose, options.switches))
    return blocked('switched-off', `${purpose} allows are switched off (${switchNameOf(purpose)})`);
  if (purpose === 'dns') return { kind: 'dns-query', clientNamespace: fromNamespace, serverNamespace: toNamespace, evidence };
  const intoOrOutOfProd = (fromTier ?? null) !== (toTier ?? null) && (fromTier === 'prod' || toTier === 'prod');
  if (purpose === 'dependency' && intoOrOutOfProd && (!fromTier || !toTier))
    findings.push(unknownTierEdge(key, edge, fromTier ? toNamespace : fromNamespace));
  return { kind: 'between-workloads', purpose, from, to, port, evidence };
}

/** One end outside the cluster, named by CIDR or DNS name, the other a workload. */
function edgeWithTheOutside(
  { src, dst, srcWorkload, dstWorkload, port, evidence }: ReadEdge,
  { roles, options, externalAddresses }: ClassificationInput,
): AllowedEdge | NotAllowed {
  const external = src.kind === 'external' ? src : dst.kind === 'external' ? dst : undefined;
  const inside = srcWorkload ?? dstWorkload;
  if (!external || !inside) return blocked('unsupported-endpoint', 'neither end is a workload of the cluster');
  const cidrs =
    external.via === 'cidr'
      ? parseCidr(external.name)
        ? [external.name]
        : []
      : external.via === 'dns'
        ? hostCidrsOf(externalAddresses[external.name] ?? [])
        : [];
  const { switches } = options;
  if (srcWorkload) {
    if (cidrs.length === 0)
      return blocked('external-needs-cidr', `${external.name} has no known address: give it a CIDR to allow this egress`);
    if (roles.dnsWorkloads.has(srcWorkload) && port.port === 53 && switches.dns)
      return { kind: 'upstream-dns', namespace: namespaceOf(inside), cidrs, evidence };
    return { kind: 'to-external', workload: srcWorkload, cidrs, port, evidence };
  }
  const toIngressController = roles.ingressControllers.has(inside) && switches.ingressControllers;
  if (toIngressController && switches.publicIngressToControllers) return { kind: 'public-entry', workload: inside, cidrs, port, evidence };
  if (cidrs.length === 0)
    return blocked('external-needs-cidr', `${external.name} has no known address: give it a CIDR to allow this ingress`);
  return { kind: 'from-external', workload: inside, purpose: toIngressController ? 'public-entry' : 'dependency', cidrs, port, evidence };
}

function rejected(key: string, edge: PlanEdge, { roles, options }: ClassificationInput, findings: LintFinding[]): NotAllowed {
  const dst = parseKey(edge.dst);
  const toDns =
    options.switches.dns && dst?.kind === 'workload' && roles.dnsWorkloads.has(`${dst.namespace}/${dst.name}`) && edge.port === 53;
  if (!toDns) return blocked('rejected', 'rejected by a reviewer: never allowed');
  findings.push({
    rule: 'rejected-dns-edge',
    severity: 'info',
    object: `Edge ${key}`,
    message: 'a DNS edge was rejected, but the DNS allow gives every pod of the namespace the cluster DNS',
    fix: 'Switch DNS off (options.dns: false) only if the namespace truly must not resolve names.',
  });
  return blocked('rejected', 'rejected by a reviewer, but every pod keeps DNS through the DNS allow');
}

function unknownTierEdge(key: string, edge: PlanEdge, namespaceOfNoTier: string): LintFinding {
  return {
    rule: 'unknown-tier-edge',
    severity: 'info',
    object: `Edge ${key}`,
    message: `allowed, but ${namespaceOfNoTier} has no tier: cannot tell whether this edge into or out of prod crosses tiers (${edge.connections} connections)`,
    fix: `Label namespace ${namespaceOfNoTier} with its environment (or pass its tier), then re-plan.`,
  };
}

function isProtocol(protocol: string): protocol is Protocol {
  return protocol === 'TCP' || protocol === 'UDP' || protocol === 'SCTP';
}

const workloadKeys = new WeakMap<EdgeEndpoint, string>();
/** `ns/name` of a workload end (memoized on the interned endpoint), undefined for other ends. */
function workloadKey(endpoint: EdgeEndpoint): string | undefined {
  if (endpoint.kind !== 'workload') return undefined;
  let key = workloadKeys.get(endpoint);
  if (key === undefined) workloadKeys.set(endpoint, (key = `${endpoint.namespace}/${endpoint.name}`));
  return key;
}

const namespaceOf = (workload: string) => workload.slice(0, workload.indexOf('/'));
