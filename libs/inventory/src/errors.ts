import { AppError } from '@bulkhead/contracts';

export type ClusterErrorCode =
  | 'cluster.not_found'
  | 'cluster.name_taken'
  | 'cluster.invalid_kubeconfig'
  | 'cluster.no_kubeconfig'
  | 'cluster.invalid_delivery'
  | 'cluster.credentials_need_admin'
  | 'cluster.rollout_active';

export type SnapshotErrorCode = 'snapshot.control_characters' | 'snapshot.invalid_policy' | 'snapshot.unreadable';

export type NamespaceErrorCode = 'namespace.not_found' | 'inventory.tier_below_floor';

export type EdgeErrorCode = 'edge.not_found' | 'edge.invalid_endpoint' | 'edge.unknown_endpoint';

export type FlowImportErrorCode = 'flow_import.not_found' | 'flow_import.empty';

export type FlowSourceErrorCode =
  | 'flow_source.not_found'
  | 'flow_source.name_taken'
  | 'flow_source.address_refused'
  /** A setting the source's kind does not have (an address for a simulated source), or a simulated source on a real cluster. */
  | 'flow_source.not_for_kind';

/** What the inventory refuses: clusters, snapshots, namespaces' tiers, declared edges, flow imports, flow sources. */
export type InventoryErrorCode =
  ClusterErrorCode | SnapshotErrorCode | NamespaceErrorCode | EdgeErrorCode | FlowImportErrorCode | FlowSourceErrorCode;

export class InventoryError extends AppError<InventoryErrorCode> {}
