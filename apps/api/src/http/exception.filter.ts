import { AppError, type ErrorBody, httpStatusOf } from '@bulkhead/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Logger } from '@bulkhead/platform';
import type { BulkheadRequest } from './request-context';
import { RetryLaterError } from './retry-later';

/**
 * The one place where errors become HTTP answers. Known errors keep their code and field problems;
 * anything else is a 500 that carries an error id, logged with its stack under that id.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<BulkheadRequest>();
    const res = http.getResponse<Response>();
    const body = this.toBody(exception, req);
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
      const message = typeof response === 'string' ? response : String((response as { message?: unknown }).message ?? exception.message);
      return { statusCode: status, code: status === 404 ? 'route.not_found' : `http.${status}`, message, requestId };
    }
    const errorId = randomUUID();
    this.logger.error('unhandled error', { errorId, requestId, method: req?.method, path: req?.originalUrl, error: exception });
    return { statusCode: 500, code: 'internal', message: `internal error; quote error id ${errorId} when reporting it`, errorId, requestId };
  }
}
