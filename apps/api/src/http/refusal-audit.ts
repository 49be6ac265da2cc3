import type { AuditEntry, AuditLog } from '@bulkhead/audit';
import { type ErrorBody, printable } from '@bulkhead/contracts';
import type { Logger } from '@bulkhead/platform';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { clientAddress } from './client-address';
import { type BulkheadRequest, callerName, requestPath } from './request-context';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const REFUSED_STATUSES = new Set([401, 403, 429]);

/** At most this many refusals per client address are written per window; the rest are counted in one line. */
export const REFUSAL_AUDIT_LIMIT = { entriesPerAddress: 30, windowSeconds: 60 } as const;

const MAX_CLAIMED_LENGTH = 100;

/** Text an attacker chose (a user name tried, a path), for the audit log: printable, and cut to a length a person can read. */
export function auditable(text: string): string {
  return printable(text.slice(0, MAX_CLAIMED_LENGTH));
}

/** The audit action of a refusal: failed sign-ins and throttled ones have their own. */
function actionOf(refusal: ErrorBody): string {
  if (refusal.code === 'auth.bad_credentials') return 'auth.login_failed';
  if (refusal.statusCode === 429) return 'auth.throttled';
  return 'auth.refused';
}

/**
 * Writes every 401, 403 and 429 answer to a change (POST, PUT, PATCH, DELETE) into the audit log,
 * with the caller as far as known. Bounded per client address (REFUSAL_AUDIT_LIMIT), so that a
 * flood of bad requests costs one line per window past the limit, not one line each; failed
 * sign-ins are all written, as the sign-in throttle bounds them. Never delays or fails the answer:
 * a write that fails is logged.
 */
export class RefusalAudit {
  private readonly perAddress: RateLimiterRedis;

  constructor(
    private readonly audit: AuditLog,
    redis: Redis,
    keyPrefix: string,
    private readonly logger: Logger,
  ) {
    this.perAddress = new RateLimiterRedis({
      storeClient: redis,
      keyPrefix: `${keyPrefix}:audit:refusals`,
      points: REFUSAL_AUDIT_LIMIT.entriesPerAddress,
      duration: REFUSAL_AUDIT_LIMIT.windowSeconds,
    });
  }

  /** Whether this answer is a refusal of a change, which the audit log must show. */
  static covers(req: BulkheadRequest, answer: ErrorBody): boolean {
    return WRITE_METHODS.has(req.method) && REFUSED_STATUSES.has(answer.statusCode);
  }

  record(req: BulkheadRequest, refusal: ErrorBody): void {
    this.write(req, refusal).catch((error: unknown) =>
      this.logger.warn('a refusal could not be audited', { requestId: req.requestId, error }),
    );
  }

  private async write(req: BulkheadRequest, refusal: ErrorBody): Promise<void> {
    const address = clientAddress(req);
    const action = actionOf(refusal);
    const entry: AuditEntry = {
      actor: req.caller ? callerName(req.caller) : (req.claimedActor ?? 'anonymous'),
      action,
      details: {
        status: refusal.statusCode,
        code: refusal.code,
        method: req.method,
        path: auditable(requestPath(req)),
        address,
        requestId: req.requestId,
      },
    };
    // Failed sign-ins are bounded already by the sign-in throttle, and each one is evidence: all are written.
    if (action === 'auth.login_failed') return this.audit.record(entry);
    const counted = await this.perAddress.consume(address).catch((rejection: unknown) => {
      if (rejection instanceof RateLimiterRes) return rejection;
      throw rejection;
    });
    if (counted.consumedPoints <= REFUSAL_AUDIT_LIMIT.entriesPerAddress) return this.audit.record(entry);
    // Past the limit, only the first refusal of the window leaves a line, saying that the rest are not written.
    if (counted.consumedPoints === REFUSAL_AUDIT_LIMIT.entriesPerAddress + 1) {
      await this.audit.record({ actor: 'system:api', action: 'audit.refusals_suppressed', details: { address, ...REFUSAL_AUDIT_LIMIT } });
    }
  }
}
