// The inventory index: plain data built from the cluster inventory (pods with IPs, owners and labels,
// workloads, and nodes with their addresses), indexed for attribution by pod name, pod IP, workload
// name, labels and node address.
import type { Protocol } from './model';

/** A port a workload serves (its containers' ports), as the inventory lists it. */
export interface ServedPort {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface InventoryIndexInput {
  pods: Array<{
    namespace: string;
    name: string;
    ips: string[];
    workload: { kind: string; name: string };
    labels: Record<string, string>;
    ports?: ReadonlyArray<{ port: number; protocol: string }>;
    /** A host-network pod on a known node is that node, for attribution. */
    hostNetwork?: boolean;
    nodeName?: string;
  }>;
  workloads: Array<{
    namespace: string;
    name: string;
    kind: string;
    labels: Record<string, string>;
    ports?: ReadonlyArray<{ port: number; protocol: string }>;
  }>;
  /** Nodes and their addresses (InternalIP, ExternalIP, host-network pod IPs). */
  nodes?: Array<{ name: string; addresses: Array<{ address: string }> }>;
}

export interface InventoryWorkload {
  readonly namespace: string;
  readonly name: string;
  readonly kind: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The ports it serves (for declared dependencies that name none); empty when unknown. */
  readonly ports: readonly ServedPort[];
}

interface PodEntry {
  readonly workload: InventoryWorkload;
  readonly labels: Readonly<Record<string, string>>;
  /** The node whose network the pod shares (host-network pods on a known node). */
  readonly node?: string;
}

/** Result of a label lookup: one workload, several (ambiguous), or none. */
export type LabelMatch =
  | { readonly kind: 'one'; readonly workload: InventoryWorkload }
  | { readonly kind: 'many'; readonly names: string[] }
  | { readonly kind: 'none' };

const APP_LABELS = ['app.kubernetes.io/name', 'app', 'k8s-app', 'name'];

export class InventoryIndex {
  private readonly workloadsByNs = new Map<string, Map<string, InventoryWorkload>>();
  private readonly podsByNs = new Map<string, Map<string, PodEntry>>();
  /** IP -> pod, or null when several pods share the IP (host-network pods share the node's). */
  private readonly podsByIp = new Map<string, PodEntry | null>();
  /** Node address -> node name. */
  private readonly nodesByIp = new Map<string, string>();
  private readonly nodeNames = new Set<string>();

  private constructor(input: InventoryIndexInput) {
    for (const node of input.nodes ?? []) {
      this.nodeNames.add(node.name);
      for (const { address } of node.addresses) this.nodesByIp.set(address, node.name);
    }
    for (const w of input.workloads)
      this.addWorkload({ namespace: w.namespace, name: w.name, kind: w.kind, labels: w.labels ?? {}, ports: servedPorts(w.ports) });
    for (const p of input.pods) {
      const owner = p.workload && p.workload.name ? p.workload : { kind: 'Pod', name: p.name };
      const workload =
        this.workload(p.namespace, owner.name) ??
        this.addWorkload({ namespace: p.namespace, name: owner.name, kind: owner.kind, labels: {}, ports: servedPorts(p.ports) });
      const node = p.hostNetwork && p.nodeName !== undefined && this.nodeNames.has(p.nodeName) ? p.nodeName : undefined;
      const entry: PodEntry = node === undefined ? { workload, labels: p.labels ?? {} } : { workload, labels: p.labels ?? {}, node };
      let pods = this.podsByNs.get(p.namespace);
      if (pods === undefined) {
        pods = new Map();
        this.podsByNs.set(p.namespace, pods);
      }
      pods.set(p.name, entry);
      for (const ip of p.ips ?? []) {
        const prior = this.podsByIp.get(ip);
        if (prior === undefined) this.podsByIp.set(ip, entry);
        else if (prior !== null && prior.workload !== workload) this.podsByIp.set(ip, null);
      }
    }
  }

  static from(input: InventoryIndexInput): InventoryIndex {
    return new InventoryIndex(input);
  }

  /** An index with nothing in it (every pod is unknown; see `inferUnknownWorkloads`). */
  static empty(): InventoryIndex {
    return new InventoryIndex({ pods: [], workloads: [] });
  }

  get workloadCount(): number {
    let n = 0;
    for (const m of this.workloadsByNs.values()) n += m.size;
    return n;
  }

