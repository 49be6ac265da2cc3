import type { Cni } from '@bulkhead/contracts';
import { buildInventory, type Inventory, type InventoryPod, type NetworkPolicy, PlainEvaluator, snapshotFromDocuments } from '@bulkhead/netpol';
import type { ClusterDriver, Discovery, ConnectivityResult, ConnectivityProbe } from '@bulkhead/rollout';
import type { SimulatedFaults } from './faults';

/** The little of a SQL client the simulated driver needs (a TypeORM DataSource or a pg Pool fits). */
export interface SqlClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field below
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

const NON_ENFORCING: ReadonlySet<Cni> = new Set(['flannel']);
const MANAGED_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];

/** Writes the policies given as `$3` names and `$4` manifests into namespace `$2`. */
const UPSERT = `INSERT INTO simulated_policies (cluster_id, namespace, name, manifest)
  SELECT $1, $2, p.name, p.manifest FROM unnest($3::text[], $4::jsonb[]) AS p(name, manifest)
  ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET manifest = EXCLUDED.manifest`;

/** Makes namespace `$2` hold exactly the policies given as `$3` names and `$4` manifests. */
const REPLACE_ALL = `WITH others AS (DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND NOT (name = ANY($3)))
  ${UPSERT}`;

function clean(policy: NetworkPolicy): NetworkPolicy {
  const metadata = Object.fromEntries(Object.entries(policy.metadata).filter(([k]) => !MANAGED_METADATA.includes(k)));
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: policy.spec } as NetworkPolicy;
}

interface Loaded {
  cni: Cni;
  faults: SimulatedFaults;
  objectsVersion: number;
}

/** A cluster's namespaces and pods, read once per version of its objects (they change only on reset). */
interface Objects {
  version: number;
  inventory: Inventory;
  /** a policy-free evaluator, for telling which pod an address belongs to */
  resolver: PlainEvaluator;
}

/**
 * A cluster that lives in PostgreSQL: its namespaces, pods and workloads are fixed at creation, its
 * NetworkPolicies change through this driver, and probes are answered by the NetworkPolicy evaluator,
 * as a CNI that enforces them would (and not at all when the CNI is Flannel). The demo runs on it.
 *
 * A probe reads only the policies of the namespaces it involves: a NetworkPolicy selects pods of its own
 * namespace only, so those decide the answer, and a probe costs the same in a cluster of ten namespaces
 * or of a thousand.
 */
export class SimulatedDriver implements ClusterDriver {
  private cached?: Objects;

  constructor(
    private readonly db: SqlClient,
    readonly clusterId: string,
  ) {}

