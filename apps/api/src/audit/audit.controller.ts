import type { AuditLog } from '@bulkhead/audit';
import { type AuditItem, type ChainVerdict, routes, type RouteInput } from '@bulkhead/contracts';
import { Controller, Inject } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '../http/auth.guard';
import { Input, Route } from '../http/contract';
import { AnswerPerVersion } from '../http/versioned-answers';
import { AUDIT_LOG } from '../stores.providers';

@ApiTags('audit')
@ApiBearerAuth()
@Controller()
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly audit: AuditLog) {}

  /** Newest first. `action` matches exactly, or a prefix ending in "." (`edge.`); `q` searches targets and details; page with `before`. */
  @Route(routes.listAudit)
  @RequireRole('viewer')
  @AnswerPerVersion('audit-log')
  async list(@Input() { query }: RouteInput<typeof routes.listAudit>): Promise<AuditItem[]> {
    const entries = await this.audit.query({
      clusterId: query.clusterId,
      actor: query.actor,
      action: query.action,
      text: query.q,
      beforeId: query.before,
      limit: query.limit,
    });
    return entries.map((e) => ({ ...e, at: e.at.toISOString() }));
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
