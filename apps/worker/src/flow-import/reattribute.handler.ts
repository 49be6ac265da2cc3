import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import { reattributeKeptFlows, type ReattributeDeps } from '@bulkhead/inventory';
import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler';

const payload = z.strictObject({ v: z.literal(1), clusterId: z.uuid() });

/** After an inventory change: attributes again the flows the cluster's imports kept unattributed. */
export class ReattributeFlowsHandler implements JobHandler<'flow-import.reattribute'> {
  readonly name = 'flow-import.reattribute';

  constructor(private readonly deps: ReattributeDeps & { clusterExists(clusterId: string): Promise<boolean> }) {}

  parse = (data: unknown): JobPayloads['flow-import.reattribute'] => payload.parse(data);

  isInThisDatabase(p: JobPayloads['flow-import.reattribute']): Promise<boolean> {
    return this.deps.clusterExists(p.clusterId);
  }

  handle(p: JobPayloads['flow-import.reattribute']): Promise<JobOutcome> {
    return reattributeKeptFlows(this.deps, p.clusterId);
  }
}
