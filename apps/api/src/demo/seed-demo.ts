import { demoCluster, demoWindowStart } from '@bulkhead/demo';
import { SimulatedDriver, type SqlClient } from '@bulkhead/cluster';
import {
  type ClusterDeps,
  createCluster,
  createFlowSource,
  type FlowSourceDeps,
  importSnapshot,
  type InventoryDeps,
  InventoryError,
  requestFlowImport,
  type RequestImportDeps,
} from '@bulkhead/inventory';
import type { Logger, UploadStorage } from '@bulkhead/platform';
import { Readable } from 'node:stream';

/**
 * Seeds the demo cluster on first start: a flat, simulated cluster of a few dozen namespaces where a
 * dev pod reaches the production database, its inventory, and a week of Hubble flows queued for import.
 * With `liveSources`, the cluster also gets a simulated flow source, `live`, so that the workers
 * collect its traffic from now on and the map grows live. Does nothing when a cluster of that name exists already.
 */
export async function seedDemo(
  deps: InventoryDeps & RequestImportDeps & ClusterDeps,
  db: SqlClient,
  uploads: UploadStorage,
  now: Date,
  logger: Logger,
  liveSources?: FlowSourceDeps,
): Promise<string | null> {
  const demo = demoCluster({ start: demoWindowStart(now) });
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
  if (liveSources) await createFlowSource(liveSources, clusterId, { name: 'live', kind: 'simulated', enabled: true });
  logger.info('demo cluster seeded', { cluster: demo.name, clusterId, flows: demo.hubbleFlows.length, live: Boolean(liveSources) });
  return clusterId;
}