  workload(namespace: string, name: string): InventoryWorkload | undefined {
    return this.workloadsByNs.get(namespace)?.get(name);
  }

  podWorkload(namespace: string, pod: string): InventoryWorkload | undefined {
    return this.podsByNs.get(namespace)?.get(pod)?.workload;
  }

  /** The node a host-network pod runs on (and shares its address with); undefined for other pods. */
  podNode(namespace: string, pod: string): string | undefined {
    return this.podsByNs.get(namespace)?.get(pod)?.node;
  }

  /** The node that has this address (InternalIP, ExternalIP, or a host-network pod's IP). */
  ipNode(ip: string): string | undefined {
    return this.nodesByIp.get(ip);
  }

  hasNode(name: string): boolean {
    return this.nodeNames.has(name);
  }

  /** The ports a workload serves, per the inventory (empty when it lists none, or has no such workload). */
  workloadPorts(namespace: string, name: string): readonly ServedPort[] {
    return this.workload(namespace, name)?.ports ?? [];
  }

  /** The workload owning the pod with this IP; `null` when the IP is shared by several workloads. */
  ipWorkload(ip: string): InventoryWorkload | null | undefined {
    const e = this.podsByIp.get(ip);
    return e === null ? null : e?.workload;
  }

  /**
   * Workloads whose pods carry all of `labels` (a subset match, as a selector would). Falls back to
   * the workloads' own labels when no pod matches.
   */
  matchLabels(namespace: string, labels: Readonly<Record<string, string>>): LabelMatch {
    const keys = Object.keys(labels);
    if (keys.length === 0) return { kind: 'none' };
    const found = new Map<string, InventoryWorkload>();
    const pods = this.podsByNs.get(namespace);
    if (pods !== undefined) {
      for (const p of pods.values()) if (subset(keys, labels, p.labels)) found.set(p.workload.name, p.workload);
    }
    if (found.size === 0) {
      const workloads = this.workloadsByNs.get(namespace);
      if (workloads !== undefined) for (const w of workloads.values()) if (subset(keys, labels, w.labels)) found.set(w.name, w);
    }
    if (found.size === 1) return { kind: 'one', workload: found.values().next().value as InventoryWorkload };
    if (found.size > 1) return { kind: 'many', names: [...found.keys()].sort() };
    return { kind: 'none' };
  }

  /** The workload named by an app label (`app.kubernetes.io/name`, `app`, `k8s-app`, `name`). */
  appLabelWorkload(namespace: string, labels: Readonly<Record<string, string>>): InventoryWorkload | undefined {
    for (const k of APP_LABELS) {
      const v = labels[k];
      if (v !== undefined) {
        const w = this.workload(namespace, v);
        if (w !== undefined) return w;
      }
    }
    return undefined;
  }

  private addWorkload(w: InventoryWorkload): InventoryWorkload {
    let m = this.workloadsByNs.get(w.namespace);
    if (m === undefined) {
      m = new Map();
      this.workloadsByNs.set(w.namespace, m);
    }
    m.set(w.name, w);
    return w;
  }
}

const PROTOCOLS = new Set<string>(['TCP', 'UDP', 'SCTP']);

/** Distinct ports with a known protocol, sorted (the inventory may list one per container). */
function servedPorts(ports: ReadonlyArray<{ port: number; protocol: string }> | undefined): ServedPort[] {
  if (ports === undefined) return [];
  const seen = new Map<string, ServedPort>();
  for (const p of ports) {
    const protocol = (p.protocol ?? 'TCP').toUpperCase();
    if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535 || !PROTOCOLS.has(protocol)) continue;
    seen.set(`${protocol}/${p.port}`, { port: p.port, protocol: protocol as Protocol });
  }
  return [...seen.values()].sort((x, y) => x.port - y.port || (x.protocol < y.protocol ? -1 : 1));
}

function subset(keys: readonly string[], want: Readonly<Record<string, string>>, have: Readonly<Record<string, string>>): boolean {
  for (const k of keys) if (have[k] !== want[k]) return false;
  return true;
}

/** The app-label value of a label set, for inferring a workload name when the inventory has none. */
export function appLabelValue(labels: Readonly<Record<string, string>> | undefined): string | undefined {
  if (labels === undefined) return undefined;
  for (const k of APP_LABELS) if (labels[k] !== undefined && labels[k] !== '') return labels[k];
  return undefined;
}
