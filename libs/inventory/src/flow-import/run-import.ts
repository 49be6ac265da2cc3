import { type FlowImportProgress, type JobOutcome, printable } from '@bulkhead/contracts';
import {
  type BlockedAttempt,
  createFlowReader,
  EdgeAggregator,
  type DependencyEdge,
  type FlowReader,
  type FlowRecord,
} from '@bulkhead/flows';
import type { ClusterStore } from '../clusters/cluster-store.port';
import type { InventoryStore } from '../snapshot/inventory-store.port';
import type { BlockedContribution, EdgeContribution, FlowImportStore, JobQueue, UploadFiles } from './flow-import.ports';
import { importWarnings, mayBeAttributedLater } from './import-warnings';

/** How many unattributed flows a cluster keeps, waiting for its inventory to change, across all its imports. */
export const MAX_KEPT_UNATTRIBUTED_FLOWS = 50_000;

export interface RunImportDeps {
  imports: FlowImportStore;
  inventory: InventoryStore;
  /** Tells whether the inventory changed while an import ran. */
  clusters: Pick<ClusterStore, 'dataVersion'>;
  /** Queues the attribution of kept flows when the inventory changed meanwhile. */
  queue: JobQueue;
  files: UploadFiles;
  clock: () => Date;
  /** How often progress is written while an import runs. */
  progressEveryMs?: number;
  /** How many unattributed flows a cluster keeps: MAX_KEPT_UNATTRIBUTED_FLOWS unless given (a spec gives a small one). */
  keepUnattributedAtMost?: number;
}

function progressOf(totalBytes: number, bytesRead: number, reader: FlowReader, aggregator: EdgeAggregator): FlowImportProgress {
  const r = reader.stats();
  const a = aggregator.stats();
  const skippedByReason: Record<string, number> = {};
  for (const [reason, skip] of Object.entries(r.skippedByReason)) if (skip) skippedByReason[reason] = skip.count;
  for (const [reason, n] of Object.entries(a.unattributedByReason)) skippedByReason[`unattributed ${reason}`] = n;
  if (a.refused) skippedByReason['refused (dropped, denied or error): kept as blocked attempts'] = a.refused;
  if (r.lostEvents) skippedByReason['lost by the source (Hubble lost_events)'] = r.lostEvents;
  return {
    bytesRead,
    totalBytes,
    linesRead: r.lines,
    flowsParsed: r.records,
    flowsAttributed: a.attributed,
    flowsSkipped: r.skipped + a.unattributed + a.refused,
    skippedByReason,
    edges: a.edges,
  };
}

/** What one edge of an aggregation adds to the dependency map. */
export function edgeContribution(edge: DependencyEdge): EdgeContribution {
  return {
    srcKey: edge.src.key,
    dstKey: edge.dst.key,
    port: edge.port ?? 0,
    protocol: edge.protocol,
    connections: edge.connections,
    firstSeen: edge.firstSeen ? new Date(edge.firstSeen) : null,
    lastSeen: edge.lastSeen ? new Date(edge.lastSeen) : null,
    verdicts: Object.entries(edge.verdicts)
      .filter(([, n]) => n > 0)
      .map(([verdict]) => verdict)
      .sort(),
    addresses: [...edge.dstAddresses],
    origin: edge.declared ? 'declared' : 'observed',
  };
}

/** What one refused attempt of an aggregation adds to the cluster's blocked attempts. */
export function blockedContribution(attempt: BlockedAttempt): BlockedContribution {
  return {
    srcKey: attempt.src.key,
    dstKey: attempt.dst.key,
    port: attempt.port ?? 0,
    protocol: attempt.protocol,
    attempts: attempt.attempts,
    firstSeen: attempt.firstSeen ? new Date(attempt.firstSeen) : null,
    lastSeen: attempt.lastSeen ? new Date(attempt.lastSeen) : null,
    reasons: [...attempt.reasons],
  };
}

