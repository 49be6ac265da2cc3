import type { JobOutcome, JobPayloads } from '@bulkhead/contracts';
import { runFlowImport, type RunImportDeps } from '@bulkhead/inventory';
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

  async gaveUp(p: JobPayloads['flow-import.run'], error: string): Promise<void> {
    const record = await this.deps.imports.get(p.importId);
    if (record) await this.deps.imports.fail(p.importId, `gave up after repeated failures: ${error}`, record.progress, this.deps.clock());
  }

  handle(p: JobPayloads['flow-import.run']): Promise<JobOutcome> {
    return runFlowImport(this.deps, p.importId);
  }
}
