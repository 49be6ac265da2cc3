import { type Cni, cniClusterPolicySupport, cniEnforcesNetworkPolicy } from '@bulkhead/contracts';
import {
  buildInventory,
  type Inventory,
  type InventoryPod,
  type NetworkPolicy,
  PlainEvaluator,
  readClusterPolicy,
  type SnapshotClusterPolicy,
  snapshotFromDocuments,
} from '@bulkhead/netpol';
import type {
  ClusterDriver,
  ClusterPolicyKind,
  ClusterPolicyRef,
  ConnectivityProbe,
  ConnectivityResult,
  Discovery,
} from '@bulkhead/rollout';
import type { SimulatedFaults } from './faults';

/** The little of a SQL client the simulated driver needs (a TypeORM DataSource or a pg Pool fits). */
export interface SqlClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field below
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

const MANAGED_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];

/** Writes the policies given as `$3` names and `$4` manifests into namespace `$2`, when `guard` holds. */
const upsert = (guard = 'true') => `INSERT INTO simulated_policies (cluster_id, namespace, name, manifest)
  SELECT $1, $2, p.name, p.manifest FROM unnest($3::text[], $4::jsonb[]) AS p(name, manifest) WHERE ${guard}
  ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET manifest = EXCLUDED.manifest`;

/** Deletes namespace `$2`'s policies other than the `$3` names, when `guard` holds. */
const pruneOthers = (guard = 'true') =>
  `DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND NOT (name = ANY($3)) AND ${guard}`;

/** Makes namespace `$2` hold exactly the policies given as `$3` names and `$4` manifests. */
const REPLACE_ALL = `WITH others AS (${pruneOthers()}) ${upsert()}`;

/** Whether an apply failure still counts for namespace `$2` in the cluster's faults `s.faults`. */
const FAILURE_LEFT = `EXISTS (SELECT 1 FROM jsonb_array_elements(COALESCE(s.faults->'applyFailures', '[]'::jsonb)) AS f(value)
  WHERE (f.value->>'times')::int > 0 AND COALESCE(f.value->>'namespace', $2) = $2)`;

/**
 * An apply to namespace `$2` (`$5`: pruning the others), in one statement, unless an apply failure still
 * counts for it: then nothing is written and the faults are answered, for the failure to be taken.
 */
const APPLY = `WITH failing AS (SELECT s.faults FROM simulated_clusters s WHERE s.cluster_id = $1 AND ${FAILURE_LEFT}),
  others AS (${pruneOthers('$5 AND NOT EXISTS (SELECT 1 FROM failing)')}),
  written AS (${upsert('NOT EXISTS (SELECT 1 FROM failing)')})
  SELECT (SELECT faults FROM failing) AS faults`;

/**
 * What a probe batch reads, in one statement: the CNI, the faults, the version of the objects, the policies of
 * namespaces `$2`, and every cluster-scoped policy (they may select any pod).
 */
const PROBE_READ = `SELECT c.cni, s.faults, s.objects_version,
    (SELECT COALESCE(jsonb_agg(p.manifest ORDER BY p.namespace, p.name), '[]'::jsonb) FROM simulated_policies p WHERE p.cluster_id = $1 AND p.namespace = ANY($2)) AS policies,
    (SELECT COALESCE(jsonb_agg(p.manifest ORDER BY p.kind, p.name), '[]'::jsonb) FROM simulated_cluster_policies p WHERE p.cluster_id = $1) AS cluster_policies
  FROM simulated_clusters s JOIN clusters c ON c.id = s.cluster_id WHERE s.cluster_id = $1`;

/** Writes the cluster-scoped policies given as `$2` kinds, `$3` names and `$4` manifests. */
const UPSERT_CLUSTER_POLICIES = `INSERT INTO simulated_cluster_policies (cluster_id, kind, name, manifest)
  SELECT $1, p.kind, p.name, p.manifest FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS p(kind, name, manifest)
  ON CONFLICT (cluster_id, kind, name) DO UPDATE SET manifest = EXCLUDED.manifest`;

