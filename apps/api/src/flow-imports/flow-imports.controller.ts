import { AppError, type FlowImportView } from '@bulkhead/contracts';
import { getFlowImport, listFlowImports, requestFlowImport, type RequestImportDeps } from '@bulkhead/inventory';
import { UploadStorage, UploadTooLargeError } from '@bulkhead/platform';
import { Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { join } from 'node:path';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody, incomingBody, UuidPipe } from '../http/body';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { FLOW_IMPORT_DEPS } from '../stores.providers';

@ApiTags('dependency map')
@ApiBearerAuth()
@Controller('api/v1')
export class FlowImportsController {
  private readonly uploads: UploadStorage;

  constructor(
    @Inject(FLOW_IMPORT_DEPS) private readonly deps: RequestImportDeps,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
  ) {
    this.uploads = new UploadStorage(join(runtime.config.dataDir, 'uploads'));
  }

  /**
   * Uploads observed traffic (Hubble JSON, Calico flow logs or an edge list; the format is detected),
   * plain or gzip-compressed, as the raw request body. Answers 202 with the import, whose progress can then be followed; 200
   * when the same content was already imported into this cluster (nothing is counted twice).
   */
  @Post('clusters/:clusterId/flow-imports')
  @Audited('flows.upload', (_req, r) => ({ target: (r as { id: string }).id, details: { fileName: (r as { fileName: string }).fileName, sizeBytes: (r as { sizeBytes: number }).sizeBytes, duplicateOf: (r as { duplicateOf: string | null }).duplicateOf } }))
  @RequireRole('operator')
  @AcceptsBody('stream')
  @ApiConsumes('application/x-ndjson', 'application/json', 'text/plain', 'application/gzip')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiQuery({ name: 'fileName', required: false })
  async upload(@Param('clusterId', UuidPipe) clusterId: string, @Req() req: BulkheadRequest, @Res({ passthrough: true }) res: Response, @Query('fileName') fileName?: string): Promise<FlowImportView> {
    const limit = this.runtime.config.http.maxUploadBytes;
    if (Number(req.headers['content-length'] ?? 0) > limit) throw new AppError('too_large', 'flow_import.too_large', new UploadTooLargeError(limit).message);
    let stored;
    try {
      stored = await this.uploads.receive(incomingBody(req, res, this.runtime.config.http.timeouts.bodyIdleMs), limit);
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw new AppError('too_large', 'flow_import.too_large', error.message);
      throw error;
    }
    try {
      const { view, duplicate } = await requestFlowImport(this.deps, {
        clusterId,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        fileName: typeof fileName === 'string' ? fileName.slice(0, 255) : null,
        storagePath: stored.path,
        createdBy: callerName(req.caller!),
      });
      if (duplicate) await this.uploads.remove(stored.path);
      res.status(duplicate ? 200 : 202);
      return view;
    } catch (error) {
      await this.uploads.remove(stored.path);
      throw error;
    }
  }

  @Get('clusters/:clusterId/flow-imports')
  @RequireRole('viewer')
  list(@Param('clusterId', UuidPipe) clusterId: string): Promise<FlowImportView[]> {
    return listFlowImports(this.deps, clusterId);
  }

  @Get('flow-imports/:importId')
  @RequireRole('viewer')
  get(@Param('importId', UuidPipe) id: string): Promise<FlowImportView> {
    return getFlowImport(this.deps.imports, id);
  }
}
