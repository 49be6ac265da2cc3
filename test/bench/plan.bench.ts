/**
 * Plan benchmark: a synthetic cluster of 1,000 namespaces, 5,000 workloads (about 7,500 pods) and 50,000
 * dependency edges (service calls, DNS, Prometheus scrapes, ingress, external egress, API server, some
 * cross-tier), under 300 existing policies. Times the plan (generation, with the lint of its own output),
 * a separate lint of the plan, the impact replay of every edge, and the blast radius before and after.
 * Prints peak RSS, and whether the four together are within the target (under 10 s in all). The last line is one
 * JSON object for CI.
 *
 *   npm run bench:plan
 */
import { seededRandom } from '@bulkhead/demo';
import { performance } from 'node:perf_hooks';
import type { Inventory, InventoryPod, NetworkPolicy } from '@bulkhead/netpol';
import { analyzeImpact, blastRadius, generatePlan, lintPolicies, type PlanEdge } from '@bulkhead/plan';
import { underTarget } from './target';

const NAMESPACES = 1000;
const WORKLOADS = 5000;
const EDGES = 50_000;
/** Plan, lint, impact and blast radius together, in seconds. */
const TARGET_SECONDS = 10;

export interface SyntheticPlanInput {
  inventory: Inventory;
  edges: PlanEdge[];
}

