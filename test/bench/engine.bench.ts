/**
 * Engine benchmark: a synthetic cluster of 10,000 pods in 1,000 namespaces under 3,000 NetworkPolicies
 * (podSelectors, namespaceSelectors, matchExpressions, ipBlocks with except, named ports, endPort ranges).
 * Prints the time of the full workload-level matrix for 3 ports (indexing included), single-probe
 * evaluations per second after indexing, peak RSS, and the same matrix by the plain per-pair evaluator,
 * sampled and extrapolated. Then the same cluster with 200 ClusterNetworkPolicies in both tiers (tier
 * isolation, Pass to namespace owners, Baseline default-deny, networks and named ports): its matrix time and
 * a sample checked against the plain evaluator. Last, in a child process so that its peak RSS is its own,
 * Kubernetes' published scalability limit: 150,000 pods in 10,000 namespaces under 30,000 NetworkPolicies and
 * the 200 ClusterNetworkPolicies, its workload matrix on the same ports (wall and CPU seconds, peak RSS) and a
 * sample checked against the plain evaluator. The last line is one JSON object for CI.
 *
 *   npm run bench:engine
 */
import { seededRandom } from '@bulkhead/demo';
import { fork } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import {
  type ClusterNetworkPolicy,
  type Inventory,
  type InventoryPod,
  type NetworkPolicy,
  type PortSpec,
  type Traffic,
  PlainEvaluator,
  buildEngine,
} from '@bulkhead/netpol';

/** The size of a synthetic cluster: the bench's usual one, and Kubernetes' published scalability limit. */
export interface ClusterSize {
  namespaces: number;
  pods: number;
  policies: number;
}
const USUAL: ClusterSize = { namespaces: 1000, pods: 10_000, policies: 3000 };
const LIMIT: ClusterSize = { namespaces: 10_000, pods: 150_000, policies: 30_000 };

