import { demoCluster } from '@bulkhead/demo';
import { SimulatedDriver, type SqlClient } from '@bulkhead/cluster';
import {
  type ClusterDeps,
  createCluster,
  importSnapshot,
  type InventoryDeps,
  InventoryError,
  requestFlowImport,
  type RequestImportDeps,
} from '@bulkhead/inventory';
import type { Logger, UploadStorage } from '@bulkhead/platform';
import { Readable } from 'node:stream';

const DAY_MS = 24 * 3600 * 1000;

/**
 * Seeds the demo cluster on first start: a flat, simulated cluster of a few dozen namespaces where a
 * dev pod reaches the production database, its inventory, and a week of Hubble flows queued for import.
 * Does nothing when a cluster of that name exists already.
 */
export async function seedDemo(
  deps: InventoryDeps & RequestImportDeps & ClusterDeps,
  db: SqlClient,
  uploads: UploadStorage,
  now: Date,
  logger: Logger,
): Promise<string | null> {
  const start = new Date(Math.floor(now.getTime() / DAY_MS) * DAY_MS - 7 * DAY_MS);
  const demo = demoCluster({ start });
  if (await deps.clusters.findByName(demo.name)) return null;
  let clusterId: string;
  try {
    clusterId = (
      await createCluster(
        deps,
        {
          name: demo.name,
          cni: demo.cni,
          driver: 'simulated',
          delivery: { kind: 'direct' },
          description: 'Demo: a flat network with no NetworkPolicy, where a dev pod can reach the production database.',
        },
        { role: 'admin' },
      )
    ).id;
  } catch (error) {
    if (error instanceof InventoryError && error.code === 'cluster.name_taken') return null; // another replica seeded it
    throw error;
  }
  await importSnapshot(deps, clusterId, JSON.stringify(demo.snapshot), now);
  // The simulated cluster carries the traffic the flows never showed, so that a rollout can trip on it.
  await new SimulatedDriver(db, clusterId).setFaults({ hiddenDependencies: demo.hiddenDependencies });
  const stored = await uploads.receive(Readable.from(demo.hubbleFlows.map((line) => `${line}\n`)), Number.MAX_SAFE_INTEGER);
  await requestFlowImport(deps, {
    clusterId,
    ...stored,
    storagePath: stored.path,
    fileName: 'demo-hubble-flows.jsonl',
    createdBy: 'system:demo',
  });
  logger.info('demo cluster seeded', { cluster: demo.name, clusterId, flows: demo.hubbleFlows.length });
  return clusterId;
}
