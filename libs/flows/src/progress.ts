// One flat progress figure set for the import screen, from the reader's and the aggregator's stats.
import type { AggregatorStats } from './aggregate';
import type { FlowFormat } from './model';
import type { ReaderStats } from './reader';

export interface ImportProgress {
  format?: FlowFormat;
  /** Characters read (the Node glue knows the byte count; for ASCII logs they are equal). */
  charsRead: number;
  lines: number;
  /** Records produced by the reader. */
  flowsParsed: number;
  /** Records that landed in an edge. */
  flowsAttributed: number;
  /** Units the reader skipped plus records whose ends could not be attributed. */
  flowsSkipped: number;
  /** Reader reasons as they are (`cilium-health`, `invalid-json`, ...), attribution ones as `unattributed:<side>:<reason>`. */
  skippedByReason: Record<string, number>;
  /** Flows the source itself lost (Hubble `lost_events`). */
  lostEvents: number;
  edges: number;
  connections: number;
}

export function importProgress(reader: ReaderStats, aggregation: AggregatorStats): ImportProgress {
  const skippedByReason: Record<string, number> = {};
  for (const [reason, v] of Object.entries(reader.skippedByReason)) if (v) skippedByReason[reason] = v.count;
  for (const [reason, n] of Object.entries(aggregation.unattributedByReason)) skippedByReason[`unattributed:${reason}`] = n;
  return {
    format: reader.format,
    charsRead: reader.chars,
    lines: reader.lines,
    flowsParsed: reader.records,
    flowsAttributed: aggregation.attributed,
    flowsSkipped: reader.skipped + aggregation.unattributed,
    skippedByReason,
    lostEvents: reader.lostEvents,
    edges: aggregation.edges,
    connections: aggregation.connections,
  };
}
