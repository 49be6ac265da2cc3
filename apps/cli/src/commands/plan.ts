import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  EdgeAggregator,
  FlowFormatError,
  FlowParseError,
  InventoryIndex,
  createFlowReader,
  type FlowEndpoint,
  type FlowRecord,
} from '@bulkhead/flows';
import { type Inventory, NetpolError, buildInventory, parseDocuments, parseSnapshot } from '@bulkhead/netpol';
import {
  type LintFinding,
  type PlanEdge,
  type PlanOptions,
  type ReviewState,
  type Tier,
  buildPlanReport,
  edgeKey,
  renderJsonList,
  renderYaml,
  summarizePlanReport,
} from '@bulkhead/plan';
import { type Command, UsageError, parseArgs } from '../command';

const VALUED = new Set(['snapshot', 'flows', 'format', 'out', 'cni', 'api-server-cidr', 'tier', 'reviews']);
const FLAGS = new Set([
  'no-dns',
  'no-ingress-controllers',
  'no-prometheus',
  'no-api-server',
  'no-public-entry',
  'no-node-traffic',
  'tier-isolation',
  'baseline-default-deny',
  'intra-tier-pass',
]);

/** The human line for a finding, as `bulkhead plan` and `bulkhead lint` print it. */
export function formatFinding(f: LintFinding): string {
  return `${f.severity.padEnd(7)} ${f.rule}  ${f.object}: ${f.message}\n        fix: ${f.fix}`;
}

/** What the flows taught about addresses: DNS names and the API server. */
interface AddressLearner {
  externalAddresses: Map<string, Set<string>>;
  apiServer: Set<string>;
  learn(record: FlowRecord): void;
}

function addressLearner(): AddressLearner {
  const externalAddresses = new Map<string, Set<string>>();
  const apiServer = new Set<string>();
  const remember = (name: string, ip: string) => {
    let n = name.toLowerCase();
    if (n.endsWith('.')) n = n.slice(0, -1);
    let set = externalAddresses.get(n);
    if (!set) externalAddresses.set(n, (set = new Set()));
    set.add(ip);
  };
  const endpoint = (ep: FlowEndpoint) => {
    if (ep.kind === 'external' && ep.ip && ep.dnsNames) for (const name of ep.dnsNames) remember(name, ep.ip);
    if (ep.kind === 'reserved' && ep.reserved === 'kube-apiserver' && ep.ip) apiServer.add(ep.ip);
  };
  return {
    externalAddresses,
    apiServer,
    learn(record) {
      endpoint(record.src);
      endpoint(record.dst);
      if (record.l7?.dnsQuery && record.l7.dnsIps) for (const ip of record.l7.dnsIps) remember(record.l7.dnsQuery, ip);
    },
  };
}

function sortedRecord(map: Map<string, Set<string>>): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const k of [...map.keys()].sort()) out[k] = [...map.get(k)!].sort();
  return out;
}

function readReviews(text: string, file: string): Map<string, ReviewState> {
  const docs = parseDocuments(text);
  const list = docs.length === 1 && Array.isArray(docs[0]) ? docs[0] : docs;
  const reviews = new Map<string, ReviewState>();
  for (const [i, item] of (list as unknown[]).entries()) {
    const r = item as Partial<PlanEdge> & { key?: string; review?: string };
    if (!r || typeof r !== 'object' || (r.review !== 'confirmed' && r.review !== 'rejected' && r.review !== 'unreviewed')) {
      throw new UsageError(`${file}: item ${i}: expected {key | src,dst,port,protocol} with review confirmed|rejected|unreviewed`);
    }
    const key =
      r.key ??
      edgeKey({ src: String(r.src), dst: String(r.dst), protocol: String(r.protocol ?? 'TCP').toUpperCase(), port: r.port ?? null });
    reviews.set(key, r.review);
  }
  return reviews;
}

/** The values of `--tier NAMESPACE=dev|staging|prod|none`, as the tier of each namespace (null: none). */
export function parseTiers(values: string[]): Record<string, Tier | null> {
  const tiers: Record<string, Tier | null> = {};
  for (const v of values) {
    const [, namespace, tier] = /^([^=]+)=(dev|staging|prod|none)$/.exec(v) ?? [];
    if (namespace === undefined || tier === undefined) throw new UsageError(`--tier ${v}: expected NAMESPACE=dev|staging|prod|none`);
    tiers[namespace] = tier === 'none' ? null : (tier as Tier);
  }
  return tiers;
}

