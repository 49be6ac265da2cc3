import { AppError, type Cni } from '@bulkhead/contracts';
import type { ClusterCounts, ClusterRecord, ClusterStore } from '@bulkhead/inventory';
import { type DataSource, QueryFailedError } from 'typeorm';
import { ClusterEntity } from '../entities/cluster.entity';

const toRecord = (e: ClusterEntity): ClusterRecord => ({
  id: e.id,
  name: e.name,
  cni: e.cni as Cni,
  description: e.description,
  inventoryImportedAt: e.inventoryImportedAt,
  createdAt: e.createdAt,
});

export const isUniqueViolation = (error: unknown, constraint?: string): boolean =>
  error instanceof QueryFailedError &&
  (error.driverError as { code?: string }).code === '23505' &&
  (!constraint || (error.driverError as { constraint?: string }).constraint === constraint);

export class TypeOrmClusterStore implements ClusterStore {
  constructor(private readonly db: DataSource) {}

  private get repo() {
    return this.db.getRepository(ClusterEntity);
  }

  async create(input: { name: string; cni: Cni; description?: string }): Promise<ClusterRecord> {
    try {
      return toRecord(await this.repo.save(this.repo.create({ ...input, description: input.description ?? null, inventoryImportedAt: null })));
    } catch (error) {
      if (isUniqueViolation(error, 'uq_clusters_name')) {
        throw new AppError('conflict', 'cluster.name_taken', `a cluster named "${input.name}" already exists`, [{ field: 'name', reason: 'is already taken' }]);
      }
      throw error;
    }
  }

  async get(id: string): Promise<ClusterRecord | null> {
    const e = await this.repo.findOneBy({ id });
    return e && toRecord(e);
  }

  async findByName(name: string): Promise<ClusterRecord | null> {
    const e = await this.repo.findOneBy({ name });
    return e && toRecord(e);
  }

  async list(): Promise<ClusterRecord[]> {
    return (await this.repo.find({ order: { name: 'ASC' } })).map(toRecord);
  }

  async update(id: string, patch: { cni?: Cni; description?: string }): Promise<ClusterRecord | null> {
    const e = await this.repo.findOneBy({ id });
    if (!e) return null;
    if (patch.cni !== undefined) e.cni = patch.cni;
    if (patch.description !== undefined) e.description = patch.description;
    return toRecord(await this.repo.save(e));
  }

  async delete(id: string): Promise<boolean> {
    return ((await this.repo.delete({ id })).affected ?? 0) > 0;
  }

  async counts(ids: string[]): Promise<Map<string, ClusterCounts>> {
    const result = new Map<string, ClusterCounts>();
    if (ids.length === 0) return result;
    const rows: Array<Record<string, string>> = await this.db.query(
      `SELECT c.id,
         (SELECT count(*) FROM namespaces n WHERE n.cluster_id = c.id) AS namespaces,
         (SELECT count(*) FROM workloads w WHERE w.cluster_id = c.id) AS workloads,
         (SELECT count(*) FROM pods p WHERE p.cluster_id = c.id) AS pods,
         (SELECT count(*) FROM network_policies np WHERE np.cluster_id = c.id) AS policies,
         (SELECT count(*) FROM edges e WHERE e.cluster_id = c.id) AS edges
       FROM clusters c WHERE c.id = ANY($1)`,
      [ids],
    );
    for (const r of rows) {
      result.set(r.id, { namespaces: +r.namespaces, workloads: +r.workloads, pods: +r.pods, policies: +r.policies, edges: +r.edges });
    }
    return result;
  }
}
