import type { NetworkPolicy } from '@bulkhead/netpol';

/** Metadata the API server writes: never part of what Bulkhead stores, compares or sends back. */
export const SERVER_MANAGED_METADATA: readonly string[] = [
  'resourceVersion',
  'uid',
  'creationTimestamp',
  'generation',
  'managedFields',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The same value with the keys of every object sorted, so equal policies serialize to equal bytes. */
export function canonical<T>(value: T): T {
  if (Array.isArray(value)) return value.map(canonical) as T;
  if (isObject(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((k) => value[k] !== undefined)
        .map((k) => [k, canonical(value[k])]),
    ) as T;
  }
  return value;
}

/**
 * A NetworkPolicy as the API server returned it, made re-appliable: server-managed metadata and status
 * dropped, apiVersion and kind set, keys sorted. Two reads of an unchanged policy give the same bytes.
 */
export function cleanPolicy(object: unknown, namespace: string): NetworkPolicy {
  const item = isObject(object) ? object : {};
  const meta = isObject(item.metadata) ? item.metadata : {};
  const metadata = Object.fromEntries(Object.entries(meta).filter(([k]) => !SERVER_MANAGED_METADATA.includes(k)));
  return canonical({
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { ...metadata, namespace: typeof meta.namespace === 'string' ? meta.namespace : namespace },
    spec: isObject(item.spec) ? item.spec : { podSelector: {} },
  }) as unknown as NetworkPolicy;
}

/** Checks that a policy to write belongs to the namespace being written, and returns its clean body. */
export function policyBody(policy: NetworkPolicy, namespace: string): NetworkPolicy {
  const name = policy?.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new Error(`a NetworkPolicy for namespace "${namespace}" has no metadata.name`);
  const own = policy.metadata.namespace;
  if (own !== undefined && own !== namespace) throw new Error(`NetworkPolicy "${own}/${name}" does not belong to namespace "${namespace}"`);
  return cleanPolicy({ ...policy, metadata: { ...policy.metadata, namespace } }, namespace);
}
