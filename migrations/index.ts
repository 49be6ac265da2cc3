import { InventoryAndDependencyMap1764320000000 } from './1764320000000-inventory-and-dependency-map';
import { UsersAndSessions1764330000000 } from './1764330000000-users-and-sessions';
import { SimulatedClusters1764340000000 } from './1764340000000-simulated-clusters';
import { AuditLog1764350000000 } from './1764350000000-audit-log';
import { ClusterConnections1764360000000 } from './1764360000000-cluster-connections';
import { EdgeAddresses1764365000000 } from './1764365000000-edge-addresses';
import { PlansAndRollouts1764370000000 } from './1764370000000-plans-and-rollouts';
import { DriftChecks1764380000000 } from './1764380000000-drift-checks';
import { RolloutStepsAsRows1764390000000 } from './1764390000000-rollout-steps-as-rows';
import { SimulatedObjectsVersion1764395000000 } from './1764395000000-simulated-objects-version';
import { NamespaceLockFunctions1764400000000 } from './1764400000000-namespace-lock-functions';
import { TokenOwnersAndExpiry1764410000000 } from './1764410000000-token-owners-and-expiry';
import { AuditLogRefusesTruncate1764410600000 } from './1764410600000-audit-log-refuses-truncate';
import { AuditLogHashChain1764410700000 } from './1764410700000-audit-log-hash-chain';
import { AuditSinkCursors1764410800000 } from './1764410800000-audit-sink-cursors';
import { InstallIdentity1764412000000 } from './1764412000000-install-identity';
import { ClusterSyncRequests1764413000000 } from './1764413000000-cluster-sync-requests';
import { ApprovalsByTier1764415000000 } from './1764415000000-approvals-by-tier';
import { FlakyProbesByAttempt1764416000000 } from './1764416000000-flaky-probes-by-attempt';
import { NamespaceTierFloors1764417000000 } from './1764417000000-namespace-tier-floors';
import { ClusterDataVersions1764418000000 } from './1764418000000-cluster-data-versions';
import { NodesAndBlockedAttempts1764420000000 } from './1764420000000-nodes-and-blocked-attempts';
import { DeclaredEdges1764421000000 } from './1764421000000-declared-edges';
import { Webhooks1764422000000 } from './1764422000000-webhooks';
import { FlowSources1764424000000 } from './1764424000000-flow-sources';
import { ListPageIndexes1764425000000 } from './1764425000000-list-page-indexes';
import { StalledRolloutNotifications1764431000000 } from './1764431000000-stalled-rollout-notifications';
import { PlanClusterLayer1764432400000 } from './1764432400000-plan-cluster-layer';
import { ClusterPolicies1764432450000 } from './1764432450000-cluster-policies';
import { UnattributedFlows1764426000000 } from './1764426000000-unattributed-flows';
import { GoldmaneBuckets1764430000000 } from './1764430000000-goldmane-buckets';
import { DriftFindingsAndActions1764432300000 } from './1764432300000-drift-findings-and-actions';
import { SimulatedFlowSources1764432500000 } from './1764432500000-simulated-flow-sources';
import { ClusterDelivery1764432600000 } from './1764432600000-cluster-delivery';
import { RolloutsWaitingCoverage1764433300000 } from './1764433300000-rollouts-waiting-coverage';

/** Every migration, oldest first. A new migration file is added here too. */
export const migrations = [
  InventoryAndDependencyMap1764320000000,
  UsersAndSessions1764330000000,
  SimulatedClusters1764340000000,
  AuditLog1764350000000,
  ClusterConnections1764360000000,
  EdgeAddresses1764365000000,
  PlansAndRollouts1764370000000,
  DriftChecks1764380000000,
  RolloutStepsAsRows1764390000000,
  SimulatedObjectsVersion1764395000000,
  NamespaceLockFunctions1764400000000,
  TokenOwnersAndExpiry1764410000000,
  AuditLogRefusesTruncate1764410600000,
  AuditLogHashChain1764410700000,
  AuditSinkCursors1764410800000,
  InstallIdentity1764412000000,
  ClusterSyncRequests1764413000000,
  ApprovalsByTier1764415000000,
  FlakyProbesByAttempt1764416000000,
  NamespaceTierFloors1764417000000,
  ClusterDataVersions1764418000000,
  NodesAndBlockedAttempts1764420000000,
  DeclaredEdges1764421000000,
  Webhooks1764422000000,
  FlowSources1764424000000,
  ListPageIndexes1764425000000,
  UnattributedFlows1764426000000,
  GoldmaneBuckets1764430000000,
  StalledRolloutNotifications1764431000000,
  DriftFindingsAndActions1764432300000,
  PlanClusterLayer1764432400000,
  ClusterPolicies1764432450000,
  SimulatedFlowSources1764432500000,
  ClusterDelivery1764432600000,
  RolloutsWaitingCoverage1764433300000,
];
