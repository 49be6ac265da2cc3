import type { InventoryPod } from '../snapshot/inventory';
import type { Cluster, Endpoint, Traffic, TrafficVerdict } from '../evaluation/types';
import { indexCluster } from './cluster-index';
import { probeEvaluator } from './probe';
import { type PodMatrix, type PortSpec, type WorkloadMatrix, matrixBuilder } from './reachability';

export type { PodMatrix, PortSpec, WorkloadCell, WorkloadMatrix, WorkloadRef } from './reachability';

export interface Engine {
  /** Fast single-connection evaluation, with the same verdict and explanation as the plain evaluator. */
  evaluate(traffic: Traffic): TrafficVerdict;
  /** Pod-level reachability per port, through the pods' equivalence classes. */
  podMatrix(ports: PortSpec[]): PodMatrix;
  /** Workload-level reachability per port: allowed, denied, or partial when only some pod pairs are allowed. */
  workloadMatrix(ports: PortSpec[]): WorkloadMatrix;
  matrix(ports: PortSpec[]): { pods: PodMatrix; workloads: WorkloadMatrix };
  /** The pod an endpoint designates (a pod, or an IP that belongs to one), or undefined when outside the cluster. */
  podOf(endpoint: Endpoint): InventoryPod | undefined;
  readonly stats: { pods: number; classes: number; peers: number; policies: number };
}

/**
 * Indexes a cluster once (see indexCluster) and answers single probes and whole matrices from the index.
 * Assumes valid policies (see assertValidPolicies); agrees with PlainEvaluator on every pair.
 */
export function buildEngine(cluster: Cluster): Engine {
  const index = indexCluster(cluster);
  const probes = probeEvaluator(index);
  const matrices = matrixBuilder(index);
  return {
    evaluate: probes.evaluate,
    podOf: probes.podOf,
    podMatrix: matrices.podMatrix,
    workloadMatrix: (ports) => matrices.workloadMatrixFrom(matrices.podMatrix(ports)),
    matrix: (ports) => {
      const pods = matrices.podMatrix(ports);
      return { pods, workloads: matrices.workloadMatrixFrom(pods) };
    },
    stats: { pods: index.pods.length, classes: index.classCount, peers: index.peers.length, policies: index.policies.length },
  };
}