  /**
   * Creates (or replaces) the simulated cluster from a snapshot List: its objects, policies and CNI.
   * Faults already switched on stay unless new ones are given.
   */
  static async create(db: SqlClient, clusterId: string, snapshot: { items: unknown[] }, faults?: SimulatedFaults): Promise<SimulatedDriver> {
    const isPolicy = (o: unknown) => (o as { kind?: string }).kind === 'NetworkPolicy';
    const policies = snapshot.items.filter(isPolicy) as NetworkPolicy[];
    await db.query(
      `INSERT INTO simulated_clusters (cluster_id, objects, faults) VALUES ($1, $2, $3)
       ON CONFLICT (cluster_id) DO UPDATE SET objects = $2, faults = COALESCE($4, simulated_clusters.faults),
         objects_version = simulated_clusters.objects_version + 1`,
      [clusterId, JSON.stringify(snapshot.items.filter((o) => !isPolicy(o))), JSON.stringify(faults ?? {}), faults ? JSON.stringify(faults) : null],
    );
    await db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1`, [clusterId]);
    // Written as they are, not applied: the faults are for what a rollout does, not for setting up.
    for (const p of policies) {
      await db.query(`INSERT INTO simulated_policies (cluster_id, namespace, name, manifest) VALUES ($1, $2, $3, $4)`, [clusterId, p.metadata.namespace, p.metadata.name, JSON.stringify(clean(p))]);
    }
    return new SimulatedDriver(db, clusterId);
  }

  async setFaults(faults: SimulatedFaults): Promise<void> {
    await this.db.query(`UPDATE simulated_clusters SET faults = $2 WHERE cluster_id = $1`, [this.clusterId, JSON.stringify(faults)]);
  }

  private async load(): Promise<Loaded> {
    // The CNI is the cluster's own: switching a simulated cluster to Flannel turns enforcement off.
    const [row] = await this.db.query(
      `SELECT c.cni, s.faults, s.objects_version FROM simulated_clusters s JOIN clusters c ON c.id = s.cluster_id WHERE s.cluster_id = $1`,
      [this.clusterId],
    );
    if (!row) throw new Error(`cluster ${this.clusterId} has no simulated state`);
    return { cni: row.cni, faults: row.faults, objectsVersion: Number(row.objects_version) };
  }

  private async objectDocuments(): Promise<unknown[]> {
    const [row] = await this.db.query(`SELECT objects FROM simulated_clusters WHERE cluster_id = $1`, [this.clusterId]);
    return row.objects;
  }

  /** The live policies of some namespaces, as the inventory reads policies. */
  private async policiesOf(namespaces: string[]): Promise<NetworkPolicy[]> {
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = ANY($2) ORDER BY namespace, name`, [this.clusterId, namespaces]);
    return snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: rows.map((r) => r.manifest) }]).policies;
  }

  async discover(): Promise<Discovery> {
    const loaded = await this.load();
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 ORDER BY namespace, name`, [this.clusterId]);
    return { cni: loaded.cni, snapshot: { apiVersion: 'v1', kind: 'List', items: [...(await this.objectDocuments()), ...rows.map((r) => r.manifest)] } };
  }

  async readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [this.clusterId, namespace]);
    return rows.map((r) => r.manifest as NetworkPolicy);
  }

  /** Takes one unit of a counted apply failure; returns its message when one fired. */
  private async consumeApplyFailure(namespace: string): Promise<string | null> {
    const { faults } = await this.load();
    const list = faults.applyFailures ?? [];
    const i = list.findIndex((f) => f.times > 0 && (!f.namespace || f.namespace === namespace));
    if (i < 0) return null;
    list[i] = { ...list[i], times: list[i].times - 1 };
    await this.setFaults({ ...faults, applyFailures: list });
    return list[i].message ?? `the API server refused the change (simulated fault)`;
  }

  async applyPolicies(namespace: string, policies: NetworkPolicy[], options: { prune?: boolean } = {}): Promise<void> {
    const failure = await this.consumeApplyFailure(namespace);
    if (failure) throw new Error(failure);
    const stranger = policies.find((p) => p.metadata.namespace !== namespace);
    if (stranger) throw new Error(`policy ${stranger.metadata.name} belongs to ${stranger.metadata.namespace}, not ${namespace}`);
    await this.write(namespace, policies, options.prune ? REPLACE_ALL : UPSERT);
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND name = ANY($3)`, [this.clusterId, namespace, names]);
  }

  async restorePolicies(namespace: string, snapshot: NetworkPolicy[]): Promise<void> {
    await this.write(namespace, snapshot, REPLACE_ALL);
  }

  /** One statement over the namespace's policies, given as `$3` names and `$4` manifests. */
  private async write(namespace: string, policies: NetworkPolicy[], sql: string): Promise<void> {
    await this.db.query(sql, [this.clusterId, namespace, policies.map((p) => p.metadata.name), policies.map((p) => JSON.stringify(clean(p)))]);
  }

  /**
   * Answers a batch of probes from one read of the cluster: its faults, then the policies of every
   * namespace the batch involves.
   */
  async probe(requests: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]> {
    const loaded = await this.load();
    const faults = loaded.faults;
    const flaky = faults.flakyProbes && { ...faults.flakyProbes, attempts: { ...(faults.flakyProbes.attempts ?? {}) } };
    if (flaky) {
      for (const req of requests) flaky.attempts[req.id] = (flaky.attempts[req.id] ?? 0) + 1;
      await this.setFaults({ ...faults, flakyProbes: flaky });
    }
    const { inventory, resolver } = await this.objects(loaded);
    const settled = requests.map((req): ConnectivityResult | Routed => {
      const timeout = (faults.probeTimeouts ?? []).find((t) => !t.namespace || t.namespace === req.from.namespace || (req.to.kind === 'workload' && req.to.namespace === t.namespace));
      if (timeout) return { connected: false, detail: `timed out after ${req.timeoutMs} ms (simulated fault)` };
      const attempt = flaky?.attempts[req.id] ?? 0;
      if (flaky && attempt <= flaky.failFirstAttempts) return { connected: false, detail: `connection reset (simulated flaky network, attempt ${attempt})` };
      return route(inventory, resolver, faults, req);
    });
    const routed = settled.filter((r): r is Routed => 'source' in r);
    const involved = routed.flatMap((r) => r.involved);
    const namespaces = [...new Set(involved.map((p) => p.namespace))];
    const policies = namespaces.length ? await this.policiesOf(namespaces) : [];
    const evaluator = new PlainEvaluator({ namespaces: inventory.namespaces, pods: [...new Set(involved)], policies });
    const enforcing = !NON_ENFORCING.has(loaded.cni);
    const allowed = (from: InventoryPod, to: Target, port: number, protocol: Protocol) => !enforcing || evaluator.evaluate({ from: { pod: from }, to, port, protocol }).allowed;
    return settled.map((r) => ('source' in r ? answer(r, allowed) : r));
  }

  /** A simulated probe leaves nothing behind. */
  async cleanupProbePods(): Promise<string[]> {
    return [];
  }

  /** The cluster's namespaces and pods (and who owns which address), read once per version of its objects. */
  private async objects(loaded: Loaded): Promise<Objects> {
    if (this.cached?.version === loaded.objectsVersion) return this.cached;
    const inventory = buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: await this.objectDocuments() }]));
    const objects = { version: loaded.objectsVersion, inventory, resolver: new PlainEvaluator({ ...inventory, policies: [] }) };
    this.cached = objects;
    return objects;
  }
}

