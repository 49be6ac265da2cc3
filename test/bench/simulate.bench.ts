/**
 * `bulkhead simulate` benchmark: the built CLI, as a whole process, on the engine bench's cluster (10,000 pods in
 * 1,000 namespaces under 3,000 NetworkPolicies) written as a kubectl List, with 50,000 probes between pods (by pod
 * name, by workload name and by IP, numbered and named ports, some to addresses outside the cluster). Explanations
 * are in the answer, as always. Times the child process from spawn to exit (best of BENCH_RUNS, 3), checks that the
 * answer has one result per probe, and prints the answer's size. Says whether the best time is within the target
 * (under 1.5 s as a whole process) and every result carries its explanations (a reason for egress and for ingress).
 * The last line is one JSON object for CI.
 *
 *   npm run bench:simulate
 */
import { seededRandom } from '@bulkhead/demo';
import type { Inventory, NetworkPolicy, NetworkPolicyPeer, SimulateResult } from '@bulkhead/netpol';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { syntheticCluster } from './engine.bench';
import { underTarget } from './target';

const PROBES = 50_000;
/** The whole process, from spawn to exit, in seconds. */
const TARGET_SECONDS = 1.5;
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const root = join(__dirname, '..', '..', '..');

/** The inventory as `kubectl get namespaces,deployments,pods,networkpolicies -A -o json` would list it. */
export function snapshotOf(inventory: Inventory): { apiVersion: 'v1'; kind: 'List'; items: object[] } {
  const items: object[] = [];
  for (const ns of inventory.namespaces)
    items.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns.name, labels: ns.labels } });
  for (const pod of inventory.pods) {
    items.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: pod.name,
        namespace: pod.namespace,
        labels: pod.labels,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${pod.workload.name}-abc123`, controller: true }],
      },
      spec: {
        containers: [
          { name: 'main', ports: pod.ports.map((port) => ({ name: port.name, containerPort: port.port, protocol: port.protocol })) },
        ],
      },
      status: { phase: pod.phase, podIP: pod.ips[0], podIPs: pod.ips.map((ip) => ({ ip })) },
    });
  }
  items.push(...inventory.policies.map(withExceptsInside));
  return { apiVersion: 'v1', kind: 'List', items };
}

/**
 * The engine bench draws some `except` ranges outside their `cidr` (10.0.x.0/24 of 10.1.0.0/16), which the engine
 * evaluates but a snapshot's validation refuses, as the API server would: here they are moved inside it.
 */
function withExceptsInside(policy: NetworkPolicy): NetworkPolicy {
  const inside = (peer: NetworkPolicyPeer): NetworkPolicyPeer => {
    if (!peer.ipBlock?.except || !peer.ipBlock.cidr.endsWith('/16')) return peer;
    const network = peer.ipBlock.cidr.split('.').slice(0, 2).join('.');
    const except = peer.ipBlock.except.map((range) => `${network}.${range.split('.')[2]}.0/24`);
    return { ipBlock: { ...peer.ipBlock, except } };
  };
  const spec = policy.spec;
  return {
    ...policy,
    spec: {
      ...spec,
      ...(spec.ingress
        ? { ingress: spec.ingress.map((rule) => ({ ...rule, ...(rule.from ? { from: rule.from.map(inside) } : {}) })) }
        : {}),
      ...(spec.egress ? { egress: spec.egress.map((rule) => ({ ...rule, ...(rule.to ? { to: rule.to.map(inside) } : {}) })) } : {}),
    },
  };
}

export function probesOf(inventory: Inventory, count: number, seed = 11): object[] {
  const random = seededRandom(seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;
  const probes: object[] = [];
  for (let i = 0; i < count; i++) {
    const from = pick(inventory.pods);
    const to = pick(inventory.pods);
    const kind = i % 10;
    const source = kind === 0 ? from.ips[0] : kind === 1 ? `${from.namespace}/${from.workload.name}` : `${from.namespace}/${from.name}`;
    const destination = kind === 2 ? `${to.namespace}/${to.workload.name}` : kind === 3 ? `8.8.${i & 255}.8` : `${to.namespace}/${to.name}`;
    const port = kind === 3 ? 443 : kind === 4 ? 'metrics' : kind === 5 ? 'http' : pick([8080, 8081, 8082, 9090, 53]);
    probes.push({ from: source, to: destination, port, ...(port === 53 ? { protocol: 'UDP' } : {}) });
  }
  return probes;
}

/** A result explains itself: each side's verdict comes with its reason. */
const explained = (result: Partial<SimulateResult>): boolean =>
  typeof result.egress?.reason === 'string' &&
  result.egress.reason !== '' &&
  typeof result.ingress?.reason === 'string' &&
  result.ingress.reason !== '';

function timeChild(args: string[], stdout: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    const out: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return reject(new Error(`bulkhead simulate exited ${code}`));
      writeFileSync(stdout, Buffer.concat(out));
      resolve(seconds);
    });
  });
}

async function main(): Promise<void> {
  const inventory = syntheticCluster();
  const dir = mkdtempSync(join(tmpdir(), 'bulkhead-bench-simulate-'));
  try {
    const input = join(dir, 'input.json');
    const answer = join(dir, 'answer.json');
    writeFileSync(input, JSON.stringify({ snapshot: snapshotOf(inventory), probes: probesOf(inventory, PROBES) }));
    const inputMb = statSync(input).size / 1e6;
    console.log(
      `input: ${inventory.pods.length} pods, ${inventory.policies.length} policies, ${PROBES} probes, ${inputMb.toFixed(1)} MB of JSON`,
    );
    const times: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const runSeconds = await timeChild(['bin/bulkhead.js', 'simulate', input], answer);
      times.push(runSeconds);
      console.log(`run ${run + 1}: ${runSeconds.toFixed(3)} s`);
    }
    const results = (JSON.parse(readFileSync(answer, 'utf8')) as { results: Partial<SimulateResult>[] }).results;
    if (results.length !== PROBES) throw new Error(`expected ${PROBES} results, got ${results.length}`);
    const answerMb = statSync(answer).size / 1e6;
    const seconds = Math.min(...times);
    console.log(`bulkhead simulate as a whole process: best ${seconds.toFixed(3)} s of ${RUNS}; answer ${answerMb.toFixed(1)} MB`);
    const unexplained = results.filter((result) => !explained(result)).length;
    console.log(
      unexplained === 0
        ? 'explanations: every result carries them'
        : `explanations: MISSING from ${unexplained} of ${results.length} results, OVER TARGET`,
    );
    const bestSeconds = Math.round(seconds * 1000) / 1000;
    const withinTarget = underTarget('bulkhead simulate, best run', bestSeconds, TARGET_SECONDS, 's') && unexplained === 0;
    console.log(
      JSON.stringify({
        probes: PROBES,
        pods: inventory.pods.length,
        policies: inventory.policies.length,
        seconds: bestSeconds,
        answerMb: Math.round(answerMb * 10) / 10,
        explained: unexplained === 0,
        withinTarget,
      }),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module)
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
