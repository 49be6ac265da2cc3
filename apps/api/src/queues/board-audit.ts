import type { AuditLog } from '@bulkhead/audit';
import type { Logger } from '@bulkhead/platform';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type BulkheadRequest, callerName, requestPath } from '../http/request-context';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * A change made through the queue board (a job retried, removed, promoted; a queue paused, cleaned)
 * goes into the audit log as `queue.change`, under the admin who made it, with the board's route. The
 * board answers by itself, so the entry is written once its answer says the change succeeded.
 */
export function auditBoardChanges(audit: AuditLog, logger: Logger): RequestHandler {
  return (request: Request, res: Response, next: NextFunction) => {
    const req = request as BulkheadRequest;
    if (!SAFE_METHODS.has(req.method)) {
      res.on('finish', () => {
        if (res.statusCode >= 400 || !req.caller) return;
        const path = requestPath(req);
        audit
          .record({
            actor: callerName(req.caller),
            action: 'queue.change',
            target: path,
            details: { requestId: req.requestId, method: req.method, status: res.statusCode },
          })
          .catch((error: unknown) =>
            logger.warn('a queue board change could not be audited', { requestId: req.requestId, method: req.method, path, error }),
          );
      });
    }
    next();
  };
}
