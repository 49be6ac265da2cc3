import type { Tier } from '@bulkhead/contracts';
import {
  floorAfter,
  overrideAfterImport,
  type InventoryStore,
  type KeptAtFloor,
  type NamespaceCounts,
  type StoredNamespace,
  type TierOfNamespace,
} from '@bulkhead/inventory';
import { type Inventory, type InventoryPort, type NetworkPolicy, readClusterPolicy, type SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { ClusterEntity } from '../entities/cluster.entity';
import {
  ClusterPolicyEntity,
  NamespaceEntity,
  NetworkPolicyEntity,
  NodeEntity,
  PodEntity,
  WorkloadEntity,
} from '../entities/inventory.entities';

const CHUNK = 1000;

/** The floors of a cluster's namespaces (see @bulkhead/inventory tiers.ts), those that left the inventory included. */
async function floorsOf(em: EntityManager, clusterId: string): Promise<Map<string, Tier>> {
  const rows: Array<{ name: string; tier: Tier }> = await em.query(`SELECT name, tier FROM namespace_tier_floors WHERE cluster_id = $1`, [
    clusterId,
  ]);
  return new Map(rows.map((r) => [r.name, r.tier]));
}

async function writeFloors(em: EntityManager, clusterId: string, floors: Array<{ name: string; floor: Tier | null }>): Promise<void> {
  if (floors.length === 0) return;
  await em.query(
    `INSERT INTO namespace_tier_floors (cluster_id, name, tier) SELECT $1, f.name, f.tier FROM unnest($2::text[], $3::text[]) AS f(name, tier)
     ON CONFLICT (cluster_id, name) DO UPDATE SET tier = EXCLUDED.tier`,
    [clusterId, floors.map((f) => f.name), floors.map((f) => f.floor)],
  );
}

async function insertChunked<T extends ObjectLiteral>(em: EntityManager, entity: new () => T, rows: Array<Partial<T>>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await em
      .createQueryBuilder()
      .insert()
      .into(entity)
      .values(rows.slice(i, i + CHUNK))
      .execute();
  }
}

