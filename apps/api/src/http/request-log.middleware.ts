import type { Logger } from '@bulkhead/platform';
import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { httpMetrics } from './metrics';
import { type BulkheadRequest, requestPath } from './request-context';

const REQUEST_ID = /^[A-Za-z0-9._-]{1,100}$/;

/**
 * Gives every request an id (echoed as X-Request-Id, carried by error answers), logs it once finished
 * and counts it. Mounted first, in front of everything the API serves (routes, metrics, docs, the
 * queue board), so that each of them, and each refusal, has its id and its line.
 */
export function logRequests(logger: Logger): RequestHandler {
  return (request: Request, res: Response, next: NextFunction) => {
    const req = request as BulkheadRequest;
    const given = req.headers['x-request-id'];
    req.requestId = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    res.setHeader('X-Request-Id', req.requestId);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      const route = (req.route?.path as string | undefined) ?? 'unmatched';
      httpMetrics.observe(req.method, route, res.statusCode, seconds);
      if (req.originalUrl === '/metrics' || req.originalUrl.startsWith('/healthz')) return;
      logger.info('request', {
        requestId: req.requestId,
        method: req.method,
        path: requestPath(req),
        status: res.statusCode,
        ms: Math.round(seconds * 1000),
        caller: req.caller?.name,
        // The peer's address, or the client's as a trusted proxy reports it (BULKHEAD_TRUST_PROXY).
        client: req.ip,
      });
    });
    next();
  };
}
