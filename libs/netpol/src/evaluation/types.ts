import type { NetworkPolicy, Protocol } from '../model/types';
import type { InventoryNamespace, InventoryPod } from '../snapshot/inventory';

/** What evaluation needs from an inventory (an Inventory is one). */
export interface Cluster {
  namespaces: readonly InventoryNamespace[];
  pods: readonly InventoryPod[];
  policies: readonly NetworkPolicy[];
}

/** One end of a connection: a pod of the cluster, or an IP address outside every pod. */
export type Endpoint = { pod: InventoryPod } | { ip: string };

/** A connection attempt, its port already resolved to a number on the destination. */
export interface Traffic {
  from: Endpoint;
  to: Endpoint;
  port: number;
  protocol: Protocol;
}

/** Which rule of which policy let the traffic through. */
export interface RuleRef {
  policy: string;
  /** Index in `spec.ingress` or `spec.egress`. */
  rule: number;
}

/** The verdict of one side: the source's egress or the destination's ingress. */
export interface DirectionVerdict {
  allowed: boolean;
  /** `ns/name` of every policy that selected this side for this direction (sorted). */
  policies: readonly string[];
  /** True when at least one policy selected this side, so only what a rule allows gets through. */
  isolated: boolean;
  /** The rules that allowed the traffic (empty when denied or not isolated). */
  allowedBy: readonly RuleRef[];
}

export interface TrafficVerdict {
  allowed: boolean;
  egress: DirectionVerdict;
  ingress: DirectionVerdict;
}

/**
 * Whether an IP address of this pod designates it. A pod that has terminated (Succeeded or Failed) keeps its
 * status.podIP, but the address may already belong to a new pod; a hostNetwork pod shows its node's address,
 * shared with the node and its other hostNetwork pods. Their addresses designate no pod.
 */
export function ownsItsIps(pod: InventoryPod): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed' && pod.hostNetwork !== true;
}

export function describe(endpoint: Endpoint): string {
  return 'pod' in endpoint ? `${endpoint.pod.namespace}/${endpoint.pod.name}` : endpoint.ip;
}

const NOBODY: readonly never[] = Object.freeze([]);
const OPEN: DirectionVerdict = Object.freeze({ allowed: true, policies: NOBODY, isolated: false, allowedBy: NOBODY });

/** The verdict of one side from the policies that selected it and the rules that matched. */
export function directionVerdict(policies: readonly string[], allowedBy: readonly RuleRef[]): DirectionVerdict {
  if (policies.length === 0) return OPEN;
  return { allowed: allowedBy.length > 0, policies, isolated: true, allowedBy };
}

/** One human line for a side, e.g. `dropped by y/deny-all` or `allowed by y/allow-x (ingress rule 0)`. */
export function explainDirection(direction: 'ingress' | 'egress', side: Endpoint, verdict: DirectionVerdict): string {
  if (!('pod' in side)) {
    const where = direction === 'egress' ? 'source' : 'destination';
    return `${where} ${side.ip} is outside the cluster: no ${direction} policy applies`;
  }
  if (!verdict.isolated) return `not isolated: no policy selects ${describe(side)} for ${direction}`;
  if (!verdict.allowed) return `dropped by ${verdict.policies.join(', ')}`;
  return `allowed by ${verdict.allowedBy.map((r) => `${r.policy} (${direction} rule ${r.rule})`).join(', ')}`;
}
