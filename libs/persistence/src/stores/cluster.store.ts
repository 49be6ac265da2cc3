import { ACTIVE_STATUSES, type ClusterDelivery, type Cni } from '@bulkhead/contracts';
import { type ClusterCounts, type ClusterDataScope, type ClusterRecord, type ClusterStore, InventoryError } from '@bulkhead/inventory';
import { type DataSource, QueryFailedError } from 'typeorm';
import { ClusterEntity } from '../entities/cluster.entity';

const toRecord = (e: ClusterEntity, stored: { hasCredentials: boolean; hasDeliveryCredentials: boolean }): ClusterRecord => ({
  id: e.id,
  name: e.name,
  cni: e.cni as Cni,
  description: e.description,
  driver: e.driver,
  ...stored,
  delivery: e.delivery,
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

  async create(input: {
    name: string;
    cni: Cni;
    description?: string;
    driver: 'simulated' | 'kubernetes';
    sealedCredentials?: Uint8Array;
    delivery?: ClusterDelivery;
    sealedDeliveryCredentials?: Uint8Array;
  }): Promise<ClusterRecord> {
    const { sealedCredentials, sealedDeliveryCredentials, ...rest } = input;
    try {
      const credentials = sealedCredentials ? Buffer.from(sealedCredentials) : null;
      const deliveryCredentials = sealedDeliveryCredentials ? Buffer.from(sealedDeliveryCredentials) : null;
      const entity = this.repo.create({
        ...rest,
        credentials,
        deliveryCredentials,
        delivery: input.delivery ?? { kind: 'direct' },
        description: input.description ?? null,
        inventoryImportedAt: null,
      });
      return toRecord(await this.repo.save(entity), { hasCredentials: !!credentials, hasDeliveryCredentials: !!deliveryCredentials });
    } catch (error) {
      if (isUniqueViolation(error, 'uq_clusters_name')) {
        throw new InventoryError('cluster.name_taken', `a cluster named "${input.name}" already exists`, {
          problems: [{ field: 'name', reason: 'is already taken' }],
        });
      }
      throw error;
    }
  }

  /** Clusters with a flag for stored credentials; the credentials themselves stay in the database. */
  private async find(where: { id?: string; name?: string }): Promise<ClusterRecord[]> {
    const q = this.repo
      .createQueryBuilder('c')
      .addSelect('c.credentials IS NOT NULL', 'has_credentials')
      .addSelect('c.delivery_credentials IS NOT NULL', 'has_delivery_credentials')
      .orderBy('c.name', 'ASC');
    if (where.id) q.where('c.id = :id', { id: where.id });
    if (where.name) q.where('c.name = :name', { name: where.name });
    const { entities, raw } = await q.getRawAndEntities();
    return entities.map((e, i) =>
      toRecord(e, { hasCredentials: raw[i]?.has_credentials === true, hasDeliveryCredentials: raw[i]?.has_delivery_credentials === true }),
    );
  }

  async get(id: string): Promise<ClusterRecord | null> {
    return (await this.find({ id }))[0] ?? null;
  }

  async findByName(name: string): Promise<ClusterRecord | null> {
    return (await this.find({ name }))[0] ?? null;
  }

  async list(): Promise<ClusterRecord[]> {
    return this.find({});
  }

  async update(
    id: string,
    patch: {
      cni?: Cni;
      description?: string;
      sealedCredentials?: Uint8Array;
      delivery?: ClusterDelivery;
      sealedDeliveryCredentials?: Uint8Array | null;
    },
  ): Promise<ClusterRecord | null> {
    if (!(await this.repo.existsBy({ id }))) return null;
    // The delivery first: it is the change that may be refused, and then nothing else is written.
    if (patch.delivery) await this.changeDelivery(id, patch.delivery, patch.sealedDeliveryCredentials);
    const columns: Partial<ClusterEntity> = {
      ...(patch.cni !== undefined ? { cni: patch.cni } : {}),
      ...(patch.description !== undefined ? { description: patch.description } : {}),
      ...(patch.sealedCredentials ? { credentials: Buffer.from(patch.sealedCredentials) } : {}),
    };
    if (Object.keys(columns).length > 0) await this.repo.update({ id }, columns);
    return this.get(id);
  }

  /** One statement, so that no rollout becomes active between the check and the change (as `delete`). */
  private async changeDelivery(id: string, delivery: ClusterDelivery, sealed: Uint8Array | null | undefined): Promise<void> {
    const [changed] = await this.db.query(
      `WITH changed AS (
         UPDATE clusters SET delivery = $2, delivery_credentials = CASE WHEN $4 THEN delivery_credentials ELSE $3 END
         WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM rollouts WHERE cluster_id = $1 AND status = ANY($5::text[]))
         RETURNING id
       )
       SELECT id FROM changed`,
      [id, JSON.stringify(delivery), sealed ? Buffer.from(sealed) : null, sealed === undefined, ACTIVE_STATUSES],
    );
    if (changed) return;
    const [active] = await this.db.query(`SELECT id FROM rollouts WHERE cluster_id = $1 AND status = ANY($2::text[])`, [
      id,
      ACTIVE_STATUSES,
    ]);
    if (active)
      throw new InventoryError(
        'cluster.rollout_active',
        `rollout ${active.id} is acting on the cluster: its steps are delivered one way from start to end, so change the delivery once it has finished or been aborted`,
      );
  }

  async sealedCredentials(id: string): Promise<Uint8Array | null> {
    return this.sealed(id, 'credentials');
  }

  async sealedDeliveryCredentials(id: string): Promise<Uint8Array | null> {
    return this.sealed(id, 'delivery_credentials');
  }

  private async sealed(id: string, column: 'credentials' | 'delivery_credentials'): Promise<Uint8Array | null> {
    const [row]: Array<{ sealed: Buffer | null }> = await this.db.query(`SELECT ${column} AS sealed FROM clusters WHERE id = $1`, [id]);
    return row?.sealed ?? null;
  }

  async delete(id: string): Promise<boolean> {
    // One statement, so that no rollout becomes active between the check and the delete; a SELECT, so
    // that TypeORM answers the rows deleted.
    const [deleted] = await this.db.query(
      `WITH deleted AS (
         DELETE FROM clusters WHERE id = $1
           AND NOT EXISTS (SELECT 1 FROM rollouts WHERE cluster_id = $1 AND status = ANY($2::text[]))
         RETURNING id
       )
       SELECT id FROM deleted`,
      [id, ACTIVE_STATUSES],
    );
    if (deleted) return true;
    const [active] = await this.db.query(
      `SELECT r.id, c.name FROM rollouts r JOIN clusters c ON c.id = r.cluster_id WHERE r.cluster_id = $1 AND r.status = ANY($2::text[])`,
      [id, ACTIVE_STATUSES],
    );
    if (active)
      throw new InventoryError(
        'cluster.rollout_active',
        `rollout ${active.id} is acting on ${active.name}: abort it or let it finish before removing the cluster`,
      );
    return false;
  }

  async requestSync(id: string): Promise<void> {
    // To the millisecond, so that the time survives its trip through a JavaScript Date (see syncDone).
    await this.db.query(`UPDATE clusters SET sync_requested_at = date_trunc('milliseconds', clock_timestamp()) WHERE id = $1`, [id]);
  }

  async syncRequestedAt(id: string): Promise<Date | null> {
    const [row] = await this.db.query(`SELECT sync_requested_at FROM clusters WHERE id = $1`, [id]);
    return row?.sync_requested_at ?? null;
  }

  async syncDone(id: string, requested?: Date): Promise<void> {
    if (requested)
      await this.db.query(`UPDATE clusters SET sync_requested_at = NULL WHERE id = $1 AND sync_requested_at <= $2`, [id, requested]);
    else await this.db.query(`UPDATE clusters SET sync_requested_at = NULL WHERE id = $1`, [id]);
  }

  async syncsRequested(): Promise<string[]> {
    const rows: Array<{ id: string }> = await this.db.query(
      `SELECT id FROM clusters WHERE sync_requested_at IS NOT NULL ORDER BY sync_requested_at`,
    );
    return rows.map((r) => r.id);
  }

  async dataVersion(id: string, scope: ClusterDataScope): Promise<string | null> {
    // A rollout's version only grows and its steps change only with it; rollouts leave only with their cluster.
    const rows: Array<{ version: string }> = await this.db.query(
      scope === 'cluster'
        ? `SELECT data_version::text AS version FROM clusters WHERE id = $1`
        : `SELECT c.data_version || '/' || count(r.id) || '/' || COALESCE(sum(r.version), 0) AS version
           FROM clusters c LEFT JOIN rollouts r ON r.cluster_id = c.id WHERE c.id = $1 GROUP BY c.data_version`,
      [id],
    );
    return rows[0]?.version ?? null;
  }

  async listVersion(): Promise<string> {
    const [row]: Array<{ version: string | null }> = await this.db.query(
      `SELECT md5(string_agg(id::text || ':' || data_version, ',' ORDER BY id)) AS version FROM clusters`,
    );
    return row?.version ?? 'none';
  }

  async counts(ids: string[]): Promise<Map<string, ClusterCounts>> {
    const result = new Map<string, ClusterCounts>();
    if (ids.length === 0) return result;
    const rows: Array<{ id: string } & Record<keyof ClusterCounts, string>> = await this.db.query(
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
