// Choosing how a policy names a workload: stable labels only, the most identifying first, and proof
// (against the inventory's pods) that the selector picks that workload and no other.
import type { Inventory, InventoryPod, InventoryWorkload, LabelSelector, LabelSelectorRequirement, Labels } from '@bulkhead/netpol';
import { NAMESPACE_NAME_LABEL } from '@bulkhead/netpol';

/**
 * Labels that never name a workload, so a policy never selects on them. Controllers stamp them per
 * revision (`pod-template-hash`, `controller-revision-hash`, `pod-template-generation`), per pod
 * (`statefulset.kubernetes.io/pod-name`, `apps.kubernetes.io/pod-index`, `batch.kubernetes.io/job-completion-index`)
 * or per run of a Job (`job-name`, `controller-uid` and their `batch.kubernetes.io/` forms); Helm stamps the
 * chart's name and version (`helm.sh/chart`, `chart`), which every upgrade changes. A selector on any of them
 * stops matching at the next rollout, the next pod or the next run.
 */
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
  'helm.sh/chart',
  'chart',
]);

/**
 * Well-known identifying keys, most telling first. Any other `app.kubernetes.io/` key is well known too
 * and comes after these, alphabetically; every other stable key comes last, alphabetically.
 */
export const PREFERRED_LABEL_KEYS: readonly string[] = [
  'app.kubernetes.io/name',
  'app',
  'k8s-app',
  'name',
  'app.kubernetes.io/instance',
  'app.kubernetes.io/component',
  'component',
  'tier',
  'role',
  'version',
  'app.kubernetes.io/version',
];

const WELL_KNOWN_PREFIX = 'app.kubernetes.io/';

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The labels of a workload a selector may use: shared by all its pods, not per-revision, not per-pod. */
export function stableLabels(workload: InventoryWorkload, pods: readonly InventoryPod[]): Labels {
  const out: Labels = {};
  const onlyPod = pods.length === 1 ? pods[0] : undefined;
  for (const [key, value] of Object.entries(workload.labels)) {
    if (UNSTABLE_LABEL_KEYS.has(key)) continue;
    if (onlyPod && value === onlyPod.name && value !== workload.name && !onlyPod.synthetic) continue; // a per-pod value
    out[key] = value;
  }
  return out;
}

const isWellKnown = (key: string) => PREFERRED_LABEL_KEYS.includes(key) || key.startsWith(WELL_KNOWN_PREFIX);

