// One engine per (inventory, policy set): impact, blast radius and lint often ask about the same pair.
// Memoized on the identity of the arrays (WeakMaps), so nothing outlives the data it was built from.
import { type Engine, type Inventory, type NetworkPolicy, buildEngine } from '@bulkhead/netpol';

const cache = new WeakMap<readonly unknown[], WeakMap<readonly NetworkPolicy[], Engine>>();

export function engineFor(inventory: Pick<Inventory, 'namespaces' | 'pods'>, policies: readonly NetworkPolicy[]): Engine {
  let byPolicies = cache.get(inventory.pods);
  if (!byPolicies) cache.set(inventory.pods, (byPolicies = new WeakMap()));
  let engine = byPolicies.get(policies);
  if (!engine) byPolicies.set(policies, (engine = buildEngine({ namespaces: inventory.namespaces, pods: inventory.pods, policies })));
  return engine;
}