/**
 * Streams an uploaded flow file through the parser and the aggregator into dependency edges. The
 * file is read in chunks and never held whole; edges are written in one transaction at the end, so a
 * failed or interrupted import leaves nothing behind and a re-run starts clean. A replay of a finished
 * import is skipped.
 *
 * A file that cannot be read (unknown format, nothing parseable, a damaged gzip, random bytes) fails
 * the import at once with the reason. Trouble with the store is thrown, so the job is retried; when
 * the job gives up, failFlowImport marks the import failed.
 */
export async function runFlowImport(deps: RunImportDeps, importId: string): Promise<JobOutcome> {
  const record = await deps.imports.claim(importId, deps.clock());
  if (!record) return { status: 'skipped', detail: 'the import has already finished' };
  const every = deps.progressEveryMs ?? 500;
  const keepAtMost = deps.keepUnattributedAtMost ?? MAX_KEPT_UNATTRIBUTED_FLOWS;
  const inventoryVersion = await deps.clusters.dataVersion(record.clusterId, 'cluster');
  const inventory = await deps.inventory.load(record.clusterId);
  const unattributed: FlowRecord[] = [];
  let keepable = 0;
  const aggregator = new EdgeAggregator(inventory, {
    onUnattributed: (flow, reason) => {
      if (!mayBeAttributedLater(reason)) return;
      keepable++;
      if (unattributed.length < keepAtMost) unattributed.push(flow);
    },
  });
  const reader = createFlowReader({ onRecord: (r) => aggregator.add(r) });
  let bytesRead = 0;
  const progress = () => progressOf(record.sizeBytes, bytesRead, reader, aggregator);

  if (!record.storagePath) {
    await deps.imports.fail(importId, 'the uploaded file is gone; upload it again', progress(), deps.clock());
    return { status: 'done', detail: 'failed: upload missing' };
  }
  let storeError: unknown;
  try {
    let lastWrite = deps.clock().getTime();
    for await (const chunk of deps.files.read(record.storagePath, (n) => (bytesRead += n))) {
      reader.feed(chunk);
      const now = deps.clock().getTime();
      if (now - lastWrite >= every) {
        lastWrite = now;
        await deps.imports.saveProgress(importId, progress(), reader.format ?? null).catch((error: unknown) => {
          storeError = error;
          throw error;
        });
      }
    }
    reader.end();
  } catch (error) {
    if (error === storeError) throw error; // infrastructure trouble: the job is retried and starts over
    const reason = printable(error instanceof Error ? error.message : String(error));
    await deps.imports.fail(importId, reason, progress(), deps.clock());
    await deps.files.remove(record.storagePath);
    return { status: 'done', detail: `failed: ${reason}` };
  }
  const finalProgress = progress();
  const { kept } = await deps.imports.complete(
    importId,
    {
      format: reader.format ?? 'unknown',
      progress: finalProgress,
      edges: aggregator.edges().map(edgeContribution),
      blocked: aggregator.blockedAttempts().map(blockedContribution),
      warnings: importWarnings(finalProgress, inventory.pods.length === 0 && inventory.workloads.length === 0, keepable > 0),
      unattributed,
      mayBeAttributedLater: keepable,
      keepAtMost,
    },
    deps.clock(),
  );
  // An inventory that changed while the file was read was attributed against before these flows were kept.
  if (kept > 0 && (await deps.clusters.dataVersion(record.clusterId, 'cluster')) !== inventoryVersion)
    await deps.queue.enqueue('flow-import.reattribute', { v: 1, clusterId: record.clusterId });
  await deps.files.remove(record.storagePath);
  return kept > 0 ? { status: 'done', detail: `${kept} unattributed flows kept` } : { status: 'done' };
}

/**
 * Marks an import failed once its job has given up (every attempt used, or a payload no attempt can
 * handle), so that no import stays `running` with nobody working on it. A finished import stays as it is.
 */
export async function failFlowImport(
  deps: Pick<RunImportDeps, 'imports' | 'files' | 'clock'>,
  importId: string,
  reason: string,
): Promise<void> {
  const record = await deps.imports.get(importId);
  if (!record || record.status === 'succeeded' || record.status === 'failed') return;
  await deps.imports.fail(importId, printable(`the import gave up: ${reason}`), record.progress, deps.clock());
  if (record.storagePath) await deps.files.remove(record.storagePath);
}
