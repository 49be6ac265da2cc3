import type { AuditLog } from '@bulkhead/audit';
import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiQuery, ApiTags } from '@nestjs/swagger';
import { identifierSchema } from '@bulkhead/contracts';
import { z } from 'zod';
import { RequireRole } from '../http/auth.guard';
import { check } from '../http/body';
import { AUDIT_LOG } from '../stores.providers';

const querySchema = z.strictObject({
  clusterId: z.uuid().optional(),
  actor: identifierSchema(200).optional(),
  action: identifierSchema(200).optional(),
  q: z.string().max(200).optional(),
  before: z.string().regex(/^\d+$/, 'must be an audit entry id').optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/v1/audit')
export class AuditController {
  constructor(@Inject(AUDIT_LOG) private readonly audit: AuditLog) {}

  /** Newest first. `action` matches exactly, or a prefix ending in "." (`edge.`); `q` searches targets and details; page with `before`. */
  @Get()
  @RequireRole('viewer')
  @ApiQuery({ name: 'clusterId', required: false })
  @ApiQuery({ name: 'actor', required: false })
  @ApiQuery({ name: 'action', required: false })
  @ApiQuery({ name: 'q', required: false })
  @ApiQuery({ name: 'before', required: false })
  @ApiQuery({ name: 'limit', required: false })
  async list(@Query() query: Record<string, unknown>) {
    const q = check(querySchema, query, 'query');
    const entries = await this.audit.query({ clusterId: q.clusterId, actor: q.actor, action: q.action, text: q.q, beforeId: q.before, limit: q.limit });
    return entries.map((e) => ({ ...e, at: e.at.toISOString() }));
  }

  /**
   * Walks the hash chain from the first entry: `{ ok, checked }`, or where it first breaks and why
   * (`firstBrokenAt` is a position). Reads the whole log, so it is for approvers and admins.
   */
  @Get('verify')
  @RequireRole('approver')
  verify() {
    return this.audit.verify();
  }
}