/** Makes the cluster hold exactly the cluster-scoped policies given as `$2` kinds, `$3` names and `$4` manifests. */
const REPLACE_CLUSTER_POLICIES = `WITH others AS (DELETE FROM simulated_cluster_policies WHERE cluster_id = $1
    AND (kind, name) NOT IN (SELECT * FROM unnest($2::text[], $3::text[])))
  ${UPSERT_CLUSTER_POLICIES}`;

/** The cluster-scoped kinds a simulated cluster serves: all of them, as if their CRDs were installed. */
const CLUSTER_POLICY_KINDS: ClusterPolicyKind[] = ['AdminNetworkPolicy', 'BaselineAdminNetworkPolicy', 'ClusterNetworkPolicy'];
const isClusterPolicy = (o: unknown): o is SnapshotClusterPolicy =>
  (CLUSTER_POLICY_KINDS as ReadonlyArray<string | undefined>).includes((o as { kind?: string }).kind);

const withoutManagedMetadata = (metadata: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(metadata).filter(([k]) => !MANAGED_METADATA.includes(k)));

function clean(policy: NetworkPolicy): NetworkPolicy {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: withoutManagedMetadata(policy.metadata),
    spec: policy.spec,
  } as NetworkPolicy;
}

/** A cluster-scoped policy as the API server would hold it for a read: its kind's own apiVersion, no status. */
function cleanClusterPolicy(policy: SnapshotClusterPolicy): SnapshotClusterPolicy {
  const apiVersion = policy.kind === 'ClusterNetworkPolicy' ? 'policy.networking.k8s.io/v1alpha2' : 'policy.networking.k8s.io/v1alpha1';
  return {
    apiVersion,
    kind: policy.kind,
    metadata: { ...withoutManagedMetadata(policy.metadata), name: policy.metadata.name },
    spec: policy.spec,
  };
}

