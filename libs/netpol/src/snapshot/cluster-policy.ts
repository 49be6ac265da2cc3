import type {
  ClusterNetworkPolicy,
  ClusterPolicyAction,
  ClusterPolicyEgressRule,
  ClusterPolicyIngressRule,
  ClusterPolicyPeer,
  ClusterPolicyProtocol,
} from '../model/cluster-policy';
import type { SnapshotClusterPolicy } from './types';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/**
 * Reads a listed cluster-scoped policy onto the ClusterNetworkPolicy model (validate it first: validateClusterPolicy).
 * A v1alpha2 ClusterNetworkPolicy is already that shape. The v1alpha1 kinds map exactly, as upstream renamed them:
 * AdminNetworkPolicy is the Admin tier with its priority, BaselineAdminNetworkPolicy the Baseline tier (it has no
 * priority, being a singleton: 0 here); the action `Allow` is `Accept`; a rule's `ports` become `protocols`
 * (`portNumber` a destination port, `portRange` a range, protocol TCP when left out, `namedPort` a destination
 * named port); subjects and peers keep their names. The object keeps its kind, so explanations name it as listed.
 */
export function readClusterPolicy(source: SnapshotClusterPolicy): ClusterNetworkPolicy {
  const spec = isObject(source.spec) ? source.spec : {};
  const metadata = { ...source.metadata };
  if (source.kind === 'ClusterNetworkPolicy') {
    return { apiVersion: source.apiVersion, kind: source.kind, metadata, spec: spec as unknown as ClusterNetworkPolicy['spec'] };
  }
  const ingress = list(spec.ingress)
    .filter(isObject)
    .map((rule): ClusterPolicyIngressRule => ({ ...ruleHead(rule), from: peers(rule.from) }));
  const egress = list(spec.egress)
    .filter(isObject)
    .map((rule): ClusterPolicyEgressRule => ({ ...ruleHead(rule), to: peers(rule.to) }));
  return {
    apiVersion: source.apiVersion,
    kind: source.kind,
    metadata,
    spec: {
      tier: source.kind === 'AdminNetworkPolicy' ? 'Admin' : 'Baseline',
      priority: source.kind === 'AdminNetworkPolicy' && typeof spec.priority === 'number' ? spec.priority : 0,
      subject: isObject(spec.subject) ? spec.subject : {},
      ...(ingress.length > 0 ? { ingress } : {}),
      ...(egress.length > 0 ? { egress } : {}),
    },
  };
}

function ruleHead(rule: Json): { name?: string; action: ClusterPolicyAction; protocols?: ClusterPolicyProtocol[] } {
  const action = (rule.action === 'Allow' ? 'Accept' : rule.action) as ClusterPolicyAction;
  const protocols = list(rule.ports).filter(isObject).map(protocolOf);
  return {
    ...(typeof rule.name === 'string' && rule.name !== '' ? { name: rule.name } : {}),
    action,
    ...(protocols.length > 0 ? { protocols } : {}),
  };
}

function peers(value: unknown): ClusterPolicyPeer[] {
  return list(value).filter(isObject);
}

function protocolOf(port: Json): ClusterPolicyProtocol {
  if (typeof port.namedPort === 'string') return { destinationNamedPort: port.namedPort };
  const number = isObject(port.portNumber) ? port.portNumber : undefined;
  const range = isObject(port.portRange) ? port.portRange : undefined;
  const named = (number ?? range)?.protocol;
  const protocol = (typeof named === 'string' ? named : 'TCP').toLowerCase() as 'tcp' | 'udp' | 'sctp';
  const destinationPort = number ? { number: Number(number.port) } : { range: { start: Number(range?.start), end: Number(range?.end) } };
  return { [protocol]: { destinationPort } };
}
