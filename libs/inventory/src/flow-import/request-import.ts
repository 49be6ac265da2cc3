import type { FlowImportProgress, FlowImportView, KeysetPage, NewestFirstPosition, PageRequest } from '@bulkhead/contracts';
import { doesNotExist } from '@bulkhead/contracts';
import type { ClusterStore } from '../clusters/cluster-store.port';
import { requireCluster } from '../clusters/clusters';
import { InventoryError } from '../errors';
import type { FlowImportRecord, FlowImportStore, JobQueue } from './flow-import.ports';

export const emptyProgress = (totalBytes: number): FlowImportProgress => ({
  bytesRead: 0,
  totalBytes,
  linesRead: 0,
  flowsParsed: 0,
  flowsAttributed: 0,
  flowsSkipped: 0,
  skippedByReason: {},
  edges: 0,
});

export function flowImportView(r: FlowImportRecord): FlowImportView {
  return {
    id: r.id,
    clusterId: r.clusterId,
    status: r.status,
    format: r.format,
    fileName: r.fileName,
    sha256: r.sha256,
    sizeBytes: r.sizeBytes,
    progress: r.progress,
    error: r.error,
    warnings: r.warnings,
    unattributed: r.unattributed,
    duplicateOf: r.duplicateOf,
    createdAt: r.createdAt.toISOString(),
    startedAt: r.startedAt?.toISOString() ?? null,
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

export interface RequestImportDeps {
  clusters: ClusterStore;
  imports: FlowImportStore;
  queue: JobQueue;
}

/**
 * Records an uploaded flow file and queues its import. The same content uploaded again to the same
 * cluster becomes a finished duplicate record: nothing is counted twice.
 */
export async function requestFlowImport(
  deps: RequestImportDeps,
  input: { clusterId: string; sha256: string; sizeBytes: number; fileName: string | null; storagePath: string; createdBy: string },
): Promise<{ view: FlowImportView; duplicate: boolean }> {
  await requireCluster(deps.clusters, input.clusterId);
  if (input.sizeBytes === 0) throw new InventoryError('flow_import.empty', [{ field: '', reason: 'is empty: upload a flow log file' }]);
  const record = await deps.imports.create({ ...input, progress: emptyProgress(input.sizeBytes) });
  if (record.duplicateOf) return { view: flowImportView(record), duplicate: true };
  try {
    await deps.queue.enqueue('flow-import.run', { v: 1, importId: record.id });
  } catch (error) {
    // Nothing half-written: an import that could not be queued is closed as failed, not left waiting.
    await deps.imports.fail(record.id, `could not be queued: ${(error as Error).message}`, record.progress, record.createdAt);
    throw error;
  }
  return { view: flowImportView(record), duplicate: false };
}

export async function getFlowImport(imports: FlowImportStore, id: string): Promise<FlowImportView> {
  const record = await imports.get(id);
  if (!record) throw new InventoryError('flow_import.not_found', doesNotExist('flow import', id));
  return flowImportView(record);
}

/** A page of the cluster's imports, newest first. */
export async function listFlowImports(
  deps: { clusters: ClusterStore; imports: FlowImportStore },
  clusterId: string,
  filter: { status?: FlowImportView['status'] },
  page: PageRequest<NewestFirstPosition>,
): Promise<KeysetPage<FlowImportView, NewestFirstPosition>> {
  await requireCluster(deps.clusters, clusterId);
  const found = await deps.imports.page(clusterId, filter, page);
  return { items: found.items.map(flowImportView), next: found.next };
}
