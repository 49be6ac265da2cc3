// @bulkhead/netpol: the pure NetworkPolicy engine. Plain data in, plain data out.
export * from './model/types';
export * from './model/errors';
export * from './model/cluster-policy';
export * from './model/node';
export { compileSelector, matchesSelector, selectorKey, isEmptySelector, type LabelMatcher } from './model/selector';
export { parseIp, parseCidr, cidrContains, type IpAddress, type Cidr } from './model/ip';
export { parseSnapshot, parseDocuments, snapshotFromDocuments, NAMESPACE_NAME_LABEL } from './snapshot/parse';
export type {
  Snapshot,
  SnapshotNamespace,
  SnapshotPod,
  SnapshotWorkload,
  SnapshotService,
  SnapshotClusterPolicy,
  OwnerReference,
} from './snapshot/types';
export {
  buildInventory,
  type Inventory,
  type InventoryNamespace,
  type InventoryPod,
  type InventoryPort,
  type InventoryWorkload,
} from './snapshot/inventory';
export { validateNetworkPolicy, assertValidPolicies, formatIssue, type ValidationIssue } from './validation/validate';
export { validateClusterPolicy, assertValidClusterPolicies, formatClusterPolicyIssue } from './validation/validate-cluster-policy';
export { readClusterPolicy } from './snapshot/cluster-policy';
export { isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from './validation/messages';
export { PlainEvaluator, evaluateTraffic } from './evaluation/evaluate';
export {
  explainDirection,
  type Cluster,
  type Endpoint,
  type Traffic,
  type TrafficVerdict,
  type DirectionVerdict,
  type RuleRef,
} from './evaluation/types';
export {
  buildEngine,
  type Engine,
  type PortSpec,
  type PodMatrix,
  type WorkloadMatrix,
  type WorkloadRef,
  type WorkloadCell,
} from './matrix/engine';
export {
  readSimulation,
  simulate,
  simulateInventory,
  type Simulation,
  type SimulateInput,
  type SimulateOutput,
  type SimulateProbe,
  type SimulateResult,
} from './simulate/simulate';
export { simulationAnswerJson } from './simulate/answer-json';
