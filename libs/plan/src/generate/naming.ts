// How generated policies are named and labelled, so that they can be told apart from a person's.
import { type LabelSelector, selectorKey } from '@bulkhead/netpol';

export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY = 'bulkhead';
export const PURPOSE_LABEL = 'bulkhead.io/purpose';
export const ANNOTATION_PREFIX = 'bulkhead.io/';

/** A DNS-1123 subdomain from a workload name and a suffix (names longer than 253 keep a stable hash). */
export function policyNameFor(workload: string, suffix: string): string {
  const name = `bulkhead-${workload}-${suffix}`;
  if (name.length <= 253) return name;
  return `${name.slice(0, 240)}-${fnv1a(name)}`;
}

/** FNV-1a, 32 bits, as 8 hex digits. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, '0');
}

export function describeSelector(selector: LabelSelector): string {
  const key = selectorKey(selector);
  return key === '' ? '{} (every pod)' : key;
}
