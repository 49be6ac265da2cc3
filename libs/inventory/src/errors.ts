import { AppError } from '@bulkhead/contracts';

export type ClusterErrorCode =
  'cluster.not_found' | 'cluster.name_taken' | 'cluster.invalid_kubeconfig' | 'cluster.no_kubeconfig' | 'cluster.credentials_need_admin';

export type SnapshotErrorCode = 'snapshot.control_characters' | 'snapshot.invalid_policy' | 'snapshot.unreadable';

export type NamespaceErrorCode = 'namespace.not_found' | 'inventory.tier_below_floor';

export type EdgeErrorCode = 'edge.not_found' | 'edge.invalid_endpoint' | 'edge.unknown_endpoint';

export type FlowImportErrorCode = 'flow_import.not_found' | 'flow_import.empty';

/** What the inventory refuses: clusters, snapshots, namespaces' tiers, declared edges, flow imports. */
export type InventoryErrorCode = ClusterErrorCode | SnapshotErrorCode | NamespaceErrorCode | EdgeErrorCode | FlowImportErrorCode;

export class InventoryError extends AppError<InventoryErrorCode> {}
