/**
 * Faults the simulated cluster can be told to show, for tests and demos. They live with the
 * simulated cluster's state in PostgreSQL, so every worker sees the same ones.
 */
export interface SimulatedFaults {
  /** The next `times` applies (to `namespace`, or any) fail with an API error. */
  applyFailures?: Array<{ namespace?: string; times: number; message?: string }>;
  /** While set, probes from or to `namespace` (or every probe) time out instead of answering. */
  probeTimeouts?: Array<{ namespace?: string }>;
  /**
   * The first `failFirstAttempts` tries of every probe fail as if the network dropped a packet; its
   * retries then pass. Decided by the probe's attempt number alone: no state, and a redelivered try
   * answers as it did the first time.
   */
  flakyProbes?: { failFirstAttempts: number };
  /**
   * Real dependencies the dependency map lacks. When a policy blocks one, its client workload breaks:
   * every connection to the client fails, as an application whose own calls fail would answer errors.
   */
  hiddenDependencies?: Array<{ from: string; to: string; port: number; protocol: 'TCP' | 'UDP' | 'SCTP' }>;
}
