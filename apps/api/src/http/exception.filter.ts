import { AppError, type ErrorBody, httpStatusOf, RetryLaterError } from '@bulkhead/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Logger } from '@bulkhead/platform';
import { RefusalAudit } from './refusal-audit';
import type { BulkheadRequest } from './request-context';

/**
 * The one place where errors become HTTP answers. Known errors keep their code and field problems;
 * anything else is a 500 that carries an error id, logged with its stack under that id. Refused
 * changes (401, 403, 429) go to the audit log.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(
    private readonly logger: Logger,
    private readonly refusals: RefusalAudit,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    this.answer(exception, http.getRequest<BulkheadRequest>(), http.getResponse<Response>());
  }

  /** Also for the Express handlers in front of Nest (see exposure.ts). */
  answer(exception: unknown, req: BulkheadRequest, res: Response): void {
    const body = this.toBody(exception, req);
    if (RefusalAudit.covers(req, body)) this.refusals.record(req, body);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (exception instanceof RetryLaterError) res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: BulkheadRequest): ErrorBody {
    const requestId = req?.requestId;
    if (exception instanceof AppError) {
      return {
        statusCode: httpStatusOf(exception),
        code: exception.code,
        message: exception.message,
        ...(exception.problems.length ? { problems: exception.problems } : {}),
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const response = exception.getResponse();
      const said = typeof response === 'string' ? response : (response as { message?: unknown }).message;
      const message = typeof said === 'string' ? said : Array.isArray(said) ? said.join('; ') : exception.message;
      return { statusCode: status, code: status === 404 ? 'route.not_found' : `http.${status}`, message, requestId };
    }
    const errorId = randomUUID();
    this.logger.error('unhandled error', { errorId, requestId, method: req?.method, path: req?.originalUrl, error: exception });
    return {
      statusCode: 500,
      code: 'internal',
      message: `internal error; quote error id ${errorId} when reporting it`,
      errorId,
      requestId,
    };
  }
}