export function syntheticCluster(seed = 42, size: ClusterSize = USUAL): Inventory {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const tiers = ['web', 'api', 'db', 'cache', 'worker'] as const;
  const envs = ['prod', 'staging', 'dev'] as const;
  const namespaces = Array.from({ length: size.namespaces }, (_, n) => {
    const name = n === 0 ? 'kube-system' : `ns-${n}`;
    return { name, labels: { 'kubernetes.io/metadata.name': name, team: `team-${n % 50}`, env: envs[n % envs.length]! } };
  });
  const pods: InventoryPod[] = [];
  const workloads: Inventory['workloads'] = [];
  let ip = 0;
  for (const [n, namespace] of namespaces.entries()) {
    const ns = namespace.name;
    let remaining = size.pods / size.namespaces;
    let w = 0;
    while (remaining > 0) {
      const size = Math.min(remaining, 1 + Math.floor(random() * 4));
      remaining -= size;
      const tier = n === 0 && w === 0 ? 'dns' : tiers[(w + n) % tiers.length]!;
      const app = `app-${w}`;
      const labels: Record<string, string> =
        n === 0 && w === 0 ? { 'k8s-app': 'kube-dns', tier } : { app, tier, ...(random() < 0.3 ? { canary: 'true' } : {}) };
      const ports = [
        { name: 'http', port: 8080 + (w % 3), protocol: 'TCP' as const },
        { name: 'metrics', port: 9090, protocol: 'TCP' as const },
        ...(n === 0 && w === 0
          ? [
              { name: 'dns', port: 53, protocol: 'UDP' as const },
              { name: 'dns-tcp', port: 53, protocol: 'TCP' as const },
            ]
          : []),
      ];
      const name = `${tier}-${w}`;
      workloads.push({ namespace: ns, name, kind: 'Deployment', labels, ports, podCount: size });
      for (let p = 0; p < size; p++) {
        ip++;
        pods.push({
          namespace: ns,
          name: `${name}-${p}`,
          labels: { ...labels, 'pod-template-hash': 'abc123' },
          ips: [`10.${(ip >> 16) & 255}.${(ip >> 8) & 255}.${ip & 255}`],
          phase: 'Running',
          workload: { kind: 'Deployment', name },
          ports,
        });
      }
      w++;
    }
  }
  const policies: NetworkPolicy[] = [];
  const add = (namespace: string, name: string, spec: NetworkPolicy['spec']) =>
    policies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace, name }, spec });
  for (let i = 0; policies.length < size.policies; i++) {
    const ns = namespaces[i % size.namespaces]!.name;
    const kind = Math.floor(i / size.namespaces);
    const tier = pick(tiers);
    switch (kind) {
      case 0:
        add(ns, 'default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
        break;
      case 1:
        add(ns, 'allow-dns-and-internet', {
          podSelector: {},
          policyTypes: ['Egress'],
          egress: [
            {
              to: [
                {
                  namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                  podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
                },
              ],
              ports: [{ port: 53, protocol: 'UDP' }, { port: 'dns-tcp' }],
            },
            { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: ['10.0.0.0/8', '192.168.0.0/16'] } }], ports: [{ port: 443 }] },
            { to: [{ podSelector: {} }] },
            { to: [{ namespaceSelector: { matchLabels: { team: `team-${i % 50}` } } }], ports: [{ port: 8080, endPort: 8082 }] },
          ],
        });
        break;
      default:
        add(ns, `allow-${tier}-${i}`, {
          podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: [tier, pick(tiers)] }] },
          policyTypes: ['Ingress'],
          ingress: [
            { from: [{ podSelector: { matchLabels: { tier: 'web' } } }], ports: [{ port: 'http' }] },
            {
              from: [
                {
                  namespaceSelector: { matchLabels: { team: `team-${Math.floor(random() * 50)}` } },
                  podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] },
                },
                {
                  namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'NotIn', values: ['dev'] }] },
                  podSelector: { matchLabels: { tier: 'api' } },
                },
              ],
              ports: [{ port: 8080, endPort: 8081 }, { port: 'metrics' }],
            },
            {
              from: [{ ipBlock: { cidr: `10.${Math.floor(random() * 2)}.0.0/16`, except: [`10.0.${Math.floor(random() * 40)}.0/24`] } }],
              ports: [{ port: 8082 }],
            },
          ],
        });
    }
  }
  return { namespaces, workloads, pods, policies };
}

/**
 * 200 ClusterNetworkPolicies: 100 in the Admin tier (per team: Deny from dev to the team's prod namespaces on the
 * served ports, Pass within the team, Accept to kube-dns; every tenth a Deny to the internet but a CIDR), 100 in the
 * Baseline tier (per team: Deny from other teams, Accept of metrics by named port).
 */
