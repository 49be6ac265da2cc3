// For the specs only: the spec's correctness properties of a plan, checked by the engine
// (matrix for "nothing else", the plain evaluator for each observed flow and DNS), never by eye.
import {
  type ClusterNetworkPolicy,
  type Inventory,
  type InventoryPod,
  type NetworkPolicy,
  type PortSpec,
  type Protocol,
  PlainEvaluator,
  buildEngine,
} from '@bulkhead/netpol';
import { parseEndpointKey } from '@bulkhead/flows';
import { DEFAULT_DNS_LABELS, DEFAULT_DNS_NAMESPACE, selectWorkloads, type Plan, type PlanEdge } from '@bulkhead/plan';

export interface PropertyReport {
  /** Observed flows (not blocked by the plan on purpose) that the plan denies. */
  brokenFlows: string[];
  /** Pods that cannot reach the DNS pods on 53/UDP or 53/TCP. */
  dnsFailures: string[];
  /** Workload pairs and ports allowed although no edge (nor DNS) asks for them. */
  overAllowed: string[];
  /** Structural problems: a namespace without default-deny, a peer without both selectors, a rule without ports. */
  structure: string[];
  /** Edges that the plan blocks and that are allowed anyway. */
  leakedBlocked: string[];
}

export function checkPlanProperties(
  inventory: Inventory,
  plan: Plan,
  edges: PlanEdge[],
  options: {
    externalAddresses?: Record<string, string[]>;
    apiServer?: string[];
    dnsNamespace?: string;
    /** The cluster policies the plan is evaluated with: its cluster layer beside the cluster's others (plannedLayers). */
    clusterPolicies?: readonly ClusterNetworkPolicy[];
  } = {},
): PropertyReport {
  const policies: NetworkPolicy[] = plan.policies;
  const cluster = { namespaces: inventory.namespaces, pods: inventory.pods, policies, clusterPolicies: options.clusterPolicies ?? [] };
  const plain = new PlainEvaluator(cluster);
  const engine = buildEngine(cluster);
  const podsOf = new Map<string, InventoryPod[]>();
  for (const p of inventory.pods) {
    const k = `${p.namespace}/${p.workload.name}`;
    podsOf.set(k, [...(podsOf.get(k) ?? []), p]);
  }
  const blockedKeys = new Set(plan.blocked.map((b) => b.key));
  const report: PropertyReport = { brokenFlows: [], dnsFailures: [], overAllowed: [], structure: [], leakedBlocked: [] };
  const dnsNs = options.dnsNamespace ?? DEFAULT_DNS_NAMESPACE;
  const dnsPods = inventory.pods.filter(
    (p) => p.namespace === dnsNs && Object.entries(DEFAULT_DNS_LABELS).every(([k, v]) => p.labels[k] === v),
  );
  const dnsWorkloads = new Set(dnsPods.map((p) => `${p.namespace}/${p.workload.name}`));

  // 1. Every observed flow (not deliberately blocked) stays allowed; every deliberately blocked one is denied.
  const ends = (key: string): ({ pod: InventoryPod } | { ip: string })[] => {
    const ep = parseEndpointKey(key);
    if (!ep) return [];
    if (ep.kind === 'workload') return (podsOf.get(`${ep.namespace}/${ep.name}`) ?? []).map((pod) => ({ pod }));
    if (ep.kind === 'external' && ep.via === 'cidr') return [{ ip: ep.name.split('/')[0]! }];
    if (ep.kind === 'external' && ep.via === 'dns') return (options.externalAddresses?.[ep.name] ?? []).map((ip) => ({ ip }));
    if (ep.kind === 'reserved' && ep.name === 'kube-apiserver') return (options.apiServer ?? []).map((ip) => ({ ip }));
    return [];
  };
  for (const e of edges) {
    if (e.port === null || !['TCP', 'UDP', 'SCTP'].includes(String(e.protocol))) continue;
    const key = `${e.src}|${e.dst}|${e.protocol}|${e.port}`;
    if (e.src.startsWith('reserved:host')) continue;
    // Property 1 covers flows between known workloads and egress to external addresses.
    const covered =
      (e.src.startsWith('workload:') && e.dst.startsWith('workload:')) || (e.src.startsWith('workload:') && !e.dst.startsWith('workload:'));
    if (!covered) continue;
    const from = ends(e.src);
    const to = ends(e.dst);
    for (const f of from) {
      for (const t of to) {
        const allowed = plain.evaluate({ from: f, to: t, port: e.port, protocol: e.protocol as Protocol }).allowed;
        if (blockedKeys.has(key)) {
          // DNS stays open to every pod (property 2), whatever a review says about one DNS edge.
          const dns = e.port === 53 && dnsWorkloads.has(e.dst.slice(9));
          if (allowed && !dns) report.leakedBlocked.push(key);
        } else if (!allowed) report.brokenFlows.push(`${key} (${'pod' in f ? f.pod.name : f.ip} -> ${'pod' in t ? t.pod.name : t.ip})`);
      }
    }
  }

  // 2. DNS from every pod.
  for (const pod of inventory.pods) {
    for (const dns of dnsPods) {
      for (const protocol of ['UDP', 'TCP'] as const) {
        if (!plain.evaluate({ from: { pod }, to: { pod: dns }, port: 53, protocol }).allowed)
          report.dnsFailures.push(`${pod.namespace}/${pod.name} -> ${dns.name} 53/${protocol}`);
      }
    }
  }

  // 3. Nothing else: every workload pair and port not in the map is denied (matrix), and the structure.
  const selections = selectWorkloads(inventory);
  const members = (w: string) => [w, ...(selections.get(w)?.alsoSelects ?? [])];
  const allowedSet = new Set<string>();
  const ports = new Map<string, PortSpec>();
  const addPort = (port: number, protocol: Protocol) => ports.set(`${protocol}/${port}`, { port, protocol });
  addPort(53, 'UDP');
  addPort(53, 'TCP');
  for (const w of inventory.workloads) for (const p of w.ports) addPort(p.port, p.protocol);
  for (const e of edges) {
    if (e.port === null || !['TCP', 'UDP', 'SCTP'].includes(String(e.protocol))) continue;
    addPort(e.port, e.protocol as Protocol);
    const key = `${e.src}|${e.dst}|${e.protocol}|${e.port}`;
    if (blockedKeys.has(key) || !e.src.startsWith('workload:') || !e.dst.startsWith('workload:')) continue;
    for (const a of members(e.src.slice(9))) for (const b of members(e.dst.slice(9))) allowedSet.add(`${a}|${b}|${e.protocol}/${e.port}`);
  }
  const matrix = engine.workloadMatrix([...ports.values()]);
  const names = matrix.workloads.map((w) => `${w.namespace}/${w.name}`);
  matrix.ports.forEach((spec, p) => {
    for (const [a, from] of names.entries()) {
      for (const [b, to] of names.entries()) {
        if (matrix.get(a, b, p) === 0) continue;
        if (spec.port === 53 && dnsWorkloads.has(to)) continue;
        if (!allowedSet.has(`${from}|${to}|${spec.protocol}/${spec.port}`))
          report.overAllowed.push(`${from} -> ${to} ${spec.port}/${spec.protocol}`);
      }
    }
  });
  const namespaces = new Set([...inventory.namespaces.map((n) => n.name), ...inventory.pods.map((p) => p.namespace)]);
  for (const ns of namespaces) {
    const deny = policies.find(
      (p) =>
        p.metadata.namespace === ns &&
        Object.keys(p.spec.podSelector ?? {}).length === 0 &&
        (p.spec.policyTypes ?? []).includes('Ingress') &&
        (p.spec.policyTypes ?? []).includes('Egress') &&
        !p.spec.ingress?.length &&
        !p.spec.egress?.length,
    );
    if (!deny) report.structure.push(`namespace ${ns} has no default-deny for ingress and egress`);
  }
  for (const p of policies) {
    const rules = [
      ...(p.spec.ingress ?? []).map((r) => ({ peers: r.from, ports: r.ports })),
      ...(p.spec.egress ?? []).map((r) => ({ peers: r.to, ports: r.ports })),
    ];
    for (const r of rules) {
      if (!r.ports?.length) report.structure.push(`${p.metadata.namespace}/${p.metadata.name}: a rule without ports`);
      if (!r.peers?.length) report.structure.push(`${p.metadata.namespace}/${p.metadata.name}: a rule without peers`);
      for (const peer of r.peers ?? []) {
        if (!peer.ipBlock && (!peer.namespaceSelector || !peer.podSelector))
          report.structure.push(`${p.metadata.namespace}/${p.metadata.name}: a peer without namespaceSelector AND podSelector`);
      }
    }
  }
  return report;
}