/** The keys in order of preference: the ranked well-known ones, the other well-known ones, then the rest. */
function orderedKeys(labels: Labels): string[] {
  const ranked = PREFERRED_LABEL_KEYS.filter((key) => key in labels);
  const rest = Object.keys(labels)
    .filter((key) => !PREFERRED_LABEL_KEYS.includes(key))
    .sort((a, b) => Number(isWellKnown(b)) - Number(isWellKnown(a)) || compareStrings(a, b));
  return [...ranked, ...rest];
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

/** The distinct sets of stable labels of a namespace's pods, each with the workloads whose pods carry it. */
interface LabelProfile {
  labels: Labels;
  workloads: Set<string>;
}

/** Sets of up to this many keys besides the first are searched in full; larger ones are built greedily. */
const EXHAUSTIVE_SET_SIZE = 3;

/**
 * Selectors for every workload of the inventory. Each names the workload by its first stable label in
 * order of preference (its name: `app.kubernetes.io/name`, `app`, ...) and the fewest other stable labels
 * that exclude every pod of another workload of its namespace: well-known keys first, then fewer labels,
 * then the keys' order. When labels cannot exclude them all, `DoesNotExist` on stable keys that only the
 * others carry excludes the rest; what still cannot be told apart is reported (`exact: false`, `alsoSelects`).
 */
export function selectWorkloads(inventory: Inventory): Map<string, WorkloadSelection> {
  const podsByWorkload = new Map<string, InventoryPod[]>();
  const profilesByNs = new Map<string, Map<string, LabelProfile>>();
  for (const pod of inventory.pods) {
    const workload = workloadKeyOf(pod.namespace, pod.workload.name);
    let own = podsByWorkload.get(workload);
    if (!own) podsByWorkload.set(workload, (own = []));
    own.push(pod);
    let profiles = profilesByNs.get(pod.namespace);
    if (!profiles) profilesByNs.set(pod.namespace, (profiles = new Map()));
    const labels = withoutUnstableKeys(pod.labels);
    const signature = labelSignature(labels);
    let profile = profiles.get(signature);
    if (!profile) profiles.set(signature, (profile = { labels, workloads: new Set() }));
    profile.workloads.add(workload);
  }
  const result = new Map<string, WorkloadSelection>();
  for (const workload of inventory.workloads) {
    const key = workloadKeyOf(workload.namespace, workload.name);
    if (result.has(key)) continue; // two kinds with one name: the edge key cannot tell them apart either
    const own = podsByWorkload.get(key) ?? [];
    const others = [...(profilesByNs.get(workload.namespace)?.values() ?? [])].filter(
      (profile) => profile.workloads.size > 1 || !profile.workloads.has(key),
    );
    result.set(key, selectWorkload(key, stableLabels(workload, own), own, others));
  }
  return result;
}

function selectWorkload(key: string, labels: Labels, own: readonly InventoryPod[], others: readonly LabelProfile[]): WorkloadSelection {
  const keys = orderedKeys(labels);
  const chosen = identifyingKeys(keys, labels, others);
  const matchLabels: Labels = Object.fromEntries(Object.entries(labels).filter(([labelKey]) => chosen.includes(labelKey)));
  let intruders = others.filter((profile) => chosen.every((chosenKey) => profile.labels[chosenKey] === labels[chosenKey]));
  const expressions: LabelSelectorRequirement[] = [];
  while (intruders.length > 0) {
    // A stable key no pod of the workload carries but some intruders do: exclude them by its absence.
    const counts = new Map<string, number>();
    for (const profile of intruders) {
      for (const candidate of Object.keys(profile.labels)) {
        if (own.some((pod) => candidate in pod.labels) || expressions.some((e) => e.key === candidate)) continue;
        counts.set(candidate, (counts.get(candidate) ?? 0) + 1);
      }
    }
    let best: string | undefined;
    for (const [candidate, count] of counts)
      if (best === undefined || count > counts.get(best)! || (count === counts.get(best)! && candidate < best)) best = candidate;
    if (best === undefined) break;
    const absent = best;
    expressions.push({ key: absent, operator: 'DoesNotExist' });
    intruders = intruders.filter((profile) => !(absent in profile.labels));
  }
  expressions.sort((a, b) => compareStrings(a.key, b.key));
  const selector: LabelSelector = {};
  if (chosen.length > 0) selector.matchLabels = sortLabels(matchLabels);
  if (expressions.length > 0) selector.matchExpressions = expressions;
  const alsoSelects = [...new Set(intruders.flatMap((profile) => [...profile.workloads]))]
    .filter((other) => other !== key)
    .sort(compareStrings);
  return { workload: key, selector, exact: intruders.length === 0, alsoSelects, unlabelled: keys.length === 0 };
}

/**
 * The workload's first key (its name, in order of preference) and the fewest other keys that, together,
 * exclude every other pod that its labels can exclude: first among the well-known keys, then among all.
 */
function identifyingKeys(keys: readonly string[], labels: Labels, others: readonly LabelProfile[]): string[] {
  if (keys.length === 0) return [];
  // For each key, the others it excludes (a different value or no value), as a bit set.
  const words = Math.ceil(others.length / 32);
  const excludedBy = keys.map((key) => {
    const bits = new Uint32Array(words);
    others.forEach((profile, index) => {
      if (profile.labels[key] !== labels[key]) bits[index >>> 5]! |= 1 << (index & 31);
    });
    return bits;
  });
  const reachable = new Uint32Array(words);
  for (const bits of excludedBy) for (let w = 0; w < words; w++) reachable[w]! |= bits[w]!;
  const search = new CoverSearch(excludedBy, reachable);
  const wellKnown = keys.flatMap((key, index) => (index > 0 && isWellKnown(key) ? [index] : []));
  const everyKey = keys.map((_, index) => index).slice(1);
  const added =
    (wellKnown.length < everyKey.length ? search.fewestAdded(wellKnown) : undefined) ??
    // Every key together excludes all that any key can, so this search always finds a set.
    search.fewestAdded(everyKey)!;
  return [0, ...added].map((index) => keys[index]!);
}

/** Sets of keys that, with the first key (index 0), exclude all of `target`. */
class CoverSearch {
  constructor(
    private readonly excludedBy: readonly Uint32Array[],
    private readonly target: Uint32Array,
  ) {}

  /** The fewest `candidates` to add, the earliest combination of a size first; greedy past EXHAUSTIVE_SET_SIZE. */
  fewestAdded(candidates: readonly number[]): number[] | undefined {
    const limit = Math.min(EXHAUSTIVE_SET_SIZE, candidates.length);
    for (let size = 0; size <= limit; size++) {
      const found = firstCombination(candidates, size, (set) => this.covers(set));
      if (found) return found;
    }
    if (candidates.length <= EXHAUSTIVE_SET_SIZE) return undefined;
    // Greedy: the key that excludes most of what is left, earliest first; then drop keys the others make redundant.
    const chosen: number[] = [];
    while (!this.covers(chosen)) {
      let best = -1;
      let bestGain = 0;
      for (const index of candidates) {
        if (chosen.includes(index)) continue;
        const gain = this.newlyExcluded(index, chosen);
        if (gain > bestGain) [best, bestGain] = [index, gain];
      }
      if (best < 0) return undefined;
      chosen.push(best);
    }
    for (let i = chosen.length - 1; i >= 0; i--) {
      const without = chosen.filter((_, j) => j !== i);
      if (this.covers(without)) chosen.splice(i, 1);
    }
    return chosen.sort((a, b) => a - b);
  }

  private excludedWith(set: readonly number[], word: number): number {
    let union = this.excludedBy[0]![word]!;
    for (const index of set) union |= this.excludedBy[index]![word]!;
    return union >>> 0;
  }

  private covers(set: readonly number[]): boolean {
    for (let w = 0; w < this.target.length; w++) if (this.excludedWith(set, w) !== this.target[w]) return false;
    return true;
  }

  private newlyExcluded(index: number, chosen: readonly number[]): number {
    let count = 0;
    for (let w = 0; w < this.target.length; w++) count += popcount(this.excludedBy[index]![w]! & ~this.excludedWith(chosen, w));
    return count;
  }
}

function firstCombination(candidates: readonly number[], size: number, accept: (set: readonly number[]) => boolean): number[] | undefined {
  const positions = Array.from({ length: size }, (_, i) => i);
  for (;;) {
    const set = positions.map((position) => candidates[position]!);
    if (accept(set)) return set;
    let i = size - 1;
    while (i >= 0 && positions[i] === candidates.length - size + i) i--;
    if (i < 0) return undefined;
    positions[i]!++;
    for (let j = i + 1; j < size; j++) positions[j] = positions[j - 1]! + 1;
  }
}

function popcount(word: number): number {
  let bits = word - ((word >>> 1) & 0x55555555);
  bits = (bits & 0x33333333) + ((bits >>> 2) & 0x33333333);
  return (((bits + (bits >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

function withoutUnstableKeys(labels: Labels): Labels {
  const out: Labels = {};
  for (const [key, value] of Object.entries(labels)) if (!UNSTABLE_LABEL_KEYS.has(key)) out[key] = value;
  return out;
}

function labelSignature(labels: Labels): string {
  return Object.keys(labels)
    .sort(compareStrings)
    .map((key) => `${key}=${labels[key]}`)
    .join('\n');
}

export function sortLabels(labels: Labels): Labels {
  return Object.fromEntries(Object.entries(labels).sort(([a], [b]) => compareStrings(a, b)));
}

/** `namespaceSelector` naming exactly one namespace. */
export function namespaceSelectorFor(namespace: string): LabelSelector {
  return { matchLabels: { [NAMESPACE_NAME_LABEL]: namespace } };
}