export function syntheticClusterPolicies(seed = 43): ClusterNetworkPolicy[] {
  const random = seededRandom(seed);
  const policies: ClusterNetworkPolicy[] = [];
  const policy = (
    name: string,
    tier: 'Admin' | 'Baseline',
    priority: number,
    spec: Omit<ClusterNetworkPolicy['spec'], 'tier' | 'priority'>,
  ) =>
    policies.push({
      apiVersion: 'policy.networking.k8s.io/v1alpha2',
      kind: 'ClusterNetworkPolicy',
      metadata: { name },
      spec: { tier, priority, ...spec },
    });
  for (let i = 0; i < 100; i++) {
    const team = `team-${i % 50}`;
    const served = [{ tcp: { destinationPort: { range: { start: 8080, end: 8082 } } } }, { tcp: { destinationPort: { number: 9090 } } }];
    policy(`admin-${i}`, 'Admin', i % 60, {
      subject: { namespaces: { matchLabels: { team, env: 'prod' } } },
      ingress: [
        { name: 'no-dev-to-prod', action: 'Deny', from: [{ namespaces: { matchLabels: { env: 'dev' } } }], protocols: served },
        { name: 'team-owns-the-rest', action: 'Pass', from: [{ namespaces: { matchLabels: { team } } }] },
        ...(random() < 0.5
          ? [{ name: 'canaries-stay-out', action: 'Deny' as const, from: [{ pods: { podSelector: { matchLabels: { canary: 'true' } } } }] }]
          : []),
      ],
      egress: [
        {
          name: 'dns',
          action: 'Accept',
          to: [
            {
              pods: {
                namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } },
                podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } },
              },
            },
          ],
          protocols: [{ udp: { destinationPort: { number: 53 } } }, { tcp: { destinationPort: { number: 53 } } }],
        },
        ...(i % 10 === 0 ? [{ name: 'no-internet', action: 'Deny' as const, to: [{ networks: ['0.0.0.0/1', '128.0.0.0/2'] }] }] : []),
      ],
    });
  }
  for (let i = 0; i < 100; i++) {
    const team = `team-${i % 50}`;
    policy(`baseline-${i}`, 'Baseline', i % 40, {
      subject:
        i % 2 === 0
          ? { namespaces: { matchLabels: { team } } }
          : { pods: { namespaceSelector: { matchLabels: { team } }, podSelector: { matchLabels: { tier: 'db' } } } },
      ingress: [
        {
          name: 'metrics',
          action: 'Accept',
          from: [{ namespaces: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } } }],
          protocols: [{ destinationNamedPort: 'metrics' }],
        },
        {
          name: 'other-teams',
          action: 'Deny',
          from: [{ namespaces: { matchExpressions: [{ key: 'team', operator: 'NotIn', values: [team] }] } }],
        },
      ],
    });
  }
  return policies;
}

/** Indexes and builds the workload matrix; checks a sample of workload pairs against the plain evaluator. */
function matrixWithAgreement(cluster: Inventory, ports: PortSpec[], random: () => number, sample: number) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const engine = buildEngine(cluster);
  const t1 = performance.now();
  const matrix = engine.workloadMatrix(ports);
  const t2 = performance.now();
  const cpu = process.cpuUsage(cpu0);
  const plain = new PlainEvaluator(cluster);
  const representative = new Map<string, InventoryPod>();
  for (const pod of cluster.pods) {
    const key = `${pod.namespace}/${pod.workload.kind}/${pod.workload.name}`;
    if (!representative.has(key)) representative.set(key, pod);
  }
  const W = matrix.workloads.length;
  const reps = matrix.workloads.map((w) => representative.get(`${w.namespace}/${w.kind}/${w.name}`)!);
  let mismatches = 0;
  const t3 = performance.now();
  for (let s = 0; s < sample; s++) {
    const a = Math.floor(random() * W);
    const b = Math.floor(random() * W);
    ports.forEach((port, p) => {
      const verdict = plain.evaluate({ from: { pod: reps[a]! }, to: { pod: reps[b]! }, ...port });
      const cell = matrix.get(a, b, p);
      if (cell !== 2 && (cell === 1) !== verdict.allowed) mismatches++;
    });
  }
  const t4 = performance.now();
  return {
    engine,
    matrix,
    mismatches,
    indexSeconds: (t1 - t0) / 1000,
    matrixSeconds: (t2 - t0) / 1000,
    /** What the process spent on the CPU meanwhile: the wall time's floor on a machine that others share. */
    matrixCpuSeconds: (cpu.user + cpu.system) / 1e6,
    perPairSeconds: (t4 - t3) / 1000 / (sample * ports.length),
  };
}

/** The served ports the matrices are built for. */
const SERVED_PORTS: PortSpec[] = [
  { port: 8080, protocol: 'TCP' },
  { port: 9090, protocol: 'TCP' },
  { port: 53, protocol: 'UDP' },
];