/** The parameters `$2` to `$4` of a write of cluster-scoped policies: kinds, names, manifests. */
const clusterPolicyRows = (policies: readonly SnapshotClusterPolicy[]): unknown[] => [
  policies.map((p) => p.kind),
  policies.map((p) => p.metadata.name),
  policies.map((p) => JSON.stringify(cleanClusterPolicy(p))),
];

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
  /** the first live pod of each workload, by `namespace/workload` */
  live: Map<string, InventoryPod>;
  /** the cluster DNS's pod */
  dns?: InventoryPod;
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
  /** The faults the last probe batch read: what the next batch guesses the namespaces it needs from. */
  private lastFaults: SimulatedFaults = {};

  constructor(
    private readonly db: SqlClient,
    readonly clusterId: string,
  ) {}

  /**
   * Creates (or replaces) the simulated cluster from a snapshot List: its objects, policies and CNI.
   * Faults already switched on stay unless new ones are given.
   */
  static async create(
    db: SqlClient,
    clusterId: string,
    snapshot: { items: unknown[] },
    faults?: SimulatedFaults,
  ): Promise<SimulatedDriver> {
    const isPolicy = (o: unknown) => (o as { kind?: string }).kind === 'NetworkPolicy';
    const policies = snapshot.items.filter(isPolicy) as NetworkPolicy[];
    const clusterPolicies = snapshot.items.filter(isClusterPolicy);
    await db.query(
      `INSERT INTO simulated_clusters (cluster_id, objects, faults) VALUES ($1, $2, $3)
       ON CONFLICT (cluster_id) DO UPDATE SET objects = $2, faults = COALESCE($4, simulated_clusters.faults),
         objects_version = simulated_clusters.objects_version + 1`,
      [
        clusterId,
        JSON.stringify(snapshot.items.filter((o) => !isPolicy(o) && !isClusterPolicy(o))),
        JSON.stringify(faults ?? {}),
        faults ? JSON.stringify(faults) : null,
      ],
    );
    await db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1`, [clusterId]);
    await db.query(REPLACE_CLUSTER_POLICIES, [clusterId, ...clusterPolicyRows(clusterPolicies)]);
    // Written as they are, not applied: the faults are for what a rollout does, not for setting up.
    for (const p of policies) {
      await db.query(`INSERT INTO simulated_policies (cluster_id, namespace, name, manifest) VALUES ($1, $2, $3, $4)`, [
        clusterId,
        p.metadata.namespace,
        p.metadata.name,
        JSON.stringify(clean(p)),
      ]);
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
    const rows = await this.db.query(
      `SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = ANY($2) ORDER BY namespace, name`,
      [this.clusterId, namespaces],
    );
    return asPolicies(rows.map((r) => r.manifest));
  }

  async discover(): Promise<Discovery> {
    const loaded = await this.load();
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 ORDER BY namespace, name`, [
      this.clusterId,
    ]);
    const items = [...(await this.objectDocuments()), ...rows.map((r) => r.manifest), ...(await this.readClusterPolicies())];
    return { cni: loaded.cni, snapshot: { apiVersion: 'v1', kind: 'List', items }, clusterPolicyKinds: CLUSTER_POLICY_KINDS };
  }

  async readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 ORDER BY name`, [
      this.clusterId,
      namespace,
    ]);
    return rows.map((r) => r.manifest as NetworkPolicy);
  }

  async applyPolicies(namespace: string, policies: NetworkPolicy[], options: { prune?: boolean } = {}): Promise<void> {
    const stranger = policies.find((p) => p.metadata.namespace !== namespace);
    if (stranger) throw new Error(`policy ${stranger.metadata.name} belongs to ${stranger.metadata.namespace}, not ${namespace}`);
    for (;;) {
      const [{ faults }] = await this.db.query(APPLY, [...this.rows(namespace, policies), options.prune === true]);
      if (!faults) return;
      const failure = await this.takeApplyFailure(namespace, faults);
      if (failure) throw new Error(failure);
    }
  }

  /**
   * Takes one unit of the first apply failure counting for the namespace, if the faults are still the
   * ones read (else another worker changed them first: null, and the apply is tried again). Answers the
   * failure's message.
   */
  private async takeApplyFailure(namespace: string, faults: SimulatedFaults): Promise<string | null> {
    const list = [...(faults.applyFailures ?? [])];
    // As FAILURE_LEFT matches: a failure without a namespace counts for every one.
    const i = list.findIndex((f) => f.times > 0 && (f.namespace ?? namespace) === namespace);
    const failure = list[i];
    if (!failure) throw new Error(`the simulated faults of cluster ${this.clusterId} name an apply failure the driver cannot find`);
    list[i] = { ...failure, times: failure.times - 1 };
    const [{ taken }] = await this.db.query(
      `WITH t AS (UPDATE simulated_clusters SET faults = $2 WHERE cluster_id = $1 AND faults = $3::jsonb RETURNING 1) SELECT count(*)::int AS taken FROM t`,
      [this.clusterId, JSON.stringify({ ...faults, applyFailures: list }), JSON.stringify(faults)],
    );
    return taken ? (failure.message ?? 'the API server refused the change (simulated fault)') : null;
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND name = ANY($3)`, [
      this.clusterId,
      namespace,
      names,
    ]);
  }

  async restorePolicies(namespace: string, snapshot: NetworkPolicy[]): Promise<void> {
    await this.db.query(REPLACE_ALL, this.rows(namespace, snapshot));
  }

  async readClusterPolicies(): Promise<SnapshotClusterPolicy[]> {
    const rows = await this.db.query(`SELECT manifest FROM simulated_cluster_policies WHERE cluster_id = $1 ORDER BY kind, name`, [
      this.clusterId,
    ]);
    return rows.map((r) => r.manifest as SnapshotClusterPolicy);
  }

  async applyClusterPolicies(policies: SnapshotClusterPolicy[]): Promise<void> {
    await this.db.query(UPSERT_CLUSTER_POLICIES, [this.clusterId, ...clusterPolicyRows(policies)]);
  }

  async deleteClusterPolicies(policies: ClusterPolicyRef[]): Promise<void> {
    if (policies.length === 0) return;
    await this.db.query(
      `DELETE FROM simulated_cluster_policies WHERE cluster_id = $1 AND (kind, name) IN (SELECT * FROM unnest($2::text[], $3::text[]))`,
      [this.clusterId, policies.map((p) => p.kind), policies.map((p) => p.name)],
    );
  }

  async restoreClusterPolicies(snapshot: SnapshotClusterPolicy[]): Promise<void> {
    await this.db.query(REPLACE_CLUSTER_POLICIES, [this.clusterId, ...clusterPolicyRows(snapshot)]);
  }

  /** The parameters `$1` to `$4` of a write to a namespace's policies: cluster, namespace, names, manifests. */
  private rows(namespace: string, policies: NetworkPolicy[]): unknown[] {
    return [this.clusterId, namespace, policies.map((p) => p.metadata.name), policies.map((p) => JSON.stringify(clean(p)))];
  }

  /**
   * Answers a batch of probes from one read of the cluster: its faults, and the policies of the
   * namespaces the batch involves, as far as the objects and faults seen last tell (a second read
   * fetches any the faults read now add).
   */
  async probe(requests: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]> {
    const known = this.cached;
    const guess = known ? namespacesOf(requests.map((r) => route(known, this.lastFaults, r))) : [];
    for (const r of requests) guess.push(r.from.namespace, ...(r.to.kind === 'workload' ? [r.to.namespace] : []));
    const fetched = [...new Set(guess)];
    const [row] = await this.db.query(PROBE_READ, [this.clusterId, fetched]);
    if (!row) throw new Error(`cluster ${this.clusterId} has no simulated state`);
    const loaded: Loaded = { cni: row.cni, faults: row.faults, objectsVersion: Number(row.objects_version) };
    const faults = (this.lastFaults = loaded.faults);
    const objects = await this.objects(loaded);
    const settled = requests.map((req): ConnectivityResult | Routed => {
      const timeout = (faults.probeTimeouts ?? []).find(
        (t) => !t.namespace || t.namespace === req.from.namespace || (req.to.kind === 'workload' && req.to.namespace === t.namespace),
      );
      if (timeout) return { connected: false, detail: `timed out after ${req.timeoutMs} ms (simulated fault)` };
      if (faults.flakyProbes && req.attempt <= faults.flakyProbes.failFirstAttempts)
        return { connected: false, detail: `connection reset (simulated flaky network, attempt ${req.attempt})` };
      return route(objects, faults, req);
    });
    const routed = settled.filter((r): r is Routed => 'source' in r);
    const missing = namespacesOf(routed).filter((ns) => !fetched.includes(ns));
    const policies = [...asPolicies(row.policies), ...(missing.length ? await this.policiesOf(missing) : [])];
    // A CNI of unknown enforcement is simulated as enforcing: the simulation shows what the policies would do. One
    // that does not implement the cluster-scoped kinds (Cilium) accepts them and ignores them.
    const enforcing = cniEnforcesNetworkPolicy(loaded.cni) !== false;
    const clusterPolicies = cniClusterPolicySupport(loaded.cni)?.implements === false ? [] : asClusterPolicies(row.cluster_policies);
    const evaluator = new PlainEvaluator({
      namespaces: objects.inventory.namespaces,
      pods: [...new Set(routed.flatMap((r) => r.involved))],
      policies,
      clusterPolicies,
      ...(objects.inventory.nodes ? { nodes: objects.inventory.nodes } : {}),
    });
    const allowed = (from: InventoryPod, to: Target, port: number, protocol: Protocol) =>
      !enforcing || evaluator.evaluate({ from: { pod: from }, to, port, protocol }).allowed;
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
    const live = new Map<string, InventoryPod>();
    for (const p of inventory.pods)
      if (p.phase !== 'Succeeded' && p.phase !== 'Failed' && !live.has(`${p.namespace}/${p.workload.name}`))
        live.set(`${p.namespace}/${p.workload.name}`, p);
    const dns = inventory.pods.find((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
    const objects = { version: loaded.objectsVersion, inventory, resolver: new PlainEvaluator({ ...inventory, policies: [] }), live, dns };
    this.cached = objects;
    return objects;
  }
}

/** The target's hidden dependencies (a fault: traffic the map lacks) whose pods exist. */
function hiddenDependencies(objects: Objects, target: InventoryPod, faults: SimulatedFaults) {
  return (faults.hiddenDependencies ?? []).flatMap((dep) => {
    if (dep.from !== `${target.namespace}/${target.workload.name}`) return [];
    const pod = objects.live.get(dep.to);
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

/** Policy manifests as the inventory reads policies. */
function asPolicies(manifests: unknown[]): NetworkPolicy[] {
  return snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: manifests }]).policies;
}

/** Cluster-scoped policy manifests as the inventory reads them (the v1alpha1 kinds onto ClusterNetworkPolicy). */
function asClusterPolicies(manifests: unknown[]) {
  return snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: manifests }]).clusterPolicies.map(readClusterPolicy);
}

