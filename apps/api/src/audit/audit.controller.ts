import type { AuditLog } from '@bulkhead/audit';
import { type AuditItem, type ChainVerdict, type Page, routes, type RouteInput } from '@bulkhead/contracts';
import { Controller, Inject, Req, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import type { BulkheadRequest } from '../http/request-context';
import { VERSIONED_ANSWERS, type VersionedAnswers } from '../http/versioned-answers';
import type { PageCursors } from '../http/page-cursors';
import { AUDIT_LOG, PAGE_CURSORS } from '../stores.providers';
import { z } from 'zod';

const auditPosition = z.strictObject({ id: z.string().regex(/^\d{1,19}$/) });

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
    @Inject(PAGE_CURSORS) private readonly cursors: PageCursors,
    @Inject(VERSIONED_ANSWERS) private readonly answers: VersionedAnswers,
  ) {}

  /** Newest first, in pages. `action` matches exactly, or a prefix ending in "." (`edge.`); `q` searches targets and details. */
  @Route(routes.listAudit)
  @RequireRole('viewer')
  list(@Input() { query }: RouteInput<typeof routes.listAudit>, @Req() req: BulkheadRequest, @Res() res: Response): Promise<void> {
    return this.answers.send<Page<AuditItem>>(req, res, 'audit-log', async () => {
      const after = this.cursors.read('audit', query.cursor, auditPosition);
      const entries = await this.audit.query(
        {
          clusterId: query.clusterId,
          actor: query.actor,
          action: query.action,
          text: query.q,
          since: query.since === undefined ? undefined : new Date(query.since),
        },
        { after, limit: query.limit },
      );
      return this.cursors.page('audit', { items: entries.items.map((e) => ({ ...e, at: e.at.toISOString() })), next: entries.next });
    });
  }

  /**
   * Walks the hash chain from the first entry: `{ ok, checked }`, or where it first breaks and why
   * (`firstBrokenAt` is a position). Reads the whole log, so it is for approvers and admins.
   */
  @Route(routes.verifyAudit)
  @RequireRole('approver')
  verify(): Promise<ChainVerdict> {
    return this.audit.verify();
  }
}