interface LimitResult {
  limitMatrixSeconds: number;
  limitMatrixCpuSeconds: number;
  limitPeakRssMb: number;
  limitSampleDisagreements: number;
}

const LIMIT_FLAG = '--limit';

/**
 * Kubernetes' published limit, in a child process of its own (see runLimitCase) so that its peak RSS is the
 * limit case's alone: the cluster, the index, the workload matrix on the served ports and a sample checked
 * against the plain evaluator.
 */
function limitCase(): void {
  const cluster: Inventory = { ...syntheticCluster(42, LIMIT), clusterPolicies: syntheticClusterPolicies() };
  console.log(
    `limit cluster: ${cluster.pods.length} pods, ${cluster.namespaces.length} namespaces, ${cluster.workloads.length} workloads, ` +
      `${cluster.policies.length} NetworkPolicies, ${cluster.clusterPolicies!.length} ClusterNetworkPolicies`,
  );
  const SAMPLE = 300;
  const limit = matrixWithAgreement(cluster, SERVED_PORTS, seededRandom(11), SAMPLE);
  const W = limit.matrix.workloads.length;
  // The peak of the whole child: the cluster and the plain evaluator's sample included.
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(
    `at the limit: workload matrix ${W} x ${W} x ${SERVED_PORTS.length} ports in ${limit.matrixSeconds.toFixed(3)} s with indexing ` +
      `(${limit.matrixCpuSeconds.toFixed(3)} s of CPU; index ${limit.indexSeconds.toFixed(3)} s, ${limit.engine.stats.classes} equivalence classes); ` +
      `peak RSS ${peakRssMb.toFixed(0)} MB; sample disagreements with the plain evaluator: ${limit.mismatches} of ${SAMPLE * SERVED_PORTS.length}`,
  );
  const result: LimitResult = {
    limitMatrixSeconds: round(limit.matrixSeconds, 3),
    limitMatrixCpuSeconds: round(limit.matrixCpuSeconds, 3),
    limitPeakRssMb: round(peakRssMb, 0),
    limitSampleDisagreements: limit.mismatches,
  };
  process.send!(result);
}

/** Runs limitCase in a child process and waits for its figures. */
function runLimitCase(): Promise<LimitResult> {
  return new Promise((resolve, reject) => {
    const child = fork(__filename, [LIMIT_FLAG], { stdio: 'inherit' });
    let result: LimitResult | undefined;
    child.on('message', (message) => (result = message as LimitResult));
    child.on('error', reject);
    child.on('exit', (code) => (result && code === 0 ? resolve(result) : reject(new Error(`the limit case exited with ${code}`))));
  });
}

