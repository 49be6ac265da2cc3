// Choosing how a policy names a workload: stable labels only, the most identifying first, and proof
// (against the inventory's pods) that the selector picks that workload and no other.
import type { Inventory, InventoryPod, InventoryWorkload, LabelSelector, LabelSelectorRequirement, Labels } from '@bulkhead/netpol';
import { NAMESPACE_NAME_LABEL } from '@bulkhead/netpol';

/** Labels controllers stamp per revision or per pod: a policy selecting on them breaks at the next rollout. */
export const UNSTABLE_LABEL_KEYS: ReadonlySet<string> = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
  'apps.kubernetes.io/pod-index',
  'batch.kubernetes.io/job-name',
  'batch.kubernetes.io/controller-uid',
  'batch.kubernetes.io/job-completion-index',
  'job-name',
  'controller-uid',
  'app.kubernetes.io/version',
  'version',
  'helm.sh/chart',
  'chart',
]);

/** Identifying keys, most specific first; any other stable key comes after, alphabetically. */
export const PREFERRED_LABEL_KEYS: readonly string[] = [
  'app.kubernetes.io/name',
  'app',
  'k8s-app',
  'name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'component',
  'role',
];

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The labels of a workload a selector may use: shared by all its pods, not per-revision, not per-pod. */
export function stableLabels(workload: InventoryWorkload, pods: readonly InventoryPod[]): Labels {
  const out: Labels = {};
  for (const [key, value] of Object.entries(workload.labels)) {
    if (UNSTABLE_LABEL_KEYS.has(key)) continue;
    if (pods.length === 1 && value === pods[0].name && value !== workload.name && !pods[0].synthetic) continue; // a per-pod value
    out[key] = value;
  }
  return out;
}

function orderedKeys(labels: Labels): string[] {
  const preferred = PREFERRED_LABEL_KEYS.filter((k) => k in labels);
  const rest = Object.keys(labels)
    .filter((k) => !PREFERRED_LABEL_KEYS.includes(k))
    .sort(compareStrings);
  return [...preferred, ...rest];
}

export interface WorkloadSelection {
  /** `ns/name`. */
  workload: string;
  selector: LabelSelector;
  /** True when the selector picks this workload's pods and no other pod of the namespace. */
  exact: boolean;
  /** Other workloads of the namespace the selector also picks (sorted `ns/name`). */
  alsoSelects: string[];
  /** True when the workload has no stable label at all. */
  unlabelled: boolean;
}

const workloadKeyOf = (namespace: string, name: string) => `${namespace}/${name}`;

/**
 * Selectors for every workload of the inventory. Greedy and deterministic: the first identifying key,
 * then more keys while they exclude pods of other workloads, then `DoesNotExist` on stable keys that only
 * the intruders carry. What still cannot be told apart is reported as ambiguous (`exact: false`).
 */
export function selectWorkloads(inventory: Inventory): Map<string, WorkloadSelection> {
  const podsByNs = new Map<string, InventoryPod[]>();
  const podsByWorkload = new Map<string, InventoryPod[]>();
  for (const pod of inventory.pods) {
    let list = podsByNs.get(pod.namespace);
    if (!list) podsByNs.set(pod.namespace, (list = []));
    list.push(pod);
    const wk = workloadKeyOf(pod.namespace, pod.workload.name);
    let own = podsByWorkload.get(wk);
    if (!own) podsByWorkload.set(wk, (own = []));
    own.push(pod);
  }
  const result = new Map<string, WorkloadSelection>();
  for (const workload of inventory.workloads) {
    const key = workloadKeyOf(workload.namespace, workload.name);
    if (result.has(key)) continue; // two kinds with one name: the edge key cannot tell them apart either
    const own = podsByWorkload.get(key) ?? [];
    const others = (podsByNs.get(workload.namespace) ?? []).filter((p) => p.workload.name !== workload.name);
    const labels = stableLabels(workload, own);
    const keys = orderedKeys(labels);
    const matchLabels: Labels = {};
    let intruders = others;
    keys.forEach((k, i) => {
      const remaining = intruders.filter((p) => p.labels[k] === labels[k]);
      if (i === 0 || remaining.length < intruders.length) {
        matchLabels[k] = labels[k];
        intruders = remaining;
      }
    });
    const expressions: LabelSelectorRequirement[] = [];
    while (intruders.length > 0) {
      // A stable key no pod of the workload carries but some intruders do: exclude them by its absence.
      const counts = new Map<string, number>();
      for (const p of intruders) {
        for (const k of Object.keys(p.labels)) {
          if (UNSTABLE_LABEL_KEYS.has(k) || own.some((o) => k in o.labels) || expressions.some((e) => e.key === k)) continue;
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
      }
      let best: string | undefined;
      for (const [k, n] of counts) if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && k < best)) best = k;
      if (best === undefined) break;
      expressions.push({ key: best, operator: 'DoesNotExist' });
      intruders = intruders.filter((p) => !(best in p.labels));
    }
    expressions.sort((a, b) => compareStrings(a.key, b.key));
    const selector: LabelSelector = {};
    if (Object.keys(matchLabels).length > 0) selector.matchLabels = sortLabels(matchLabels);
    if (expressions.length > 0) selector.matchExpressions = expressions;
    const alsoSelects = [...new Set(intruders.map((p) => workloadKeyOf(p.namespace, p.workload.name)))].sort(compareStrings);
    result.set(key, { workload: key, selector, exact: intruders.length === 0, alsoSelects, unlabelled: keys.length === 0 });
  }
  return result;
}

export function sortLabels(labels: Labels): Labels {
  const out: Labels = {};
  for (const k of Object.keys(labels).sort(compareStrings)) out[k] = labels[k];
  return out;
}

/** `namespaceSelector` naming exactly one namespace. */
export function namespaceSelectorFor(namespace: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}
