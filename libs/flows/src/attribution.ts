// Attribution: one end of a flow record -> a workload of the inventory, a node, an external endpoint, a
// reserved identity, or "unattributed" with a reason. An address of a node (InternalIP, ExternalIP, a
// host-network pod's IP) is that node whatever the source calls it: Cilium's `reserved:host` and
// `reserved:remote-node`, Calico's host endpoint, `world`, or a bare IP. Results are cached per pod name, label set and
// IP (bounded), since millions of flows come from a few thousand pods.
import { externalEndpoint, nodeEndpoint, reservedEndpoint, workloadEndpoint, type EdgeEndpoint } from './endpoint';
import { appLabelValue, InventoryIndex, type InventoryWorkload } from './inventory';
import type { FlowEndpoint } from './model';
import { hostCidr, inferWorkloadFromPodName, isPrivateIp, podNameCandidates } from './names';

/** How an end was attributed. */
export type AttributionMethod =
  | 'pod-name'
  | 'pod-ip'
  | 'workload-name'
  | 'pod-name-stripped'
  | 'labels'
  | 'app-label'
  | 'inferred'
  | 'reserved'
  | 'external-dns'
  | 'external-ip'
  | 'external-cidr'
  | 'network-set'
  /** The end's IP is an address of a node of the inventory. */
  | 'node-address'
  /** Cilium `reserved:host` at an address that is no node's (the `cilium_host` router IP): the node that observed the flow. */
  | 'observing-node'
  /** A host-network pod, named: it is its node. */
  | 'host-network-pod';

export const ATTRIBUTION_METHODS: readonly AttributionMethod[] = [
  'pod-name',
  'pod-ip',
  'workload-name',
  'pod-name-stripped',
  'labels',
  'app-label',
  'inferred',
  'reserved',
  'external-dns',
  'external-ip',
  'external-cidr',
  'network-set',
  'node-address',
  'observing-node',
  'host-network-pod',
];

/** Why an end could not be attributed. */
export type UnattributedReason =
  | 'pod-not-in-inventory'
  | 'workload-not-in-inventory'
  | 'labels-not-in-inventory'
  | 'ambiguous-labels'
  | 'ambiguous-ip'
  | 'ip-not-in-inventory'
  | 'no-namespace'
  | 'no-identity'
  | 'other-cluster'
  | 'health-check'
  /** A declared dependency names no port, and the inventory knows none the destination serves. */
  | 'ports-not-in-inventory';

export type Attribution =
  | { readonly ok: true; readonly endpoint: EdgeEndpoint; readonly method: AttributionMethod }
  | {
      readonly ok: false;
      readonly reason: UnattributedReason;
      /** What was seen, for the UI: `ns/pod`, an IP, labels. */ readonly hint: string;
    };

export interface AttributorOptions {
  /**
   * When the inventory does not know a pod or workload, attribute it anyway to the workload name the
   * record implies (Hubble `workloads[]`, Calico aggregated name, hash-stripped pod name, app label),
   * with method `inferred`. Default false: such ends are unattributed.
   */
  readonly inferUnknownWorkloads?: boolean;
  /** Cache bound (entries per cache). Default 100 000. */
  readonly maxCacheEntries?: number;
  /**
   * The ClusterMesh cluster name of the inventory. When set, pods that a record places in another
   * cluster (Hubble `cluster_name` or the `io.cilium.k8s.policy.cluster` label) are unattributed
   * (`other-cluster`) instead of being matched by namespace and name.
   */
  readonly cluster?: string;
}

function describeLabels(labels: Readonly<Record<string, string>> | undefined): string {
  if (labels === undefined) return '';
  return Object.keys(labels)
    .sort()
    .map((k) => `${k}=${labels[k]}`)
    .join(',');
}

export class Attributor {
  private readonly byPod = new Map<string, Map<string, Attribution>>();
  private readonly byLabels = new Map<object, Map<string, Attribution>>();
  private readonly byIp = new Map<string, Attribution>();
  private readonly byWorkload = new Map<string, Attribution>();
  private readonly interned = new Map<string, EdgeEndpoint>();
  private readonly infer: boolean;
  private readonly max: number;
  private readonly cluster: string | undefined;
  private cached = 0;

  constructor(
    readonly index: InventoryIndex,
    options: AttributorOptions = {},
  ) {
    this.infer = options.inferUnknownWorkloads ?? false;
    this.max = options.maxCacheEntries ?? 100_000;
    this.cluster = options.cluster;
  }

