import { AppError, type ErrorBody, type FieldProblem, joinPath, problemsSentence, type RouteContract, routes } from '@bulkhead/contracts';
import { type ArgumentsHost, Catch, type ExceptionFilter, HttpException } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Response } from 'express';
import type { Logger } from '@bulkhead/platform';
import { httpStatusOf } from './error-statuses';
import { RefusalAudit } from './refusal-audit';
import { RequestError } from './request-error';
import type { BulkheadRequest } from './request-context';

const ROUTE_BY_PATH = new Map<string, RouteContract>(Object.values(routes).map((route) => [`${route.method} ${route.path}`, route]));

/**
 * The part of a request that carries the input a route hands to its use case: the body when the route
 * reads one, else the query, else the path. A module names fields of that input (`password`), the
 * answer names them in the request (`body.password`).
 */
export function inputPartOf(req: Pick<BulkheadRequest, 'method' | 'route'>): 'body' | 'query' | 'params' {
  const route = ROUTE_BY_PATH.get(`${req.method} ${String(req.route?.path)}`);
  if (!route || route.body || route.rawBody) return 'body';
  return route.query ? 'query' : 'params';
}

/**
 * The path parameter of a request whose percent-encoding does not decode (`%ff`, `%zz`): Express
 * refuses such a path before any route sees it, naming only the raw text. Found by laying the path
 * over the routes of the contract with its method and as many segments.
 */
export function undecodableParam(req: Pick<BulkheadRequest, 'method' | 'path'>): string | undefined {
  const segments = req.path.split('/');
  for (const route of ROUTE_BY_PATH.values()) {
    const pattern = route.path.split('/');
    if (route.method !== req.method || pattern.length !== segments.length) continue;
    if (!pattern.every((part, i) => part.startsWith(':') || part === segments[i])) continue;
    const index = pattern.findIndex((part, i) => part.startsWith(':') && !decodes(segments[i] ?? ''));
    if (index >= 0) return pattern[index]?.slice(1);
  }
  return undefined;
}

function decodes(segment: string): boolean {
  try {
    decodeURIComponent(segment);
    return true;
  } catch {
    return false;
  }
}

/**
 * The one place where errors become HTTP answers. An AppError keeps its code, gets its status from
 * the table (error-statuses.ts) and its fields under the part of the request they came in; anything
 * else, an AppError whose code has no row included, is a 500 that carries an error id, logged with its
 * stack under that id. Refused changes (401, 403, 429) go to the audit log.
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
    if (exception instanceof AppError && exception.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(exception.retryAfterSeconds));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, req: BulkheadRequest): ErrorBody {
    const requestId = req?.requestId;
    const status = exception instanceof AppError ? httpStatusOf(exception.code) : undefined;
    if (exception instanceof AppError && status !== undefined) {
      const part = exception instanceof RequestError ? '' : inputPartOf(req);
      const problems: FieldProblem[] = exception.problems.map((p) => ({ field: joinPath(part, p.field), reason: p.reason }));
      return {
        statusCode: status,
        code: exception.code,
        message: exception.listsProblems ? problemsSentence(problems) : exception.message,
        ...(problems.length ? { problems } : {}),
        requestId,
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const param = status === 400 && req ? undecodableParam(req) : undefined;
      if (param !== undefined)
        return this.toBody(
          new RequestError('request.invalid_params', [{ field: `params.${param}`, reason: 'is not valid percent-encoded UTF-8' }]),
          req,
        );
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