/** The namespaces whose policies decide the routed probes among these. */
function namespacesOf(probes: ReadonlyArray<Routed | ConnectivityResult>): string[] {
  return [...new Set(probes.flatMap((r) => ('involved' in r ? r.involved.map((p) => p.namespace) : [])))];
}

/** Finds a probe's source and target pods (and the target's hidden dependencies), or why it cannot run. */
function route(objects: Objects, faults: SimulatedFaults, req: ConnectivityProbe): Routed | ConnectivityResult {
  const source = objects.live.get(`${req.from.namespace}/${req.from.workload}`);
  if (!source)
    return { connected: false, error: true, detail: `no running pod of ${req.from.namespace}/${req.from.workload} to probe from` };
  let target: Target;
  if (req.to.kind === 'dns') {
    if (!objects.dns) return { connected: false, error: true, detail: 'the cluster has no kube-dns pod' };
    target = { pod: objects.dns };
  } else if (req.to.kind === 'ip') {
    target = objects.resolver.resolve({ ip: req.to.ip }); // an address of a pod is that pod
  } else {
    const pod = objects.live.get(`${req.to.namespace}/${req.to.name}`);
    if (!pod) return { connected: false, error: true, detail: `no running pod of ${req.to.namespace}/${req.to.name} to probe` };
    target = { pod };
  }
  const hidden = 'pod' in target ? hiddenDependencies(objects, target.pod, faults) : [];
  return { req, source, target, hidden, involved: [source, ...('pod' in target ? [target.pod] : []), ...hidden.map((d) => d.pod)] };
}

