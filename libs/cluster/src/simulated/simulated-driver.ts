import type { Cni } from '@bulkhead/contracts';
import {
  buildEngine,
  buildInventory,
  type Engine,
  type Inventory,
  type InventoryPod,
  type NetworkPolicy,
  snapshotFromDocuments,
} from '@bulkhead/netpol';
import type { ClusterDriver, Discovery, ConnectivityResult, ConnectivityProbe } from '@bulkhead/rollout';
import type { SimulatedFaults } from './faults';

/** The little of a SQL client the simulated driver needs (a TypeORM DataSource or a pg Pool fits). */
export interface SqlClient {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- rows are read field by field below
  query(sql: string, params?: unknown[]): Promise<any[]>;
}

const NON_ENFORCING: ReadonlySet<Cni> = new Set(['flannel']);
const MANAGED_METADATA = ['resourceVersion', 'uid', 'creationTimestamp', 'generation', 'managedFields', 'selfLink'];

function clean(policy: NetworkPolicy): NetworkPolicy {
  const metadata = Object.fromEntries(Object.entries(policy.metadata).filter(([k]) => !MANAGED_METADATA.includes(k)));
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata, spec: policy.spec } as NetworkPolicy;
}

interface Loaded {
  cni: Cni;
  objects: unknown[];
  faults: SimulatedFaults;
  version: number;
}

/** The engine over the cluster's objects and live policies, rebuilt only when the policies change. */
interface Model {
  version: number;
  inventory: Inventory;
  engine: Engine;
}

/**
 * A cluster that lives in PostgreSQL: its namespaces, pods and workloads are fixed at creation, its
 * NetworkPolicies change through this driver, and probes are answered by the NetworkPolicy engine,
 * as a CNI that enforces them would (and not at all when the CNI is Flannel). The demo runs on it.
 */
