import type { Tier } from '@bulkhead/contracts';
import { overrideAfterImport, type InventoryStore, type NamespaceCounts, type StoredNamespace, type TierOfNamespace } from '@bulkhead/inventory';
import type { Inventory, InventoryPort, NetworkPolicy } from '@bulkhead/netpol';
import type { DataSource, EntityManager, ObjectLiteral } from 'typeorm';
import { ClusterEntity } from '../entities/cluster.entity';
import { NamespaceEntity, NetworkPolicyEntity, PodEntity, WorkloadEntity } from '../entities/inventory.entities';

const CHUNK = 1000;

async function insertChunked<T extends ObjectLiteral>(em: EntityManager, entity: new () => T, rows: Array<Partial<T>>): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK) {
    await em.createQueryBuilder().insert().into(entity).values(rows.slice(i, i + CHUNK) as never).execute();
  }
}

const byName = (a: { namespace: string; name: string }, b: { namespace: string; name: string }) =>
  a.namespace < b.namespace ? -1 : a.namespace > b.namespace ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

export class TypeOrmInventoryStore implements InventoryStore {
  constructor(private readonly db: DataSource) {}

  async replace(clusterId: string, inventory: Inventory, labelTiers: Map<string, Tier | null>, at: Date): Promise<{ keptInProd: string[] }> {
    return this.db.transaction(async (em) => {
      // Serialise imports of one cluster: the second waits for the first instead of interleaving.
      await em.query('SELECT id FROM clusters WHERE id = $1 FOR UPDATE', [clusterId]);
      const previous = new Map<string, TierOfNamespace>(
        (await em.find(NamespaceEntity, { where: { clusterId }, select: { name: true, labelTier: true, tierOverride: true } })).map((n) => [
          n.name,
          { labelTier: n.labelTier as Tier | null, tierOverride: n.tierOverride as Tier | null },
        ]),
      );
      const rows = inventory.namespaces.map((ns) => {
        const labelTier = labelTiers.get(ns.name) ?? null;
        return { clusterId, name: ns.name, labels: ns.labels, labelTier, tierOverride: overrideAfterImport(previous.get(ns.name), labelTier) };
      });
      const keptInProd = rows.filter((row) => row.tierOverride === 'prod' && previous.get(row.name)?.tierOverride !== 'prod').map((row) => row.name);
      for (const entity of [NamespaceEntity, WorkloadEntity, PodEntity, NetworkPolicyEntity]) await em.delete(entity, { clusterId });
      await insertChunked(em, NamespaceEntity, rows);
      await insertChunked(
        em,
        WorkloadEntity,
        inventory.workloads.map((w) => ({ clusterId, namespace: w.namespace, name: w.name, kind: w.kind, labels: w.labels, ports: w.ports, podCount: w.podCount, fromTemplate: !!w.fromTemplate })),
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
        })),
      );
      await insertChunked(
        em,
        NetworkPolicyEntity,
        inventory.policies.map((policy) => ({ clusterId, namespace: policy.metadata.namespace, name: policy.metadata.name, manifest: policy as unknown as Record<string, unknown> })),
      );
      await em.update(ClusterEntity, { id: clusterId }, { inventoryImportedAt: at });
      return { keptInProd };
    });
  }

  async load(clusterId: string): Promise<Inventory> {
    const [namespaces, workloads, pods, policies] = await Promise.all([
      this.db.getRepository(NamespaceEntity).find({ where: { clusterId }, order: { name: 'ASC' } }),
      this.workloads(clusterId),
      this.db.getRepository(PodEntity).find({ where: { clusterId } }),
      this.db.getRepository(NetworkPolicyEntity).find({ where: { clusterId } }),
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
        workload: { kind: p.workloadKind, name: p.workloadName },
        ports: p.ports as InventoryPort[],
        ...(p.synthetic ? { synthetic: true } : {}),
      })),
      policies: policies.sort(byName).map((p) => p.manifest as unknown as NetworkPolicy),
    };
  }

  async workloads(clusterId: string, namespace?: string): Promise<Inventory['workloads']> {
    const rows = await this.db.getRepository(WorkloadEntity).find({ where: namespace === undefined ? { clusterId } : { clusterId, namespace } });
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
    const rows = await this.db.getRepository(NamespaceEntity).find({ where: { clusterId }, order: { name: 'ASC' } });
    return rows.map((n) => ({ name: n.name, labels: n.labels, labelTier: n.labelTier as Tier | null, tierOverride: n.tierOverride as Tier | null }));
  }

  async setTierOverride(clusterId: string, namespace: string, tier: Tier | null): Promise<boolean> {
    return ((await this.db.getRepository(NamespaceEntity).update({ clusterId, name: namespace }, { tierOverride: tier })).affected ?? 0) > 0;
  }
}
