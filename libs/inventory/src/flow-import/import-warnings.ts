import type { FlowImportProgress, FlowImportWarning } from '@bulkhead/contracts';
import type { UnattributedReason } from '@bulkhead/flows';

/** Unattributed ends an inventory that changes may still attribute: these flows are kept and tried again. */
const CURABLE: ReadonlySet<UnattributedReason> = new Set<UnattributedReason>([
  'pod-not-in-inventory',
  'workload-not-in-inventory',
  'labels-not-in-inventory',
  'ambiguous-labels',
  'ambiguous-ip',
  'ip-not-in-inventory',
  'ports-not-in-inventory',
]);

export const mayBeAttributedLater = (reason: UnattributedReason): boolean => CURABLE.has(reason);

/** Skip reasons (`skippedByReason` keys) that mean a health check: the reader's and the attribution's. */
const HEALTH_CHECK_REASONS = new Set(['cilium-health', 'unattributed src:health-check', 'unattributed dst:health-check']);

/** Skip reasons that mean the flows name pods, workloads or addresses this cluster's inventory does not hold. */
const NOT_THIS_CLUSTER =
  /^unattributed (src|dst):(other-cluster|pod-not-in-inventory|workload-not-in-inventory|labels-not-in-inventory|ip-not-in-inventory)$/;

/**
 * Why an import that attributed nothing did so: the cluster has no inventory yet, the flows are another
 * cluster's (no pod, workload or address of theirs is in the inventory), or the file holds only health
 * checks. An import that attributed anything has no warning.
 */
export function importWarnings(progress: FlowImportProgress, inventoryEmpty: boolean, keepsFlows: boolean): FlowImportWarning[] {
  if (progress.flowsAttributed > 0) return [];
  const reasons = Object.keys(progress.skippedByReason);
  const later = keepsFlows ? ' The flows a later inventory may explain are kept, and attributed again at every snapshot or sync.' : '';
  if (reasons.length > 0 && reasons.every((r) => HEALTH_CHECK_REASONS.has(r))) {
    return [
      {
        code: 'only-health-checks',
        message: 'Nothing was attributed: the file holds only health checks (Cilium health probes), which are no dependency.',
      },
    ];
  }
  if (inventoryEmpty) {
    return [
      {
        code: 'no-inventory',
        message: `Nothing was attributed: the cluster has no inventory yet. Upload a snapshot or sync the cluster.${later}`,
      },
    ];
  }
  const unattributed = reasons.filter((r) => r.startsWith('unattributed '));
  if (unattributed.length > 0 && unattributed.every((r) => NOT_THIS_CLUSTER.test(r))) {
    return [
      {
        code: 'other-cluster',
        message: `Nothing was attributed: no pod, workload or address of these flows is in this cluster's inventory. They may be another cluster's traffic, or the inventory may be out of date.${later}`,
      },
    ];
  }
  const top = Object.entries(progress.skippedByReason).sort((a, b) => b[1] - a[1])[0];
  return [
    {
      code: 'nothing-attributed',
      message: top
        ? `Nothing was attributed: most flows were skipped as ${top[0]} (${top[1]}).${later}`
        : 'Nothing was attributed: the file holds no flow.',
    },
  ];
}