export function syntheticPlanInput(seed = 7): SyntheticPlanInput {
  const random = seededRandom(seed);
  const int = (n: number) => Math.floor(random() * n);
  const envs = ['production', 'staging', 'development'] as const;
  const roles = ['web', 'api', 'db', 'cache', 'worker'] as const;
  const namespaces: Inventory['namespaces'] = [];
  const workloads: Inventory['workloads'] = [];
  const pods: InventoryPod[] = [];
  let ip = 0;
  const addWorkload = (namespace: string, name: string, labels: Record<string, string>, ports: InventoryPod['ports'], size: number) => {
    workloads.push({
      namespace,
      name,
      kind: 'Deployment',
      labels: { ...labels, 'pod-template-hash': `h${name.length}` },
      ports,
      podCount: size,
    });
    for (let p = 0; p < size; p++) {
      ip++;
      pods.push({
        namespace,
        name: `${name}-h${name.length}-${p}`,
        labels: { ...labels, 'pod-template-hash': `h${name.length}` },
        ips: [`10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`],
        phase: 'Running',
        workload: { kind: 'Deployment', name },
        ports,
      });
    }
  };
  // Shared namespaces: DNS, ingress controller, Prometheus.
  for (const name of ['kube-system', 'ingress-nginx', 'monitoring'])
    namespaces.push({ name, labels: { 'kubernetes.io/metadata.name': name } });
  addWorkload(
    'kube-system',
    'coredns',
    { 'k8s-app': 'kube-dns' },
    [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ],
    2,
  );
  addWorkload(
    'ingress-nginx',
    'ingress-nginx-controller',
    { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' },
    [{ name: 'https', port: 443, protocol: 'TCP' }],
    2,
  );
  addWorkload('monitoring', 'prometheus', { 'app.kubernetes.io/name': 'prometheus' }, [{ name: 'web', port: 9090, protocol: 'TCP' }], 1);
  const appNs = NAMESPACES - 3;
  const perNs = Math.floor((WORKLOADS - 3) / appNs);
  let extra = WORKLOADS - 3 - perNs * appNs;
  const byNs: string[][] = [];
  for (let n = 0; n < appNs; n++) {
    const ns = `team-${n}`;
    namespaces.push({
      name: ns,
      labels: { 'kubernetes.io/metadata.name': ns, environment: envs[n % envs.length]!, team: `team-${n % 40}` },
    });
    const count = perNs + (extra-- > 0 ? 1 : 0);
    const names: string[] = [];
    for (let w = 0; w < count; w++) {
      const role = roles[w % roles.length]!;
      const name = `${role}-${w}`;
      const ports: InventoryPod['ports'] = [
        { name: 'http', port: role === 'db' ? 5432 : role === 'cache' ? 6379 : 8080, protocol: 'TCP' },
        { name: 'metrics', port: 9090 + (w % 3), protocol: 'TCP' },
      ];
      // Two thirds carry app.kubernetes.io/name; the rest share `app` with their namespace's other workloads of
      // that kind and are told apart by `component` and, when a role repeats, `version` (as bookinfo's reviews-v1, v2).
      const labels: Record<string, string> =
        random() < 0.66
          ? { 'app.kubernetes.io/name': name, app: name }
          : { app: 'shop', component: role, version: `v${Math.floor(w / roles.length) + 1}` };
      addWorkload(ns, name, labels, ports, 1 + int(2));
      names.push(`${ns}/${name}`);
    }
    byNs.push(names);
  }
  const podsOf = new Map<string, InventoryPod>();
  for (const p of pods) podsOf.set(`${p.namespace}/${p.workload.name}`, p);
  const portOf = (w: string) => podsOf.get(w)!.ports;

  const edges: PlanEdge[] = [];
  const seen = new Set<string>();
  const day = 24 * 3600 * 1000;
  const start = Date.UTC(2026, 10, 1);
  const push = (src: string, dst: string, port: number, protocol: 'TCP' | 'UDP', review?: PlanEdge['review']) => {
    const key = `${src}|${dst}|${protocol}|${port}`;
    if (seen.has(key)) return;
    seen.add(key);
    const first = start + int(3 * day);
    edges.push({
      src,
      dst,
      port,
      protocol,
      connections: 1 + int(200),
      firstSeen: new Date(first).toISOString(),
      lastSeen: new Date(first + int(4 * day)).toISOString(),
      ...(review ? { review } : {}),
    });
  };
  const all = byNs.flat();
  const anyWorkloadOf = (n: number) => {
    const names = byNs[n]!;
    return names[int(names.length)]!;
  };
  // DNS from every workload, Prometheus scrapes of every workload, ingress to one web per namespace.
  for (const w of all) push(`workload:${w}`, 'workload:kube-system/coredns', 53, 'UDP');
  for (const w of all) push('workload:monitoring/prometheus', `workload:${w}`, portOf(w)[1]!.port, 'TCP');
  for (const names of byNs) push('workload:ingress-nginx/ingress-nginx-controller', `workload:${names[0]}`, 8080, 'TCP');
  for (let i = 0; i < 200; i++)
    push(`external:203.0.${i >> 8}.${i & 255}/32`, 'workload:ingress-nginx/ingress-nginx-controller', 443, 'TCP');
  push('workload:ingress-nginx/ingress-nginx-controller', 'reserved:kube-apiserver', 443, 'TCP');
  push('workload:monitoring/prometheus', 'reserved:kube-apiserver', 443, 'TCP');
  // Service calls: mostly within the namespace or the same tier; a few cross tiers; some external egress.
  while (edges.length < EDGES) {
    const n = int(appNs);
    const src = anyWorkloadOf(n);
    const r = random();
    if (r < 0.05) {
      push(`workload:${src}`, `external:198.51.${int(4)}.${int(256)}/32`, 443, 'TCP');
      continue;
    }
    if (r < 0.06) {
      push(`workload:${src}`, `external:api-${int(20)}.example.com`, 443, 'TCP');
      continue;
    }
    let m = n;
    if (r < 0.5)
      m = int(Math.floor(appNs / 3)) * 3 + (n % 3); // another namespace of the same tier
    else if (r < 0.51) m = int(appNs); // any tier
    if (m >= appNs) m = n;
    const dst = anyWorkloadOf(m);
    const review = random() < 0.01 ? 'rejected' : random() < 0.02 ? 'confirmed' : undefined;
    push(`workload:${src}`, `workload:${dst}`, portOf(dst)[0]!.port, 'TCP', review);
  }

  // Existing policies: sloppy legacy ones in a few namespaces.
  const policies: NetworkPolicy[] = [];
  for (let i = 0; i < 300; i++) {
    const ns = `team-${(i * 7) % appNs}`;
    policies.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { namespace: ns, name: `legacy-${i}` },
      spec:
        i % 2 === 0
          ? { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: {} }] }] }
          : {
              podSelector: { matchLabels: { app: `db-2` } },
              policyTypes: ['Ingress'],
              ingress: [{ from: [{ podSelector: { matchLabels: { app: 'api-1' } } }], ports: [{ port: 5432 }] }],
            },
    });
  }
  return { inventory: { namespaces, workloads, pods, policies }, edges: edges.slice(0, EDGES) };
}

