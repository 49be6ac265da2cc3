/**
 * Which probes prove a namespace's step. Plain data in (the plan's allowed edges and the inventory),
 * plain data out (probe specs), deterministic: the same input always gives the same probes in the same order.
 *
 * - must-connect: every allowed edge into or out of the namespace;
 * - must-resolve: DNS from each of the namespace's workloads;
 * - must-be-blocked: a sample of pairs the plan forbids that reach the namespace's workloads, always
 *   including one from every other tier present, one from dev to each prod data store in the namespace,
 *   and (when the namespace's egress is denied by default and it is dev) the namespace reaching prod data
 *   stores; the sample is filled with unrelated namespaces first, then the rest.
 */
import { shortHash } from './hash';
import type { ProbeSpec, Protocol, Tier } from './types';

export interface WorkloadRef {
  namespace: string;
  workload: string;
}

export interface DependencyEdge {
  from: WorkloadRef;
  to: WorkloadRef;
  port: number;
  protocol?: Protocol;
}

export interface InventoryWorkloadInput {
  name: string;
  ports: Array<{ port: number; protocol?: Protocol }>;
  /** databases, caches, queues: the targets of the incident story */
  dataStore?: boolean;
}

export interface InventoryNamespaceInput {
  name: string;
  tier: Tier;
  workloads: InventoryWorkloadInput[];
}

export interface ProbeSelectionInput {
  /** the namespace of the step */
  namespace: string;
  /** the plan's allowed edges (all of them, or only those touching the namespace) */
  edges: readonly DependencyEdge[];
  /** the cluster's namespaces, including the step's */
  namespaces: readonly InventoryNamespaceInput[];
  /** names to resolve from every workload of the namespace; default kubernetes.default.svc.cluster.local */
  dnsNames?: readonly string[];
  /** how many must-be-blocked probes to aim for (the required ones are always included); default 6 */
  blockedSample?: number;
  /** the plan denies the namespace's egress by default, so pairs leaving it can be expected blocked */
  egressDenied?: boolean;
}

export const DEFAULT_DNS_NAMES: readonly string[] = ['kubernetes.default.svc.cluster.local'];
export const DEFAULT_BLOCKED_SAMPLE = 6;

const ref = (r: WorkloadRef): string => `${r.namespace}/${r.workload}`;

/** A probe's "namespace/workload" end read back into the workload it names. */
export function parseWorkloadRef(text: string): WorkloadRef {
  const [namespace, workload] = text.split('/');
  if (namespace === undefined || workload === undefined) throw new RangeError(`"${text}" does not name a workload as namespace/workload`);
  return { namespace, workload };
}

function edgeProtocol(e: { protocol?: Protocol }): Protocol {
  return e.protocol ?? 'TCP';
}

/** The probe that a workload (`namespace/name`) still resolves a DNS name, on UDP 53. */
export function mustResolve(from: string, name: string, reason: string): ProbeSpec {
  return { id: `must-resolve:${from}->${name}`, kind: 'must-resolve', from, to: name, port: 53, protocol: 'UDP', reason };
}

