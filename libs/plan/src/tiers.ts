// Tiers (dev, staging, prod) of namespaces: given, or read from the environment/env/tier labels.
import type { InventoryNamespace } from '@bulkhead/netpol';
import type { Tier } from './types';

export const TIER_LABELS = ['environment', 'env', 'tier'];
const TIER_VALUES: Record<string, Tier> = {
  production: 'prod',
  prod: 'prod',
  prd: 'prod',
  staging: 'staging',
  stage: 'staging',
  stg: 'staging',
  development: 'dev',
  dev: 'dev',
};

/** The tier a namespace's labels state, or null. */
export function tierFromLabels(labels: Record<string, string>): Tier | null {
  for (const key of TIER_LABELS) {
    const value = labels[key];
    if (value !== undefined) {
      const tier = TIER_VALUES[value.toLowerCase()];
      if (tier) return tier;
    }
  }
  return null;
}

export function resolveTiers(
  namespaces: readonly InventoryNamespace[],
  given: Record<string, Tier | null> = {},
): Record<string, Tier | null> {
  const out: Record<string, Tier | null> = {};
  for (const ns of namespaces)
    out[ns.name] = Object.prototype.hasOwnProperty.call(given, ns.name) ? (given[ns.name] ?? null) : tierFromLabels(ns.labels);
  return out;
}

/** True when both ends have a tier and they differ. */
export function crossesTiers(a: Tier | null | undefined, b: Tier | null | undefined): boolean {
  return !!a && !!b && a !== b;
}