/** The outcome of a routed probe, given what the live policies allow. */
function answer(
  { req, source, target, hidden }: Routed,
  allowed: (from: InventoryPod, to: Target, port: number, protocol: Protocol) => boolean,
): ConnectivityResult {
  if (req.to.kind === 'dns') {
    const dns = (target as { pod: InventoryPod }).pod;
    const ok = allowed(source, target, 53, 'UDP');
    return {
      connected: ok,
      detail: ok ? `resolved ${req.to.name}` : `DNS lookup of ${req.to.name} timed out: 53/UDP to ${dns.namespace}/${dns.name} is blocked`,
    };
  }
  if (!allowed(source, target, req.port, req.protocol))
    return { connected: false, detail: `timed out after ${req.timeoutMs} ms: blocked by NetworkPolicy` };
  if ('pod' in target) {
    // A hidden dependency of the target that the live policies now block makes the target answer errors.
    const broken = hidden.find((d) => !allowed(target.pod, { pod: d.pod }, d.port, d.protocol));
    if (broken)
      return {
        connected: false,
        detail: `${target.pod.namespace}/${target.pod.workload.name} answers with errors: its own call to ${broken.to}:${broken.port}/${broken.protocol} is blocked`,
        blockedCall: { from: broken.from, to: broken.to, port: broken.port, protocol: broken.protocol },
      };
  }
  return { connected: true, detail: 'connected' };
}
