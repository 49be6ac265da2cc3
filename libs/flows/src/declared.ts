// Declared dependencies (Otterize ClientIntents, advised NetworkPolicies) as records: a source's
// statement that one workload needs another, with no time, no connection and no verdict of its own.
import type { FlowEndpoint, FlowRecord } from './model';

/** A port a declaration names. */
export interface DeclaredPort {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP' | 'SCTP';
}

/** A declared record; without a port, the edge takes the ports the destination serves (`portFromInventory`). */
export function declaredRecord(
  format: FlowRecord['format'],
  line: number,
  src: FlowEndpoint,
  dst: FlowEndpoint,
  reporter: FlowRecord['reporter'],
  port: DeclaredPort | undefined,
): FlowRecord {
  return {
    format,
    line,
    time: undefined,
    timeMs: undefined,
    endTimeMs: undefined,
    src,
    dst,
    srcPort: undefined,
    dstPort: port?.port,
    protocol: port?.protocol ?? 'TCP',
    icmpType: undefined,
    verdict: 'unknown',
    verdictReason: undefined,
    reporter,
    observationPoint: undefined,
    node: undefined,
    flipped: false,
    directionBasis: 'connection-oriented',
    directionConfidence: 'high',
    newConnection: false,
    connections: 0,
    l7: undefined,
    declared: true,
    portFromInventory: port === undefined ? true : undefined,
  };
}
