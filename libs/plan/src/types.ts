// The vocabulary of a migration plan: the edges it is built from, the options a person can switch,
// and what it hands back (policies, findings, evidence, observation, risks, blocked edges).
import type { GuardrailStage } from '@bulkhead/contracts';
import type { ClusterNetworkPolicy, Inventory, NetworkPolicy } from '@bulkhead/netpol';

export type Tier = 'dev' | 'staging' | 'prod';
export type ReviewState = 'unreviewed' | 'confirmed' | 'rejected';

/**
 * One observed dependency, keyed like the flows library's `EdgeEndpoint.key`: `workload:ns/name`,
 * `external:<cidr|dns name|pub|pvt|networkset:ns/name>`, `reserved:<identity>`, `node:<name>`.
 */
export interface PlanEdge {
  src: string;
  dst: string;
  /** Destination port; null (ICMP) cannot be expressed in a NetworkPolicy. */
  port: number | null;
  /** TCP, UDP, SCTP, ICMP, or whatever else a flow source named. */
  protocol: string;
  connections: number;
  /** RFC 3339. */
  firstSeen?: string | null;
  lastSeen?: string | null;
  /** Default `unreviewed`. Rejected edges are never allowed; cross-tier edges only when confirmed. */
  review?: ReviewState;
}

export type Severity = 'error' | 'warning' | 'info';

export interface LintFinding {
  /** Stable id, e.g. `wildcard-namespace-selector`. */
  rule: string;
  severity: Severity;
  /** What it is about: `NetworkPolicy ns/name`, `Namespace ns`, `Workload ns/name`, `Edge <key>`, `Cluster`. */
  object: string;
  message: string;
  fix: string;
}

export interface PlanOptions {
  /** Allow every pod to resolve names through the cluster DNS (default true). */
  dns?: boolean;
  /** Where the cluster DNS pods run (default kube-system, `k8s-app: kube-dns`). */
  dnsNamespace?: string;
  dnsPodLabels?: Record<string, string>;
  /** Let ingress controllers reach the backends they expose, and the world reach the controllers (default true). */
  ingressControllers?: boolean;
  /** Workload keys (`ns/name`) to treat as ingress controllers, in addition to the ones detected by labels. */
  ingressControllerWorkloads?: string[];
  /** Open the ports an ingress controller was reached on from the whole internet (0.0.0.0/0 minus private ranges), default true. Off: only the observed client CIDRs. */
  publicIngressToControllers?: boolean;
  /** Let Prometheus (the monitoring namespace or a prometheus workload) scrape the ports it was seen scraping (default true). */
  prometheus?: boolean;
  /** Workload keys (`ns/name`) to treat as metrics scrapers, in addition to the detected ones. */
  scraperWorkloads?: string[];
  /**
   * Let workloads keep the traffic seen with a node of the inventory (a node-local agent, the kubelet API,
   * a host-network pod, a NodePort), as ipBlocks of that node's addresses on the observed ports (default true).
   */
  nodeTraffic?: boolean;
  /** Let workloads seen talking to the API server keep doing so (default true). */
  apiServer?: boolean;
  /** CIDRs of the API server endpoint; default: the addresses seen in the flows (`apiServerAddresses` of the input). */
  apiServerCidrs?: string[];
  /** Ports opened to the API server besides the observed ones (default 443 and 6443). */
  apiServerPorts?: number[];
  /** Lint the generated policies (and the cluster: CNI, namespace labels) into `findings` (default true). The existing policies are linted apart (lintPolicies, buildPlanReport). */
  lint?: boolean;
  /** Under this observed span (hours), a workload's evidence is called a short window (default 24). */
  minObservationHours?: number;
  /** The cluster layer's pieces (ClusterNetworkPolicy guardrails), each off unless switched on. */
  clusterLayer?: Partial<Record<GuardrailPiece, boolean>>;
  /** Where a rollout applies the cluster layer, as a stage of its own (default afterProd; see @bulkhead/contracts' GuardrailStage). */
  guardrailStage?: GuardrailStage;
}