  /**
   * Attribute one end of a record. `observedOn` is the node that reported the record (Hubble `node_name`),
   * which Cilium's `reserved:host` means. Returned endpoints are interned: equal keys give the same object.
   */
  attribute(ep: FlowEndpoint, observedOn?: string): Attribution {
    switch (ep.kind) {
      case 'reserved': {
        if (ep.reserved === 'health') return { ok: false, reason: 'health-check', hint: 'reserved:health' };
        const node = this.nodeAt(ep.ip);
        if (node) return node;
        if (ep.reserved === 'host' && observedOn !== undefined && this.index.hasNode(observedOn))
          return this.ok(nodeEndpoint(observedOn), 'observing-node');
        if ((ep.reserved === 'unmanaged' || ep.reserved === 'init') && ep.ip !== undefined) {
          // a pod Cilium does not manage (yet) is still a pod: find it by IP
          const w = this.index.ipWorkload(ep.ip);
          if (w) return this.okWorkload(w, 'pod-ip');
        }
        return this.ok(reservedEndpoint(ep.reserved ?? 'host'), 'reserved');
      }
      case 'external':
        return this.external(ep);
      default:
        return this.kubernetes(ep);
    }
  }

  private kubernetes(ep: FlowEndpoint): Attribution {
    const ns = ep.namespace;
    if (this.cluster !== undefined && ep.cluster !== undefined && ep.cluster !== this.cluster) {
      return {
        ok: false,
        reason: 'other-cluster',
        hint: `${ep.cluster}/${ns ?? ''}/${ep.pod ?? ep.workload?.name ?? describeLabels(ep.labels)}`,
      };
    }
    if (ns !== undefined) {
      if (ep.pod !== undefined) {
        let m = this.byPod.get(ns);
        if (m === undefined) {
          m = new Map();
          this.byPod.set(ns, m);
        }
        let a = m.get(ep.pod);
        if (a === undefined) {
          a = this.resolveNamed(ep, ns);
          this.remember();
          m.set(ep.pod, a);
          if (a.ok && ep.labels !== undefined) this.learnLabels(ep.labels, ns, a);
        }
        return a;
      }
      if (ep.workload !== undefined) {
        const key = `${ns}/${ep.workload.name}/${ep.kind}`;
        let a = this.byWorkload.get(key);
        if (a === undefined) {
          a = this.resolveNamed(ep, ns);
          this.remember();
          this.byWorkload.set(key, a);
        }
        return a;
      }
      if (ep.labels !== undefined) {
        let m = this.byLabels.get(ep.labels);
        if (m === undefined) {
          m = new Map();
          this.byLabels.set(ep.labels, m);
        }
        let a = m.get(ns);
        if (a === undefined) {
          a = this.resolveNamed(ep, ns);
          this.remember();
          m.set(ns, a);
        }
        return a;
      }
    }
    if (ep.ip !== undefined)
      return this.ipOnly(ep.ip, ep.kind === 'unknown' && ns === undefined && ep.pod === undefined && ep.labels === undefined);
    if (ns === undefined && (ep.pod !== undefined || ep.workload !== undefined || ep.labels !== undefined)) {
      return { ok: false, reason: 'no-namespace', hint: ep.pod ?? ep.workload?.name ?? describeLabels(ep.labels) };
    }
    return { ok: false, reason: 'no-identity', hint: '' };
  }

  /** Name-based resolution for a namespaced end: pod name, workload name, stripped pod name, labels, app label, IP. */
  private resolveNamed(ep: FlowEndpoint, ns: string): Attribution {
    const idx = this.index;
    let w: InventoryWorkload | undefined;
    if (ep.pod !== undefined) {
      const node = idx.podNode(ns, ep.pod);
      if (node !== undefined) return this.ok(nodeEndpoint(node), 'host-network-pod');
      w = idx.podWorkload(ns, ep.pod);
      if (w) return this.okWorkload(w, 'pod-name');
    }
    if (ep.workload !== undefined) {
      w = idx.workload(ns, ep.workload.name);
      if (w) return this.okWorkload(w, 'workload-name');
      // an edge list `namespace/name` may name a pod
      if (ep.pod === undefined) {
        w = idx.podWorkload(ns, ep.workload.name);
        if (w) return this.okWorkload(w, 'pod-name');
      }
    }
    const podLike = ep.pod ?? (ep.kind === 'workload' ? ep.workload?.name : undefined);
    if (podLike !== undefined) {
      for (const candidate of podNameCandidates(podLike)) {
        w = idx.workload(ns, candidate);
        if (w) return this.okWorkload(w, 'pod-name-stripped');
      }
    }
    let ambiguous: string[] | undefined;
    if (ep.labels !== undefined) {
      const m = idx.matchLabels(ns, ep.labels);
      if (m.kind === 'one') return this.okWorkload(m.workload, 'labels');
      if (m.kind === 'many') ambiguous = m.names;
      w = idx.appLabelWorkload(ns, ep.labels);
      if (w) return this.okWorkload(w, 'app-label');
    }
    if (ep.ip !== undefined && ep.pod === undefined && ep.workload === undefined) {
      const node = this.nodeAt(ep.ip);
      if (node) return node;
      const byIp = idx.ipWorkload(ep.ip);
      if (byIp) return this.okWorkload(byIp, 'pod-ip');
    }
    if (this.infer) {
      const name = ep.workload?.name ?? (ep.pod !== undefined ? inferWorkloadFromPodName(ep.pod) : appLabelValue(ep.labels));
      if (name !== undefined) return this.ok(workloadEndpoint(ns, name, ep.workload?.kind), 'inferred');
    }
    if (ambiguous !== undefined)
      return { ok: false, reason: 'ambiguous-labels', hint: `${ns}: ${describeLabels(ep.labels)} matches ${ambiguous.join(', ')}` };
    if (ep.pod !== undefined) return { ok: false, reason: 'pod-not-in-inventory', hint: `${ns}/${ep.pod}` };
    if (ep.workload !== undefined) return { ok: false, reason: 'workload-not-in-inventory', hint: `${ns}/${ep.workload.name}` };
    return { ok: false, reason: 'labels-not-in-inventory', hint: `${ns}: ${describeLabels(ep.labels)}` };
  }

