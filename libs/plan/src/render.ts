// Rendering policies for `kubectl apply -f -`: multi-document YAML or one v1 List, deterministic.
import type { NetworkPolicy } from '@bulkhead/netpol';
import { stringify } from 'yaml';

/** Drops undefined fields so that YAML and JSON render the same object. */
function clean<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Multi-document YAML, one NetworkPolicy per document, in the order given. Empty input: empty string. */
export function renderYaml(policies: readonly NetworkPolicy[]): string {
  return policies.map((p) => `---\n${stringify(clean(p), { lineWidth: 0, indent: 2 })}`).join('');
}

/** One `v1 List` of the policies, as kubectl prints with `-o json`. */
export function renderJsonList(policies: readonly NetworkPolicy[]): string {
  return `${JSON.stringify({ apiVersion: 'v1', kind: 'List', items: clean(policies) }, null, 2)}\n`;
}
