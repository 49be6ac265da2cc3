import type { Cni } from '@bulkhead/contracts';

export interface ClusterRecord {
  id: string;
  name: string;
  cni: Cni;
  description: string | null;
  inventoryImportedAt: Date | null;
  createdAt: Date;
}

export interface ClusterCounts {
  namespaces: number;
  workloads: number;
  pods: number;
  policies: number;
  edges: number;
}

export interface ClusterStore {
  /** Fails with AppError conflict `cluster.name_taken` when the name is in use. */
  create(input: { name: string; cni: Cni; description?: string }): Promise<ClusterRecord>;
  get(id: string): Promise<ClusterRecord | null>;
  findByName(name: string): Promise<ClusterRecord | null>;
  list(): Promise<ClusterRecord[]>;
  update(id: string, patch: { cni?: Cni; description?: string }): Promise<ClusterRecord | null>;
  delete(id: string): Promise<boolean>;
  counts(ids: string[]): Promise<Map<string, ClusterCounts>>;
}
