import type { AuditEntry, AuditLog } from '@bulkhead/audit';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { from, type Observable, switchMap } from 'rxjs';
import { AUDIT_LOG } from '../stores.providers';
import { type BulkheadRequest, callerName } from './request-context';

const AUDITED = 'bulkhead:audited';

type Describe = (req: BulkheadRequest, result: unknown) => Partial<AuditEntry>;

/**
 * Marks a route as an action for the audit log. The entry is written once the action succeeded,
 * naming the caller, the cluster (the `clusterId` route parameter unless `describe` says otherwise)
 * and whatever `describe` adds.
 */
export const Audited = (action: string, describe?: Describe) =>
  applyDecorators(SetMetadata(AUDITED, { action, describe }), UseInterceptors(AuditInterceptor));

@Injectable()
export class AuditInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const meta = this.reflector.get<{ action: string; describe?: Describe }>(AUDITED, context.getHandler());
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    return next.handle().pipe(
      switchMap((result) =>
        from(
          (async () => {
            const extra = meta.describe?.(req, result) ?? {};
            const actor = req.caller ? callerName(req.caller) : String(extra.actor ?? 'anonymous');
            await this.audit.record({
              actor,
              action: meta.action,
              clusterId: (req.params?.clusterId as string | undefined) ?? null,
              ...extra,
              details: { requestId: req.requestId, ...(extra.details ?? {}) },
            });
            return result;
          })(),
        ),
      ),
    );
  }
}