const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export class TypeOrmInventoryStore implements InventoryStore {
  constructor(private readonly db: DataSource) {}

  async replace(
    clusterId: string,
    inventory: Inventory,
    clusterPolicies: readonly SnapshotClusterPolicy[],
    labelTiers: Map<string, Tier | null>,
    approvalTiers: readonly Tier[],
    at: Date,
  ): Promise<{ keptAtFloor: KeptAtFloor[]; withoutTier: string[] }> {
    return this.db.transaction(async (em) => {
      // Serialise imports of one cluster: the second waits for the first instead of interleaving.
      await em.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [clusterId]);
      const previous = new Map<string, TierOfNamespace>(
        (await em.find(NamespaceEntity, { where: { clusterId }, select: { name: true, labelTier: true, tierOverride: true } })).map((n) => [
          n.name,
          { labelTier: n.labelTier as Tier | null, tierOverride: n.tierOverride as Tier | null },
        ]),
      );
      const floors = await floorsOf(em, clusterId);
      const rows = inventory.namespaces.map((ns) => {
        const labelTier = labelTiers.get(ns.name) ?? null;
        return {
          clusterId,
          name: ns.name,
          labels: ns.labels,
          labelTier,
          tierOverride: overrideAfterImport(previous.get(ns.name), labelTier, floors.get(ns.name) ?? null),
        };
      });
      const keptAtFloor = rows
        .filter((row) => row.tierOverride !== null && row.tierOverride !== (previous.get(row.name)?.tierOverride ?? null))
        .map((row) => ({ namespace: row.name, tier: row.tierOverride as Tier }));
      const raised = rows
        .map((row) => ({
          name: row.name,
          floor: floorAfter(row.tierOverride ?? row.labelTier, floors.get(row.name) ?? null, approvalTiers),
        }))
        .filter((row) => row.floor !== null && row.floor !== floors.get(row.name));
      await writeFloors(em, clusterId, raised);
      for (const entity of [NamespaceEntity, WorkloadEntity, PodEntity, NetworkPolicyEntity, NodeEntity, ClusterPolicyEntity])
        await em.delete(entity, { clusterId });
      await insertChunked(em, NamespaceEntity, rows);
      await insertChunked(
        em,
        WorkloadEntity,
        inventory.workloads.map((w) => ({
          clusterId,
          namespace: w.namespace,
          name: w.name,
          kind: w.kind,
          labels: w.labels,
          ports: w.ports,
          podCount: w.podCount,
          fromTemplate: !!w.fromTemplate,
        })),
      );
      await insertChunked(
        em,
        PodEntity,
        inventory.pods.map((p) => ({
          clusterId,
          namespace: p.namespace,
          name: p.name,
          labels: p.labels,
          ips: p.ips,
          phase: p.phase ?? null,
          workloadKind: p.workload.kind,
          workloadName: p.workload.name,
          ports: p.ports,
          synthetic: !!p.synthetic,
          hostNetwork: !!p.hostNetwork,
          nodeName: p.nodeName ?? null,
        })),
      );
      await insertChunked(
        em,
        NodeEntity,
        (inventory.nodes ?? []).map((n) => ({ clusterId, name: n.name, labels: n.labels, addresses: n.addresses, implicit: !!n.implicit })),
      );
      await insertChunked(
        em,
        NetworkPolicyEntity,
        inventory.policies.map((policy) => ({
          clusterId,
          namespace: policy.metadata.namespace,
          name: policy.metadata.name,
          manifest: policy as unknown as Record<string, unknown>,
        })),
      );
      await insertChunked(
        em,
        ClusterPolicyEntity,
        clusterPolicies.map((policy) => ({
          clusterId,
          kind: policy.kind,
          name: policy.metadata.name,
          manifest: policy as unknown as Record<string, unknown>,
        })),
      );
      await em.update(ClusterEntity, { id: clusterId }, { inventoryImportedAt: at });
      const withoutTier = rows.filter((row) => (row.tierOverride ?? row.labelTier) === null).map((row) => row.name);
      return { keptAtFloor, withoutTier };
    });
  }

  /**
   * One statement, so that steps side by side hold their cluster's row only while it runs. It locks that
   * row first, in the mode the data-version trigger takes at the statement's end (FOR NO KEY UPDATE), so
   * two such statements queue at their start instead of deadlocking; unlike FOR UPDATE, that mode does not
   * wait for the key-share locks that the rollout's own audit inserts hold on the row until they commit.
   * A policy whose manifest is unchanged is not written.
   */
  async replaceNamespacePolicies(clusterId: string, namespace: string, policies: readonly NetworkPolicy[]): Promise<void> {
    await this.db.query(
      `WITH cluster AS (SELECT id FROM clusters WHERE id = $1 FOR NO KEY UPDATE),
       incoming AS (SELECT cluster.id AS cluster_id, policy->'metadata'->>'name' AS name, policy FROM cluster, jsonb_array_elements($3::jsonb) AS policy),
       gone AS (DELETE FROM network_policies WHERE cluster_id = (SELECT id FROM cluster) AND namespace = $2 AND name NOT IN (SELECT name FROM incoming))
       INSERT INTO network_policies (cluster_id, namespace, name, manifest) SELECT cluster_id, $2, name, policy FROM incoming
       ON CONFLICT (cluster_id, namespace, name) DO UPDATE SET manifest = EXCLUDED.manifest
       WHERE network_policies.manifest IS DISTINCT FROM EXCLUDED.manifest`,
      [clusterId, namespace, JSON.stringify(policies)],
    );
  }

  /** As replaceNamespacePolicies, for the cluster-scoped policies (by kind and name). */
  async replaceClusterPolicies(clusterId: string, policies: readonly SnapshotClusterPolicy[]): Promise<void> {
    await this.db.query(
      `WITH cluster AS (SELECT id FROM clusters WHERE id = $1 FOR NO KEY UPDATE),
       incoming AS (SELECT cluster.id AS cluster_id, policy->>'kind' AS kind, policy->'metadata'->>'name' AS name, policy
                    FROM cluster, jsonb_array_elements($2::jsonb) AS policy),
       gone AS (DELETE FROM cluster_policies WHERE cluster_id = (SELECT id FROM cluster)
                AND (kind, name) NOT IN (SELECT kind, name FROM incoming))
       INSERT INTO cluster_policies (cluster_id, kind, name, manifest) SELECT cluster_id, kind, name, policy FROM incoming
       ON CONFLICT (cluster_id, kind, name) DO UPDATE SET manifest = EXCLUDED.manifest
       WHERE cluster_policies.manifest IS DISTINCT FROM EXCLUDED.manifest`,
      [clusterId, JSON.stringify(policies)],
    );
  }

  async load(clusterId: string): Promise<Inventory> {
    const [namespaces, workloads, pods, policies, nodes, clusterPolicies] = await Promise.all([
      this.db.getRepository(NamespaceEntity).find({ where: { clusterId }, order: { name: 'ASC' } }),
      this.workloads(clusterId),
      this.db.getRepository(PodEntity).find({ where: { clusterId } }),
      this.db.getRepository(NetworkPolicyEntity).find({ where: { clusterId } }),
      this.db.getRepository(NodeEntity).find({ where: { clusterId } }),
      this.clusterPolicies(clusterId),
    ]);
    return {
      namespaces: namespaces.map((n) => ({ name: n.name, labels: n.labels })),
      workloads,
      pods: pods.sort(byName).map((p) => ({
        namespace: p.namespace,
        name: p.name,
        labels: p.labels,
        ips: p.ips,
        ...(p.phase ? { phase: p.phase } : {}),
        ...(p.hostNetwork ? { hostNetwork: true } : {}),
        ...(p.nodeName !== null ? { nodeName: p.nodeName } : {}),
        workload: { kind: p.workloadKind, name: p.workloadName },
        ports: p.ports as InventoryPort[],
        ...(p.synthetic ? { synthetic: true } : {}),
      })),
      policies: policies.sort(byName).map((p) => p.manifest as unknown as NetworkPolicy),
      ...(clusterPolicies.length > 0 ? { clusterPolicies: clusterPolicies.map(readClusterPolicy) } : {}),
      nodes: nodes
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
        .map((n) => ({ name: n.name, labels: n.labels, addresses: n.addresses, ...(n.implicit ? { implicit: true } : {}) })),
    };
  }

  async clusterPolicies(clusterId: string): Promise<SnapshotClusterPolicy[]> {
    const rows = await this.db.getRepository(ClusterPolicyEntity).find({ where: { clusterId } });
    const order = (a: ClusterPolicyEntity, b: ClusterPolicyEntity) =>
      a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
    return rows.sort(order).map((row) => row.manifest as unknown as SnapshotClusterPolicy);
  }

  async workloads(clusterId: string, namespace?: string): Promise<Inventory['workloads']> {
    const rows = await this.db
      .getRepository(WorkloadEntity)
      .find({ where: namespace === undefined ? { clusterId } : { clusterId, namespace } });
    return rows.sort(byName).map((w) => ({
      namespace: w.namespace,
      name: w.name,
      kind: w.kind,
      labels: w.labels,
      ports: w.ports as InventoryPort[],
      podCount: w.podCount,
      ...(w.fromTemplate ? { fromTemplate: true } : {}),
    }));
  }

  async namespaceCounts(clusterId: string): Promise<Map<string, NamespaceCounts>> {
    const rows: Array<{ namespace: string; workloads: number; pods: number; policies: number }> = await this.db.query(
      `SELECT namespace, sum(workloads)::int AS workloads, sum(pods)::int AS pods, sum(policies)::int AS policies FROM (
         SELECT namespace, count(*) AS workloads, 0 AS pods, 0 AS policies FROM workloads WHERE cluster_id = $1 GROUP BY namespace
         UNION ALL SELECT namespace, 0, count(*), 0 FROM pods WHERE cluster_id = $1 AND NOT synthetic GROUP BY namespace
         UNION ALL SELECT namespace, 0, 0, count(*) FROM network_policies WHERE cluster_id = $1 GROUP BY namespace
       ) AS counted GROUP BY namespace`,
      [clusterId],
    );
    return new Map(rows.map((r) => [r.namespace, { workloads: r.workloads, pods: r.pods, policies: r.policies }]));
  }

  async namespaces(clusterId: string): Promise<StoredNamespace[]> {
    const [rows, floors] = await Promise.all([
      this.db.getRepository(NamespaceEntity).find({ where: { clusterId }, order: { name: 'ASC' } }),
      floorsOf(this.db.manager, clusterId),
    ]);
    return rows.map((n) => ({
      name: n.name,
      labels: n.labels,
      labelTier: n.labelTier as Tier | null,
      tierOverride: n.tierOverride as Tier | null,
      floor: floors.get(n.name) ?? null,
    }));
  }

  async tierOf(clusterId: string, namespace: string): Promise<Tier | null> {
    const [row] = await this.db.query(
      `SELECT COALESCE(tier_override, label_tier) AS tier FROM namespaces WHERE cluster_id = $1 AND name = $2`,
      [clusterId, namespace],
    );
    return (row?.tier as Tier | undefined) ?? null;
  }

  async setTier(clusterId: string, namespace: string, override: Tier | null, floor: Tier | null): Promise<boolean> {
    return this.db.transaction(async (em) => {
      if (((await em.update(NamespaceEntity, { clusterId, name: namespace }, { tierOverride: override })).affected ?? 0) === 0)
        return false;
      if (floor === null) await em.query(`DELETE FROM namespace_tier_floors WHERE cluster_id = $1 AND name = $2`, [clusterId, namespace]);
      else await writeFloors(em, clusterId, [{ name: namespace, floor }]);
      return true;
    });
  }
}