/** `bulkhead plan`: the zero-trust NetworkPolicies of a snapshot from its observed flows (spec section 3). */
export const planCommand: Command = {
  name: 'plan',
  summary: 'Generate default-deny NetworkPolicies with surgical allows from a snapshot and its observed flows',
  usage: [
    'bulkhead plan --snapshot SNAPSHOT --flows FLOWS [--flows FLOWS2 ...] [--format yaml|json] [--out DIR]',
    '              [--cni NAME] [--api-server-cidr CIDR ...] [--tier NAMESPACE=dev|staging|prod|none ...] [--reviews FILE]',
    '              [--no-dns] [--no-ingress-controllers] [--no-public-entry] [--no-prometheus] [--no-api-server] [--no-node-traffic]',
    '              [--tier-isolation] [--baseline-default-deny] [--intra-tier-pass]',
    '  FLOWS: Hubble JSON, Calico flow logs or an edge list (detected). stdout: the policies; stderr: lint findings.',
    '  --tier-isolation, --baseline-default-deny, --intra-tier-pass: the cluster layer (ClusterNetworkPolicy), on a --cni that implements it.',
    '  --out DIR also writes DIR/<namespace>.yaml, DIR/cluster/<name>.yaml per cluster policy, and DIR/report.json.',
    '  --reviews: [{"key"|"src","dst","port","protocol", "review": "confirmed"|"rejected"}].',
  ].join('\n'),
  async run(argv, io) {
    const args = parseArgs(argv, VALUED);
    for (const flag of args.flags) if (!FLAGS.has(flag)) throw new UsageError(`unknown option --${flag}`);
    if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]}`);
    const [snapshotFile, ...moreSnapshots] = args.options.get('snapshot') ?? [];
    if (snapshotFile === undefined) throw new UsageError('missing --snapshot SNAPSHOT');
    if (moreSnapshots.length) throw new UsageError('give --snapshot once');
    const flowFiles = args.options.get('flows') ?? [];
    if (flowFiles.length === 0) throw new UsageError('missing --flows FLOWS');
    const format = (args.options.get('format') ?? ['yaml']).at(-1)!;
    if (format !== 'yaml' && format !== 'json') throw new UsageError(`--format ${format}: expected yaml or json`);
    const outDir = args.options.get('out')?.at(-1);
    const tiers = parseTiers(args.options.get('tier') ?? []);
    const reviews = args.options.has('reviews')
      ? readReviews(await io.readFile(args.options.get('reviews')!.at(-1)!), args.options.get('reviews')!.at(-1)!)
      : new Map<string, ReviewState>();

    let inventory: Inventory;
    try {
      inventory = buildInventory(parseSnapshot(await io.readFile(snapshotFile)));
    } catch (error) {
      if (error instanceof NetpolError) {
        io.err(`bulkhead plan: ${snapshotFile}: ${error.message}`);
        return 1;
      }
      throw error;
    }

    const aggregator = new EdgeAggregator(InventoryIndex.from(inventory));
    const learner = addressLearner();
    for (const file of flowFiles) {
      const text = await io.readFile(file);
      try {
        const reader = createFlowReader({
          format: 'auto',
          onRecord: (record) => {
            learner.learn(record);
            aggregator.add(record);
          },
        });
        reader.feed(text);
        reader.end();
      } catch (error) {
        if (error instanceof FlowFormatError || error instanceof FlowParseError) {
          io.err(`bulkhead plan: ${file}: ${error.message}`);
          return 1;
        }
        throw error;
      }
    }
    const edges: PlanEdge[] = aggregator.edges().map((e) => {
      const edge: PlanEdge = {
        src: e.src.key,
        dst: e.dst.key,
        port: e.port,
        protocol: e.protocol,
        connections: e.connections,
        firstSeen: e.firstSeen,
        lastSeen: e.lastSeen,
      };
      const review = reviews.get(edgeKey(edge));
      return review ? { ...edge, review } : edge;
    });
    const stats = aggregator.stats();

    const options: PlanOptions = {
      ...(args.flags.has('no-dns') ? { dns: false } : {}),
      ...(args.flags.has('no-ingress-controllers') ? { ingressControllers: false } : {}),
      ...(args.flags.has('no-public-entry') ? { publicIngressToControllers: false } : {}),
      ...(args.flags.has('no-prometheus') ? { prometheus: false } : {}),
      ...(args.flags.has('no-api-server') ? { apiServer: false } : {}),
      ...(args.flags.has('no-node-traffic') ? { nodeTraffic: false } : {}),
      ...(args.options.has('api-server-cidr') ? { apiServerCidrs: args.options.get('api-server-cidr')! } : {}),
      clusterLayer: {
        tierIsolation: args.flags.has('tier-isolation'),
        baselineDefaultDeny: args.flags.has('baseline-default-deny'),
        intraTierPass: args.flags.has('intra-tier-pass'),
      },
    };
    const externalAddresses = sortedRecord(learner.externalAddresses);
    const apiServerAddresses = [...learner.apiServer].sort();
    const cni = args.options.get('cni')?.at(-1);
    const full = buildPlanReport({
      inventory,
      edges,
      externalAddresses,
      apiServerAddresses: options.apiServerCidrs ?? apiServerAddresses,
      options,
      ...(Object.keys(tiers).length ? { tiers } : {}),
      ...(cni ? { cni } : {}),
    });
    const { plan, impact } = full;
    const summary = summarizePlanReport(full);

    const everyPolicy = [...plan.policies, ...plan.clusterLayer.policies];
    io.out(format === 'json' ? renderJsonList(everyPolicy) : renderYaml(everyPolicy));
    for (const piece of plan.clusterLayer.pieces)
      if (piece.reason !== undefined) io.err(`bulkhead plan: cluster layer: ${piece.piece} left out: ${piece.reason}`);
    for (const f of plan.findings) io.err(formatFinding(f));
    for (const f of full.existingFindings) io.err(formatFinding(f));
    const counts = { error: 0, warning: 0, info: 0 };
    for (const f of [...plan.findings, ...full.existingFindings]) counts[f.severity]++;
    io.err(
      `bulkhead plan: ${plan.policies.length} policies for ${summary.namespaces} namespaces from ${edges.length} edges; ` +
        `${plan.blocked.length} edge(s) not allowed, ${impact.newlyBlocked.length} observed edge(s) newly blocked; ${stats.unattributed} flow record(s) not attributed; ` +
        `${counts.error} error(s), ${counts.warning} warning(s), ${counts.info} info; ` +
        `mean blast radius ${summary.blastRadius.before.meanReachableWorkloads} -> ${summary.blastRadius.after.meanReachableWorkloads} workloads`,
    );

    if (outDir) {
      const before = full.blastRadius.before;
      const after = full.blastRadius.after;
      const afterByNs = new Map(after.namespaces.map((n) => [n.namespace, n]));
      const report = {
        summary: { ...summary, edges: edges.length, flowRecords: stats.records, unattributedRecords: stats.unattributed },
        findings: plan.findings,
        existingFindings: full.existingFindings,
        unattributed: { records: stats.unattributed, byReason: stats.unattributedByReason, samples: stats.unattributedSamples },
        blocked: plan.blocked.map((b) => ({ key: b.key, reason: b.reason, message: b.message, connections: b.edge.connections })),
        ignored: plan.ignored.map((b) => ({ key: b.key, reason: b.reason, message: b.message })),
        impact: {
          summary: impact.summary,
          newlyBlocked: impact.newlyBlocked.map((e) => ({ key: e.key, before: e.before, after: e.after, connections: e.edge.connections })),
          unevaluated: impact.unevaluated.map((e) => ({ key: e.key, note: e.note ?? null })),
        },
        blastRadius: {
          cluster: { before: before.cluster, after: after.cluster },
          namespaces: before.namespaces.map((n) => {
            const { namespace, ...rest } = n;
            const a = afterByNs.get(namespace);
            return {
              namespace,
              before: rest,
              after: a
                ? {
                    workloads: a.workloads,
                    maxReachableWorkloads: a.maxReachableWorkloads,
                    meanReachableWorkloads: a.meanReachableWorkloads,
                    totalReachablePorts: a.totalReachablePorts,
                  }
                : rest,
            };
          }),
          // Before and after list every workload of the same inventory, sorted: the same workloads in the same order.
          workloads: before.workloads.map((w, i) => {
            const a = after.workloads[i]!;
            return {
              workload: w.workload,
              before: { workloads: w.reachableWorkloads, ports: w.reachablePorts },
              after: { workloads: a.reachableWorkloads, ports: a.reachablePorts },
            };
          }),
        },
        observation: plan.observation,
        risks: plan.risks,
        tiers: plan.tiers,
        clusterLayer: plan.clusterLayer.pieces,
        addresses: { externalAddresses, apiServer: apiServerAddresses },
        evidence: plan.evidence,
      };
      await mkdir(outDir, { recursive: true });
      for (const [namespace, policies] of Object.entries(plan.byNamespace)) {
        await writeFile(join(outDir, `${namespace.replace(/[^a-z0-9.-]/g, '_')}.yaml`), renderYaml(policies));
      }
      if (plan.clusterLayer.policies.length) await mkdir(join(outDir, 'cluster'), { recursive: true });
      for (const policy of plan.clusterLayer.policies)
        await writeFile(join(outDir, 'cluster', `${policy.metadata.name}.yaml`), renderYaml([policy]));
      await writeFile(join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
      io.err(
        `bulkhead plan: wrote ${Object.keys(plan.byNamespace).length} namespace files, ${plan.clusterLayer.policies.length} cluster policy files and report.json to ${outDir}`,
      );
    }
    return 0;
  },
};
