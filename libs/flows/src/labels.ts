// Label parsing for Cilium (`k8s:app=x`, `reserved:host`) and Calico (`app=x`) label lists, cached per
// distinct list content: a cluster has few label sets and millions of flows, so each set is parsed once.
import type { ReservedIdentity } from './model';

export interface ParsedLabels {
  /** Pod labels: `k8s:` source prefix removed, Cilium-internal keys and `pod-template-hash` dropped. */
  readonly pod: Readonly<Record<string, string>>;
  readonly podCount: number;
  /** From `k8s:io.kubernetes.pod.namespace=`. */
  readonly namespace?: string;
  /** From `k8s:io.cilium.k8s.policy.cluster=`. */
  readonly cluster?: string;
  /** The most specific reserved identity among the labels (kube-apiserver wins over world, host over remote-node...). */
  readonly reserved?: ReservedIdentity;
  readonly world: boolean;
  /** First `cidr:` label. */
  readonly cidr?: string;
  /** The list joined, used as a cache key and as a stable identity of the label set. */
  readonly key: string;
}

const EMPTY_RECORD: Readonly<Record<string, string>> = Object.freeze({});

export const NO_LABELS: ParsedLabels = Object.freeze({ pod: EMPTY_RECORD, podCount: 0, world: false, key: '' });

const RESERVED_PRIORITY: readonly ReservedIdentity[] = [
  'health',
  'kube-apiserver',
  'ingress',
  'host',
  'remote-node',
  'init',
  'unmanaged',
  'encrypted-overlay',
];

const RESERVED_NAMES = new Set<string>(RESERVED_PRIORITY);

/** Label keys that describe the pod's controller revision, not the workload: dropped everywhere. */
const VOLATILE_KEYS = new Set([
  'pod-template-hash',
  'controller-revision-hash',
  'pod-template-generation',
  'statefulset.kubernetes.io/pod-name',
]);

const NS_LABEL = 'io.kubernetes.pod.namespace';
const CLUSTER_LABEL = 'io.cilium.k8s.policy.cluster';

function parseList(list: readonly string[], key: string): ParsedLabels {
  const pod: Record<string, string> = {};
  let podCount = 0;
  let namespace: string | undefined;
  let cluster: string | undefined;
  let reserved: ReservedIdentity | undefined;
  let reservedRank = RESERVED_PRIORITY.length;
  let world = false;
  let cidr: string | undefined;
  for (const raw of list) {
    if (typeof raw !== 'string') continue;
    const colon = raw.indexOf(':');
    const eq = raw.indexOf('=');
    // Cilium labels carry a source prefix before the first ':' (which must come before any '=').
    const hasSource = colon > 0 && (eq < 0 || colon < eq);
    const source = hasSource ? raw.slice(0, colon) : 'k8s';
    const body = hasSource ? raw.slice(colon + 1) : raw;
    if (source === 'reserved') {
      const name = eq < 0 ? body : body.slice(0, body.indexOf('='));
      if (name === 'world' || name === 'world-ipv4' || name === 'world-ipv6') world = true;
      else if (RESERVED_NAMES.has(name)) {
        const rank = RESERVED_PRIORITY.indexOf(name as ReservedIdentity);
        if (rank < reservedRank) {
          reserved = name as ReservedIdentity;
          reservedRank = rank;
        }
      }
      continue;
    }
    if (source === 'cidr') {
      if (cidr === undefined) cidr = body.split('=')[0];
      continue;
    }
    if (source !== 'k8s' && source !== 'container' && source !== 'unspec') continue;
    const bodyEq = body.indexOf('=');
    const k = bodyEq < 0 ? body : body.slice(0, bodyEq);
    const v = bodyEq < 0 ? '' : body.slice(bodyEq + 1);
    if (k === NS_LABEL) {
      namespace = v;
      continue;
    }
    if (k === CLUSTER_LABEL) {
      cluster = v;
      continue;
    }
    if (k.startsWith('io.cilium.') || k.startsWith('io.kubernetes.') || VOLATILE_KEYS.has(k)) continue;
    if (!(k in pod)) podCount++;
    pod[k] = v;
  }
  return Object.freeze({
    pod: podCount === 0 ? EMPTY_RECORD : Object.freeze(pod),
    podCount,
    namespace,
    cluster,
    reserved,
    world,
    cidr,
    key,
  });
}

/**
 * A bounded cache of parsed label lists. One per reader; the key is the list content, so equal
 * lists from different flows share one `ParsedLabels` object (which attribution caches on).
 */
export class LabelCache {
  private readonly cache = new Map<string, ParsedLabels>();
  /** Cilium identity -> the last list seen for it; verified element by element, which is cheaper than joining. */
  private readonly byIdentity = new Map<number, { list: readonly unknown[]; parsed: ParsedLabels }>();

  constructor(private readonly maxEntries = 20_000) {}

  /** Parse a label list; `identity` (the Cilium security identity of the list, if known) speeds up the lookup. */
  parse(list: unknown, identity?: number): ParsedLabels {
    if (!Array.isArray(list) || list.length === 0) return NO_LABELS;
    if (identity !== undefined) {
      const hit = this.byIdentity.get(identity);
      if (hit !== undefined && sameList(hit.list, list)) return hit.parsed;
    }
    for (const l of list)
      if (typeof l !== 'string')
        return this.parse(
          list.filter((x) => typeof x === 'string'),
          identity,
        );
    const key = list.length === 1 ? (list[0] as string) : list.join('\n');
    let parsed = this.cache.get(key);
    if (parsed === undefined) {
      if (this.cache.size >= this.maxEntries) {
        this.cache.clear();
        this.byIdentity.clear();
      }
      parsed = parseList(list as readonly string[], key);
      this.cache.set(key, parsed);
    }
    if (identity !== undefined) this.byIdentity.set(identity, { list, parsed });
    return parsed;
  }
}

function sameList(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Parse Calico-style labels: `{labels:[...]}`, an array, `"k=v,k2=v2"` (Whisker), or `-`/null (absent). */
export function calicoLabels(value: unknown, cache: LabelCache): ParsedLabels {
  if (value === null || value === undefined || value === '-' || value === '') return NO_LABELS;
  if (Array.isArray(value)) return cache.parse(value.map((l) => (typeof l === 'string' ? stripPrefixless(l) : l)));
  if (typeof value === 'object') return calicoLabels((value as { labels?: unknown }).labels, cache);
  if (typeof value === 'string') {
    const trimmed = value.replace(/^[[{]|[\]}]$/g, '');
    return cache.parse(
      trimmed
        .split(/[,;]/)
        .map((s) => stripPrefixless(s.trim()))
        .filter((s) => s.length > 0),
    );
  }
  return NO_LABELS;
}

// Calico labels have no source prefix; a key may legitimately contain ':' only in odd cases, so
// prefix `k8s:` explicitly to keep the Cilium parser from reading a key as a source.
function stripPrefixless(label: string): string {
  return `k8s:${label}`;
}