/**
 * The pieces of the cluster layer:
 * - `tierIsolation`: Admin-tier Deny between namespaces of different tiers, each confirmed cross-tier edge passed
 *   to NetworkPolicy ahead of it;
 * - `baselineDefaultDeny`: a Baseline-tier default-deny over every namespace, present and future;
 * - `intraTierPass`: Admin-tier Pass for traffic within a tier, which its namespaces' owners decide.
 */
export type GuardrailPiece = 'tierIsolation' | 'baselineDefaultDeny' | 'intraTierPass';

export interface GuardrailPieceState {
  piece: GuardrailPiece;
  /** Switched on in the options. */
  requested: boolean;
  /** In the plan. */
  included: boolean;
  /** Names of its ClusterNetworkPolicies. */
  policies: string[];
  /** Why a requested piece is not in the plan. */
  reason?: string;
}

/** What the plan adds to the cluster-scoped tiers: plain ClusterNetworkPolicy objects, and what became of each piece. */
export interface ClusterLayer {
  pieces: GuardrailPieceState[];
  /** Admin tier first, each tier by priority, then name. */
  policies: ClusterNetworkPolicy[];
  /** Where a rollout applies the policies, when there are any. */
  stage?: GuardrailStage;
}

export interface PlanInput {
  inventory: Inventory;
  edges: PlanEdge[];
  /** Tier of a namespace; null = no tier. Namespaces not listed: from labels environment/env/tier. */
  tiers?: Record<string, Tier | null>;
  /** The cluster's CNI (`cilium`, `calico`, `flannel`, ...), for the enforcement check. */
  cni?: string;
  /** DNS name -> IPs seen for it (Hubble `destination_names`, DNS answers), so DNS-named externals get ipBlocks. */
  externalAddresses?: Record<string, string[]>;
  /** IPs the API server was seen at (the destination of `reserved:kube-apiserver` flows). */
  apiServerAddresses?: string[];
  options?: PlanOptions;
}

export type Purpose =
  | 'default-deny'
  | 'dns'
  | 'dns-server'
  | 'dependency'
  | 'ingress-controller'
  | 'public-entry'
  | 'prometheus'
  | 'api-server'
  | 'node-traffic';

export interface EdgeEvidence {
  /** `<src>|<dst>|<protocol>|<port>`, the flows library's edge key. */
  key: string;
  connections: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

/** Why one rule of one generated policy exists. */
export interface RuleEvidence {
  /** `ns/name` of the policy. */
  policy: string;
  direction: 'ingress' | 'egress';
  rule: number;
  purpose: Purpose;
  edges: EdgeEvidence[];
  connections: number;
  firstSeen: string | null;
  lastSeen: string | null;
}

export interface NamespaceObservation {
  namespace: string;
  tier: Tier | null;
  edges: number;
  connections: number;
  firstSeen: string | null;
  lastSeen: string | null;
  spanHours: number;
  workloads: number;
  /** Workloads of the namespace that appear in no edge. */
  unobservedWorkloads: string[];
}

export type RiskKind = 'job' | 'seen-once' | 'short-window' | 'never-observed';

export interface Risk {
  kind: RiskKind;
  /** `ns/name`. */
  workload: string;
  message: string;
}

export type BlockReason =
  | 'rejected'
  | 'cross-tier-unconfirmed'
  | 'switched-off'
  | 'external-needs-cidr'
  | 'api-server-address-unknown'
  | 'unsupported-protocol'
  | 'unknown-workload'
  | 'node-traffic'
  | 'unsupported-endpoint';

export interface BlockedEdge {
  edge: PlanEdge;
  key: string;
  reason: BlockReason;
  message: string;
}

export interface Plan {
  /** Sorted by namespace, then name. */
  policies: NetworkPolicy[];
  byNamespace: Record<string, NetworkPolicy[]>;
  /** Generation findings and lint of the generated policies, sorted. */
  findings: LintFinding[];
  evidence: RuleEvidence[];
  observation: NamespaceObservation[];
  risks: Risk[];
  /** Edges the plan does not allow, and why. */
  blocked: BlockedEdge[];
  /** Edges that need no rule (from a pod's own node, such as the kubelet's health checks; between nodes and the outside). */
  ignored: BlockedEdge[];
  /** Namespace tiers as the plan resolved them. */
  tiers: Record<string, Tier | null>;
  clusterLayer: ClusterLayer;
}