export function selectProbes(input: ProbeSelectionInput): ProbeSpec[] {
  const n = input.namespaces.find((ns) => ns.name === input.namespace);
  if (!n) throw new RangeError(`namespace ${input.namespace} is not in the inventory given`);
  const out: ProbeSpec[] = [];
  const seen = new Set<string>();
  const add = (p: ProbeSpec): void => {
    if (seen.has(p.id)) return;
    seen.add(p.id);
    out.push(p);
  };

  // must-connect: every allowed edge touching the namespace, inbound and outbound, in a stable order
  const touching = input.edges
    .filter((e) => e.from.namespace === n.name || e.to.namespace === n.name)
    .map((e) => ({ e, id: `must-connect:${ref(e.from)}->${ref(e.to)}:${e.port}/${edgeProtocol(e)}` }))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (const { e, id } of touching) {
    add({
      id,
      kind: 'must-connect',
      from: ref(e.from),
      to: ref(e.to),
      port: e.port,
      protocol: edgeProtocol(e),
      reason: e.to.namespace === n.name ? 'allowed edge into the namespace' : 'allowed edge out of the namespace',
    });
  }

  // must-resolve: DNS from every workload
  const names = input.dnsNames ?? DEFAULT_DNS_NAMES;
  for (const w of [...n.workloads].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    for (const name of names) {
      add(mustResolve(`${n.name}/${w.name}`, name, 'DNS from the namespace'));
    }
  }

  // must-be-blocked candidates: pairs reaching the namespace's workloads that no allowed edge covers
  const allowed = new Set(input.edges.map((e) => `${ref(e.from)}->${ref(e.to)}:${e.port}/${edgeProtocol(e)}`));
  const connected = new Set<string>();
  for (const e of input.edges) {
    if (e.from.namespace === n.name) connected.add(e.to.namespace);
    if (e.to.namespace === n.name) connected.add(e.from.namespace);
  }
  interface Candidate {
    spec: ProbeSpec;
    srcTier: Tier;
    srcNamespace: string;
    dataStore: boolean;
    rank: string;
  }
  const candidates: Candidate[] = [];
  const pair = (
    src: string,
    srcTier: Tier,
    srcNs: string,
    dst: string,
    port: number,
    protocol: Protocol,
    dataStore: boolean,
    reason: string,
  ): void => {
    if (allowed.has(`${src}->${dst}:${port}/${protocol}`)) return;
    const id = `must-be-blocked:${src}->${dst}:${port}/${protocol}`;
    candidates.push({
      spec: { id, kind: 'must-be-blocked', from: src, to: dst, port, protocol, reason },
      srcTier,
      srcNamespace: srcNs,
      dataStore,
      rank: shortHash(id),
    });
  };
  for (const m of input.namespaces) {
    if (m.name === n.name) continue;
    for (const src of m.workloads) {
      for (const dst of n.workloads) {
        for (const p of dst.ports) {
          const reason =
            m.tier !== n.tier
              ? `${m.tier} reaching ${n.tier}`
              : connected.has(m.name)
                ? 'unlisted pair from a dependency'
                : 'unrelated namespace';
          pair(
            `${m.name}/${src.name}`,
            m.tier,
            m.name,
            `${n.name}/${dst.name}`,
            p.port,
            p.protocol ?? 'TCP',
            dst.dataStore === true,
            reason,
          );
        }
      }
    }
  }
  const byRank = (a: Candidate, b: Candidate): number => (a.rank < b.rank ? -1 : a.rank > b.rank ? 1 : a.spec.id < b.spec.id ? -1 : 1);
  candidates.sort(byRank);

  const blocked: ProbeSpec[] = [];
  const taken = new Set<string>();
  const take = (c: Candidate | undefined, reason?: string): void => {
    if (!c || taken.has(c.spec.id)) return;
    taken.add(c.spec.id);
    blocked.push(reason ? { ...c.spec, reason } : c.spec);
  };
  // required: one pair from every other tier present
  for (const tier of ['dev', 'staging', 'prod'] as const) {
    if (tier === n.tier) continue;
    take(candidates.find((c) => c.srcTier === tier));
  }
  // required: dev reaching each prod data store of the namespace
  if (n.tier === 'prod') {
    for (const store of n.workloads.filter((w) => w.dataStore)) {
      take(
        candidates.find((c) => c.srcTier === 'dev' && c.spec.to === `${n.name}/${store.name}`),
        'dev reaching a prod data store',
      );
    }
  }
  // required: the namespace (dev) reaching prod data stores, when its egress is denied by default
  if (n.tier === 'dev' && input.egressDenied) {
    const src = [...n.workloads].sort((a, b) => (a.name < b.name ? -1 : 1))[0];
    if (src) {
      for (const m of input.namespaces.filter((x) => x.tier === 'prod')) {
        for (const store of m.workloads.filter((w) => w.dataStore)) {
          const p = store.ports[0];
          if (!p) continue;
          const from = `${n.name}/${src.name}`;
          const to = `${m.name}/${store.name}`;
          const protocol = p.protocol ?? 'TCP';
          if (allowed.has(`${from}->${to}:${p.port}/${protocol}`)) continue;
          const id = `must-be-blocked:${from}->${to}:${p.port}/${protocol}`;
          if (taken.has(id)) continue;
          taken.add(id);
          blocked.push({ id, kind: 'must-be-blocked', from, to, port: p.port, protocol, reason: 'dev reaching a prod data store' });
        }
      }
    }
  }
  // fill: unrelated namespaces first, then anything else
  const sample = input.blockedSample ?? DEFAULT_BLOCKED_SAMPLE;
  for (const c of candidates.filter((x) => !connected.has(x.srcNamespace))) {
    if (blocked.length >= sample) break;
    take(c);
  }
  for (const c of candidates) {
    if (blocked.length >= sample) break;
    take(c);
  }
  blocked.forEach(add);
  return out;
}
