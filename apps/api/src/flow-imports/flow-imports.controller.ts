import { type FlowImportView, type Page, routes, type RouteInput } from '@bulkhead/contracts';
import { getFlowImport, listFlowImports, requestFlowImport, type RequestImportDeps } from '@bulkhead/inventory';
import { UploadStorage, UploadTooLargeError } from '@bulkhead/platform';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { join } from 'node:path';
import { Audited } from '../http/audit.interceptor';
import { RequireRole } from '../http/auth.guard';
import { AcceptsBody, incomingBody } from '../http/body';
import { Input, Route } from '../http/contract';
import { type BulkheadRequest, callerName } from '../http/request-context';
import { newestFirstPosition, type PageCursors } from '../http/page-cursors';
import { RequestError } from '../http/request-error';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { FLOW_IMPORT_DEPS, PAGE_CURSORS } from '../stores.providers';

@ApiTags('dependency map')
@ApiBearerAuth()
@Controller()
export class FlowImportsController {
  private readonly uploads: UploadStorage;

  constructor(
    @Inject(FLOW_IMPORT_DEPS) private readonly deps: RequestImportDeps,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
  ) {
    this.uploads = new UploadStorage(join(runtime.config.dataDir, 'uploads'));
  }

  /** Answers 202 with the import, or 200 when the same content was already imported into this cluster (nothing is counted twice). */
  @Route(routes.uploadFlows)
  @Audited('flows.upload', (_req, r) => ({
    target: (r as { id: string }).id,
    details: {
      fileName: (r as { fileName: string }).fileName,
      sizeBytes: (r as { sizeBytes: number }).sizeBytes,
      duplicateOf: (r as { duplicateOf: string | null }).duplicateOf,
    },
  }))
  @RequireRole('operator')
  @AcceptsBody('stream')
  async upload(
    @Input() { params, query }: RouteInput<typeof routes.uploadFlows>,
    @Req() req: BulkheadRequest,
    @Res({ passthrough: true }) res: Response,
  ): Promise<FlowImportView> {
    const limit = this.runtime.config.http.maxUploadBytes;
    if (Number(req.headers['content-length'] ?? 0) > limit)
      throw new RequestError('flow_import.too_large', new UploadTooLargeError(limit).message);
    let stored;
    try {
      stored = await this.uploads.receive(incomingBody(req, res, this.runtime.config.http.timeouts.bodyIdleMs), limit);
    } catch (error) {
      if (error instanceof UploadTooLargeError) throw new RequestError('flow_import.too_large', error.message);
      throw error;
    }
    try {
      const { view, duplicate } = await requestFlowImport(this.deps, {
        clusterId: params.clusterId,
        sha256: stored.sha256,
        sizeBytes: stored.sizeBytes,
        fileName: query.fileName?.slice(0, 255) ?? null,
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

  @Route(routes.listFlowImports)
  @RequireRole('viewer')
  async list(@Input() { params, query }: RouteInput<typeof routes.listFlowImports>): Promise<Page<FlowImportView>> {
    const after = this.cursors.read('flow-imports', query.cursor, newestFirstPosition);
    const page = await listFlowImports(this.deps, params.clusterId, { status: query.status }, { after, limit: query.limit });
    return this.cursors.page('flow-imports', page);
  }

  @Route(routes.getFlowImport)
  @RequireRole('viewer')
  get(@Input() { params }: RouteInput<typeof routes.getFlowImport>): Promise<FlowImportView> {
    return getFlowImport(this.deps.imports, params.importId);
  }
}