  /**
   * A Cilium identity is one label set: once a named pod with these labels is attributed, remote
   * observations of the same set (labels but no pod name) belong to the same workload.
   */
  private learnLabels(labels: object, ns: string, a: Attribution & { ok: true }): void {
    let m = this.byLabels.get(labels);
    if (m === undefined) {
      m = new Map();
      this.byLabels.set(labels, m);
    }
    const prior = m.get(ns);
    if (prior === undefined || !prior.ok || prior.method === 'inferred' || prior.method === 'app-label')
      m.set(ns, { ok: true, endpoint: a.endpoint, method: 'labels' });
  }

  private ipOnly(ip: string, mayBeExternal: boolean): Attribution {
    let a = this.byIp.get(ip);
    if (a !== undefined) return a;
    const w = this.index.ipWorkload(ip);
    const node = this.nodeAt(ip);
    if (node) a = node;
    else if (w) a = this.okWorkload(w, 'pod-ip');
    else if (w === null) a = { ok: false, reason: 'ambiguous-ip', hint: ip };
    else if (mayBeExternal && !isPrivateIp(ip)) a = this.ok(externalEndpoint(hostCidr(ip), 'cidr'), 'external-ip');
    else a = { ok: false, reason: 'ip-not-in-inventory', hint: ip };
    this.remember();
    this.byIp.set(ip, a);
    return a;
  }

  private external(ep: FlowEndpoint): Attribution {
    if (ep.dnsNames !== undefined && ep.dnsNames.length > 0) {
      // several names may be listed in any order: take the smallest so the key is stable
      let name = ep.dnsNames.reduce((smallest, n) => (n < smallest ? n : smallest)).toLowerCase();
      if (name.endsWith('.')) name = name.slice(0, -1);
      return this.ok(externalEndpoint(name, 'dns'), 'external-dns');
    }
    if (ep.ip !== undefined) {
      // Hubble may call a pod or a node `world` (stale ipcache): an IP the inventory knows is that pod or node
      const node = this.nodeAt(ep.ip);
      if (node) return node;
      const w = this.index.ipWorkload(ep.ip);
      if (w) return this.okWorkload(w, 'pod-ip');
      return this.ok(externalEndpoint(hostCidr(ep.ip), 'cidr'), 'external-ip');
    }
    if (ep.cidr !== undefined) return this.ok(externalEndpoint(ep.cidr, 'cidr'), 'external-cidr');
    if (ep.networkSet !== undefined) {
      const ns = ep.networkSet;
      return this.ok(externalEndpoint(ns === 'pub' || ns === 'pvt' ? ns : `networkset:${ns}`, 'network-set'), 'network-set');
    }
    return { ok: false, reason: 'no-identity', hint: 'world' };
  }

  /** The node that has this address, when the inventory knows one. */
  private nodeAt(ip: string | undefined): Attribution | undefined {
    const node = ip === undefined ? undefined : this.index.ipNode(ip);
    return node === undefined ? undefined : this.ok(nodeEndpoint(node), 'node-address');
  }

  private okWorkload(w: InventoryWorkload, method: AttributionMethod): Attribution {
    return this.ok(workloadEndpoint(w.namespace, w.name, w.kind), method);
  }

  private ok(endpoint: EdgeEndpoint, method: AttributionMethod): Attribution {
    let e = this.interned.get(endpoint.key);
    if (e === undefined) {
      e = endpoint;
      this.interned.set(endpoint.key, e);
    }
    return { ok: true, endpoint: e, method };
  }

  private remember(): void {
    if (++this.cached > this.max) {
      this.byPod.clear();
      this.byLabels.clear();
      this.byIp.clear();
      this.byWorkload.clear();
      this.cached = 0;
    }
  }
}
