// Rendering policies for `kubectl apply -f -`: multi-document YAML or one v1 List, deterministic.
import type { ClusterNetworkPolicy, NetworkPolicy } from '@bulkhead/netpol';
import { stringify } from 'yaml';

/** The order kubectl prints an object's top-level fields in; any others follow in their own order. */
const TOP_LEVEL_ORDER = ['apiVersion', 'kind', 'metadata', 'spec'];

/** A namespaced or a cluster-scoped policy. */
type Policy = NetworkPolicy | ClusterNetworkPolicy;

/** Drops undefined fields so that YAML and JSON render the same object, with the top-level fields in kubectl's order. */
function clean<P extends Policy>(policy: P): P {
  const ordered: Record<string, unknown> = {};
  for (const key of TOP_LEVEL_ORDER) if (key in policy) ordered[key] = policy[key as keyof P];
  Object.assign(ordered, policy);
  return JSON.parse(JSON.stringify(ordered)) as P;
}

/** Multi-document YAML, one policy per document, in the order given. Empty input: empty string. */
export function renderYaml(policies: readonly Policy[]): string {
  return policies.map((p) => `---\n${stringify(clean(p), { lineWidth: 0, indent: 2 })}`).join('');
}

/** One `v1 List` of the policies, as kubectl prints with `-o json`. */
export function renderJsonList(policies: readonly Policy[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: policies.map(clean) }, null, 2)}\n`;
}
