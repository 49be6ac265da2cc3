import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import { failFlowImport, runFlowImport, type RunImportDeps } from '@bulkhead/inventory';
import { z } from 'zod';
import type { JobHandler } from '../jobs/job-handler';

const payload = z.strictObject({ v: z.literal(1), importId: z.uuid() });

export class FlowImportHandler implements JobHandler<'flow-import.run'> {
  readonly name = 'flow-import.run';

  constructor(private readonly deps: RunImportDeps) {}

  parse(data: unknown): JobPayloads['flow-import.run'] {
    return payload.parse(data);
  }

  async isInThisDatabase(p: JobPayloads['flow-import.run']): Promise<boolean> {
    return (await this.deps.imports.get(p.importId)) !== null;
  }

  handle(p: JobPayloads['flow-import.run']): Promise<JobOutcome> {
    return runFlowImport(this.deps, p.importId);
  }

  gaveUp(p: JobPayloads['flow-import.run'], reason: string): Promise<void> {
    return failFlowImport(this.deps, p.importId, reason);
  }
}