export function main(): void {
  const t0 = performance.now();
  const { inventory, edges } = syntheticPlanInput();
  const built = performance.now();
  console.log(
    `synthetic cluster: ${inventory.namespaces.length} namespaces, ${inventory.workloads.length} workloads, ${inventory.pods.length} pods, ${edges.length} edges, ${inventory.policies.length} existing policies (${((built - t0) / 1000).toFixed(2)} s to build)`,
  );
  const apiServerAddresses = ['10.255.0.1'];
  const externalAddresses: Record<string, string[]> = {};
  for (let i = 0; i < 20; i += 2) externalAddresses[`api-${i}.example.com`] = [`192.0.2.${i + 1}`];

  const cpu = () => {
    const u = process.cpuUsage();
    return (u.user + u.system) / 1e6;
  };
  const c0 = cpu();
  const p0 = performance.now();
  // The plan's own lint is timed apart, below.
  const plan = generatePlan({ inventory, edges, cni: 'cilium', apiServerAddresses, externalAddresses, options: { lint: false } });
  const p1 = performance.now();
  const c1 = cpu();
  console.log(
    `plan:         ${((p1 - p0) / 1000).toFixed(2)} s  ${plan.policies.length} policies, ${plan.blocked.length} edges not allowed, ${plan.findings.length} findings`,
  );

  const l0 = performance.now();
  const findings = lintPolicies(inventory, plan.policies, { cni: 'cilium' });
  const existing = lintPolicies(inventory, inventory.policies, { skipClusterChecks: true });
  const l1 = performance.now();
  const c2 = cpu();
  console.log(
    `lint:         ${((l1 - l0) / 1000).toFixed(2)} s  ${findings.length} findings on the plan, ${existing.length} on the existing policies`,
  );

  const i0 = performance.now();
  const impact = analyzeImpact(inventory, { policies: inventory.policies }, { policies: plan.policies }, edges, {
    apiServerAddresses,
    externalAddresses,
  });
  const i1 = performance.now();
  const c3 = cpu();
  console.log(
    `impact:       ${((i1 - i0) / 1000).toFixed(2)} s  ${impact.summary.edges} edges replayed, ${impact.summary.newlyBlocked} newly blocked, ${impact.summary.unevaluated} unevaluated`,
  );

  const b0 = performance.now();
  const before = blastRadius(inventory, { policies: inventory.policies }, { edges });
  const after = blastRadius(inventory, { policies: plan.policies }, { edges });
  const b1 = performance.now();
  const c4 = cpu();
  console.log(
    `blast radius: ${((b1 - b0) / 1000).toFixed(2)} s  mean reachable workloads ${before.cluster.meanReachableWorkloads} -> ${after.cluster.meanReachableWorkloads}, ` +
      `reachable (workload, port) pairs ${before.cluster.totalReachablePorts} -> ${after.cluster.totalReachablePorts}`,
  );

  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const seconds = (ms: number) => Math.round(ms) / 1000;
  const result = {
    planSeconds: seconds(p1 - p0),
    lintSeconds: seconds(l1 - l0),
    impactSeconds: seconds(i1 - i0),
    blastRadiusSeconds: seconds(b1 - b0),
    totalSeconds: seconds(p1 - p0 + (l1 - l0) + (i1 - i0) + (b1 - b0)),
    peakRssMb,
  };
  console.log(
    `peak RSS: ${peakRssMb} MB; CPU seconds (less sensitive to other load): plan ${(c1 - c0).toFixed(2)}, lint ${(c2 - c1).toFixed(2)}, impact ${(c3 - c2).toFixed(2)}, blast radius ${(c4 - c3).toFixed(2)}`,
  );
  const withinTarget = underTarget('plan, lint, impact and blast radius in all', result.totalSeconds, TARGET_SECONDS, 's');
  console.log(JSON.stringify({ ...result, withinTarget }));
}

if (require.main === module) main();