export class SimulatedDriver implements ClusterDriver {
  private model?: Model;

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
         policy_version = simulated_clusters.policy_version + 1`,
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
      `SELECT c.cni, s.objects, s.faults, s.policy_version FROM simulated_clusters s JOIN clusters c ON c.id = s.cluster_id WHERE s.cluster_id = $1`,
      [this.clusterId],
    );
    if (!row) throw new Error(`cluster ${this.clusterId} has no simulated state`);
    return { cni: row.cni, objects: row.objects, faults: row.faults, version: Number(row.policy_version) };
  }

  private async allPolicies(): Promise<NetworkPolicy[]> {
    const rows = await this.db.query(`SELECT manifest FROM simulated_policies WHERE cluster_id = $1 ORDER BY namespace, name`, [this.clusterId]);
    return rows.map((r) => r.manifest as NetworkPolicy);
  }

  private async current(loaded: Loaded): Promise<Model> {
    if (this.model?.version === loaded.version) return this.model;
    const inventory = buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items: [...loaded.objects, ...(await this.allPolicies())] }]));
    this.model = { version: loaded.version, inventory, engine: buildEngine(inventory) };
    return this.model;
  }

  async discover(): Promise<Discovery> {
    const loaded = await this.load();
    return { cni: loaded.cni, snapshot: { apiVersion: 'v1', kind: 'List', items: [...loaded.objects, ...(await this.allPolicies())] } };
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

  async applyPolicies(namespace: string, policies: NetworkPolicy[]): Promise<void> {
    const failure = await this.consumeApplyFailure(namespace);
    if (failure) throw new Error(failure);
    for (const policy of policies) {
      if (policy.metadata.namespace !== namespace) throw new Error(`policy ${policy.metadata.name} belongs to ${policy.metadata.namespace}, not ${namespace}`);
      await this.db.query(
        `INSERT INTO simulated_policies (cluster_id, namespace, name, manifest) VALUES ($1, $2, $3, $4)
         ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET manifest = $4`,
        [this.clusterId, namespace, policy.metadata.name, JSON.stringify(clean(policy))],
      );
    }
    await this.bump();
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    if (names.length === 0) return;
    await this.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2 AND name = ANY($3)`, [this.clusterId, namespace, names]);
    await this.bump();
  }

  async restorePolicies(namespace: string, snapshot: NetworkPolicy[]): Promise<void> {
    await this.db.query(`DELETE FROM simulated_policies WHERE cluster_id = $1 AND namespace = $2`, [this.clusterId, namespace]);
    for (const policy of snapshot) {
      await this.db.query(`INSERT INTO simulated_policies (cluster_id, namespace, name, manifest) VALUES ($1, $2, $3, $4)`, [
        this.clusterId,
        namespace,
        policy.metadata.name,
        JSON.stringify(clean(policy)),
      ]);
    }
    await this.bump();
  }

  private async bump(): Promise<void> {
    await this.db.query(`UPDATE simulated_clusters SET policy_version = policy_version + 1 WHERE cluster_id = $1`, [this.clusterId]);
  }

  async probe(req: ConnectivityProbe): Promise<ConnectivityResult> {
    const loaded = await this.load();
    const faults = loaded.faults;
    const timeout = (faults.probeTimeouts ?? []).find((t) => (!t.namespace || t.namespace === req.from.namespace || (req.to.kind === 'workload' && req.to.namespace === t.namespace)));
    if (timeout) return { connected: false, detail: `timed out after ${req.timeoutMs} ms (simulated fault)` };
    if (faults.flakyProbes) {
      const attempts = { ...(faults.flakyProbes.attempts ?? {}) };
      attempts[req.id] = (attempts[req.id] ?? 0) + 1;
      await this.setFaults({ ...faults, flakyProbes: { ...faults.flakyProbes, attempts } });
      if (attempts[req.id] <= faults.flakyProbes.failFirstAttempts) return { connected: false, detail: `connection reset (simulated flaky network, attempt ${attempts[req.id]})` };
    }

    const model = await this.current(loaded);
    const source = this.podOfWorkload(model.inventory, req.from.namespace, req.from.workload);
    if (!source) return { connected: false, error: true, detail: `no running pod of ${req.from.namespace}/${req.from.workload} to probe from` };
    const enforcing = !NON_ENFORCING.has(loaded.cni);
    const allowed = (from: InventoryPod, to: { pod: InventoryPod } | { ip: string }, port: number, protocol: 'TCP' | 'UDP' | 'SCTP') =>
      !enforcing || model.engine.evaluate({ from: { pod: from }, to, port, protocol }).allowed;

    if (req.to.kind === 'dns') {
      const dns = model.inventory.pods.find((p) => p.namespace === 'kube-system' && p.labels['k8s-app'] === 'kube-dns');
      if (!dns) return { connected: false, error: true, detail: 'the cluster has no kube-dns pod' };
      const ok = allowed(source, { pod: dns }, 53, 'UDP');
      return { connected: ok, detail: ok ? `resolved ${req.to.name}` : `DNS lookup of ${req.to.name} timed out: 53/UDP to ${dns.namespace}/${dns.name} is blocked` };
    }
    let target: { pod: InventoryPod } | { ip: string };
    if (req.to.kind === 'ip') target = { ip: req.to.ip };
    else {
      const pod = this.podOfWorkload(model.inventory, req.to.namespace, req.to.name);
      if (!pod) return { connected: false, error: true, detail: `no running pod of ${req.to.namespace}/${req.to.name} to probe` };
      target = { pod };
    }
    if (!allowed(source, target, req.port, req.protocol)) return { connected: false, detail: `timed out after ${req.timeoutMs} ms: blocked by NetworkPolicy` };
    if ('pod' in target) {
      const broken = this.brokenDependency(model, target.pod, faults, allowed);
      if (broken) return { connected: false, detail: `${target.pod.namespace}/${target.pod.workload.name} answers with errors: its own call to ${broken} is blocked` };
    }
    return { connected: true, detail: 'connected' };
  }

  private podOfWorkload(inventory: Inventory, namespace: string, workload: string): InventoryPod | undefined {
    return inventory.pods.find((p) => p.namespace === namespace && p.workload.name === workload && p.phase !== 'Succeeded' && p.phase !== 'Failed');
  }

  /** A hidden dependency of the target that the live policies now block, as `ns/workload:port/proto`. */
  private brokenDependency(
    model: Model,
    target: InventoryPod,
    faults: SimulatedFaults,
    allowed: (from: InventoryPod, to: { pod: InventoryPod }, port: number, protocol: 'TCP' | 'UDP' | 'SCTP') => boolean,
  ): string | null {
    for (const dep of faults.hiddenDependencies ?? []) {
      if (dep.from !== `${target.namespace}/${target.workload.name}`) continue;
      const [ns, name] = dep.to.split('/');
      const to = this.podOfWorkload(model.inventory, ns, name);
      if (to && !allowed(target, { pod: to }, dep.port, dep.protocol)) return `${dep.to}:${dep.port}/${dep.protocol}`;
    }
    return null;
  }
}