function podOfWorkload(inventory: Inventory, namespace: string, workload: string): InventoryPod | undefined {
  return inventory.pods.find((p) => p.namespace === namespace && p.workload.name === workload && p.phase !== 'Succeeded' && p.phase !== 'Failed');
}

/** The target's hidden dependencies (a fault: traffic the map lacks) whose pods exist. */
function hiddenDependencies(inventory: Inventory, target: InventoryPod, faults: SimulatedFaults) {
  return (faults.hiddenDependencies ?? []).flatMap((dep) => {
    if (dep.from !== `${target.namespace}/${target.workload.name}`) return [];
    const [ns, name] = dep.to.split('/');
    const pod = podOfWorkload(inventory, ns, name);
    return pod ? [{ ...dep, pod }] : [];
  });
}

type Protocol = ConnectivityProbe['protocol'];
type Target = { pod: InventoryPod } | { ip: string };

/** A probe whose ends are found: what it needs the policies of. */
interface Routed {
  req: ConnectivityProbe;
  source: InventoryPod;
  target: Target;
  hidden: ReturnType<typeof hiddenDependencies>;
  involved: InventoryPod[];
}

/** Finds a probe's source and target pods (and the target's hidden dependencies), or why it cannot run. */
function route(inventory: Inventory, resolver: PlainEvaluator, faults: SimulatedFaults, req: ConnectivityProbe): Routed | ConnectivityResult {
  const source = podOfWorkload(inventory, req.from.namespace, req.from.workload);
  if (!source) return { connected: false, error: true, detail: `no running pod of ${req.from.namespace}/${req.from.workload} to probe from` };
  let target: Target;
  if (req.to.kind === 'dns') {
    const dns = inventory.pods.find((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
    if (!dns) return { connected: false, error: true, detail: 'the cluster has no kube-dns pod' };
    target = { pod: dns };
  } else if (req.to.kind === 'ip') {
    target = resolver.resolve({ ip: req.to.ip }); // an address of a pod is that pod
  } else {
    const pod = podOfWorkload(inventory, req.to.namespace, req.to.name);
    if (!pod) return { connected: false, error: true, detail: `no running pod of ${req.to.namespace}/${req.to.name} to probe` };
    target = { pod };
  }
  const hidden = 'pod' in target ? hiddenDependencies(inventory, target.pod, faults) : [];
  return { req, source, target, hidden, involved: [source, ...('pod' in target ? [target.pod] : []), ...hidden.map((d) => d.pod)] };
}

/** The outcome of a routed probe, given what the live policies allow. */
function answer({ req, source, target, hidden }: Routed, allowed: (from: InventoryPod, to: Target, port: number, protocol: Protocol) => boolean): ConnectivityResult {
  if (req.to.kind === 'dns') {
    const dns = (target as { pod: InventoryPod }).pod;
    const ok = allowed(source, target, 53, 'UDP');
    return { connected: ok, detail: ok ? `resolved ${req.to.name}` : `DNS lookup of ${req.to.name} timed out: 53/UDP to ${dns.namespace}/${dns.name} is blocked` };
  }
  if (!allowed(source, target, req.port, req.protocol)) return { connected: false, detail: `timed out after ${req.timeoutMs} ms: blocked by NetworkPolicy` };
  if ('pod' in target) {
    // A hidden dependency of the target that the live policies now block makes the target answer errors.
    const broken = hidden.find((d) => !allowed(target.pod, { pod: d.pod }, d.port, d.protocol));
    if (broken) return { connected: false, detail: `${target.pod.namespace}/${target.pod.workload.name} answers with errors: its own call to ${broken.to}:${broken.port}/${broken.protocol} is blocked` };
  }
  return { connected: true, detail: 'connected' };
}