async function main(): Promise<void> {
  const cluster = syntheticCluster();
  const ports = SERVED_PORTS;
  console.log(
    `cluster: ${cluster.pods.length} pods, ${cluster.namespaces.length} namespaces, ${cluster.workloads.length} workloads, ${cluster.policies.length} policies`,
  );

  const random = seededRandom(7);
  const SAMPLE = 3000;
  const {
    engine,
    matrix,
    mismatches,
    indexSeconds,
    matrixSeconds,
    perPairSeconds: perPair,
  } = matrixWithAgreement(cluster, ports, random, SAMPLE);
  const W = matrix.workloads.length;
  let allowed = 0;
  for (const cells of matrix.cells) for (let i = 0; i < cells.length; i++) if (cells[i] === 1) allowed++;
  console.log(`index: ${indexSeconds.toFixed(3)} s (${engine.stats.classes} equivalence classes, ${engine.stats.peers} distinct peers)`);
  console.log(
    `workload matrix: ${W} x ${W} x ${ports.length} ports = ${W * W * ports.length} cells in ${(matrixSeconds - indexSeconds).toFixed(3)} s; ${matrixSeconds.toFixed(3)} s with indexing; ${allowed} allowed cells`,
  );

  // Single probes after indexing.
  const probes: Traffic[] = Array.from({ length: 200_000 }, () => {
    const from = cluster.pods[Math.floor(random() * cluster.pods.length)]!;
    const to = cluster.pods[Math.floor(random() * cluster.pods.length)]!;
    const port = ports[Math.floor(random() * ports.length)]!;
    return random() < 0.05
      ? { from: { pod: from }, to: { ip: '8.8.8.8' }, port: 443, protocol: 'TCP' }
      : { from: { pod: from }, to: { pod: to }, ...port };
  });
  let sink = 0;
  for (let i = 0; i < 20_000; i++) sink += engine.evaluate(probes[i]!).allowed ? 1 : 0;
  const t3 = performance.now();
  for (const probe of probes) sink += engine.evaluate(probe).allowed ? 1 : 0;
  const t4 = performance.now();
  const probesPerSecond = probes.length / ((t4 - t3) / 1000);
  console.log(
    `single probes: ${probes.length} in ${((t4 - t3) / 1000).toFixed(3)} s = ${Math.round(probesPerSecond)} probes/s (verdicts with selecting policies and allowing rules)`,
  );

  // The plain per-pair evaluator on the sample of workload pairs above (one pod each), extrapolated.
  const naiveMatrixSeconds = perPair * W * W * ports.length;
  const naivePodSeconds = perPair * cluster.pods.length * cluster.pods.length * ports.length;
  console.log(
    `plain evaluator: ${(perPair * 1e6).toFixed(1)} us per pair and port, sampled on ${SAMPLE * ports.length} workload pairs; ` +
      `extrapolated to the ${W}x${W}x${ports.length} workload matrix (one pod per workload): ${naiveMatrixSeconds.toFixed(0)} s ` +
      `(every pod pair, as an exact workload matrix needs: ${naivePodSeconds.toFixed(0)} s); sample disagreements with the engine: ${mismatches}`,
  );

  // The same cluster under 200 ClusterNetworkPolicies of both tiers.
  const guarded: Inventory = { ...cluster, clusterPolicies: syntheticClusterPolicies() };
  const withTiers = matrixWithAgreement(guarded, ports, random, 1000);
  const guardedAllowed = withTiers.matrix.cells.reduce((n, cells) => n + cells.filter((cell) => cell === 1).length, 0);
  console.log(
    `with 200 ClusterNetworkPolicies (Admin and Baseline): workload matrix in ${withTiers.matrixSeconds.toFixed(3)} s with indexing (${withTiers.matrixCpuSeconds.toFixed(3)} s of CPU) ` +
      `(${withTiers.engine.stats.classes} equivalence classes), ${guardedAllowed} allowed cells; sample disagreements with the plain evaluator: ${withTiers.mismatches}`,
  );
  const speedup = naiveMatrixSeconds / matrixSeconds;
  const peakRssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`speedup: ${speedup.toFixed(0)}x; peak RSS ${peakRssMb.toFixed(0)} MB${sink < 0 ? '' : ''}`);

  const limit = await runLimitCase();
  console.log(
    JSON.stringify({
      matrixSeconds: round(matrixSeconds, 3),
      naiveMatrixSeconds: round(naiveMatrixSeconds, 1),
      speedup: round(speedup, 0),
      probesPerSecond: Math.round(probesPerSecond),
      peakRssMb: round(peakRssMb, 0),
      clusterPolicyMatrixSeconds: round(withTiers.matrixSeconds, 3),
      clusterPolicyMatrixCpuSeconds: round(withTiers.matrixCpuSeconds, 3),
      clusterPolicySampleDisagreements: withTiers.mismatches,
      ...limit,
    }),
  );
  if (mismatches > 0 || withTiers.mismatches > 0 || limit.limitSampleDisagreements > 0) process.exitCode = 1;
}

function round(n: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(n * f) / f;
}

if (require.main === module) {
  if (process.argv.includes(LIMIT_FLAG)) limitCase();
  else void main();
}
