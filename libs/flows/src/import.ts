// A one-call import of text already in memory (tests, small uploads, previews). Streams still go
// through `createFlowReader` + `EdgeAggregator`; this is the same pipeline over an iterable of chunks.
import { EdgeAggregator, type AggregatorStats, type BlockedAttempt, type DependencyEdge, type EdgeAggregatorOptions } from './aggregate';
import type { InventoryIndex, InventoryIndexInput } from './inventory';
import type { FlowFormat } from './model';
import { createFlowReader, type ReaderStats } from './reader';

export interface FlowImportResult {
  readonly edges: DependencyEdge[];
  readonly blockedAttempts: BlockedAttempt[];
  readonly reader: ReaderStats;
  readonly aggregation: AggregatorStats;
}

/** Read `text` (a string, or chunks of one) and aggregate it into edges against `index`. */
export function importFlowText(
  text: string | Iterable<string>,
  index: InventoryIndex | InventoryIndexInput,
  options: EdgeAggregatorOptions & { format?: FlowFormat | 'auto' } = {},
): FlowImportResult {
  const aggregator = new EdgeAggregator(index, options);
  const reader = createFlowReader({ format: options.format ?? 'auto', onRecord: (r) => aggregator.add(r) });
  if (typeof text === 'string') reader.feed(text);
  else for (const chunk of text) reader.feed(chunk);
  reader.end();
  return {
    edges: aggregator.edges(),
    blockedAttempts: aggregator.blockedAttempts(),
    reader: reader.stats(),
    aggregation: aggregator.stats(),
  };
}
