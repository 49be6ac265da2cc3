import type { JobOutcome } from '@bulkhead/contracts';
import { EdgeAggregator } from '@bulkhead/flows';
import type { Inventory } from '@bulkhead/netpol';
import type { ClusterStore } from '../clusters/cluster-store.port';
import type { InventoryStore } from '../snapshot/inventory-store.port';
import type { FlowImportStore, KeptFlow, Reattribution } from './flow-import.ports';
import { blockedContribution, edgeContribution } from './run-import';

export interface ReattributeDeps {
  imports: FlowImportStore;
  inventory: InventoryStore;
  clusters: Pick<ClusterStore, 'dataVersion'>;
}

/** Passes at most per job: another pass runs only when the inventory changed during the previous one. */
const MAX_PASSES = 3;

/**
 * Attributes again the flows the cluster's imports kept unattributed, against the inventory as it is now
 * (queued after every snapshot upload or sync). Flows attributed now count as evidence of the import they
 * came from; the rest wait for the next change. A replay finds only the flows still waiting, so nothing
 * is counted twice. When the inventory changes while a pass runs, the job makes another pass.
 */
export async function reattributeKeptFlows(deps: ReattributeDeps, clusterId: string): Promise<JobOutcome> {
  let attributed = 0;
  let waiting = 0;
  for (let pass = 0; pass < MAX_PASSES; pass++) {
    let versionSeen: string | null = null;
    const result = await deps.imports.reattribute(clusterId, async (kept) => {
      versionSeen = await deps.clusters.dataVersion(clusterId, 'cluster');
      return kept.length === 0 ? { attributedIds: [], byImport: [] } : attributeKept(await deps.inventory.load(clusterId), kept);
    });
    attributed += result.attributed;
    waiting = result.waiting;
    if (waiting === 0 || (await deps.clusters.dataVersion(clusterId, 'cluster')) === versionSeen) break;
  }
  if (attributed === 0 && waiting === 0) return { status: 'skipped', detail: 'no unattributed flow is waiting' };
  return { status: 'done', detail: `${attributed} flows attributed, ${waiting} still waiting` };
}

/**
 * Kept flows through the aggregator, import by import, so that each import keeps its own evidence. A flow whose
 * two ends are now known is attributed, whether it makes an edge or, refused, a blocked attempt.
 */
export function attributeKept(inventory: Pick<Inventory, 'pods' | 'workloads'>, kept: readonly KeptFlow[]): Reattribution {
  const byImport = new Map<string, KeptFlow[]>();
  for (const flow of kept) {
    const flows = byImport.get(flow.importId) ?? [];
    byImport.set(flow.importId, flows);
    flows.push(flow);
  }
  const result: Reattribution = { attributedIds: [], byImport: [] };
  for (const [importId, flows] of byImport) {
    let unattributed = false;
    const aggregator = new EdgeAggregator(inventory, {
      onUnattributed: () => {
        unattributed = true;
      },
    });
    let count = 0;
    for (const flow of flows) {
      unattributed = false;
      aggregator.add(flow.record);
      if (unattributed) continue;
      result.attributedIds.push(flow.id);
      count++;
    }
    if (count > 0)
      result.byImport.push({
        importId,
        flows: count,
        edges: aggregator.edges().map(edgeContribution),
        blocked: aggregator.blockedAttempts().map(blockedContribution),
      });
  }
  return result;
}
