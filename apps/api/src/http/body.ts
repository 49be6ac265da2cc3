import { controlCharacterProblems } from '@bulkhead/contracts';
import { type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { type Readable, Transform } from 'node:stream';
import { finalize, type Observable } from 'rxjs';
import { DEFAULT_DOCUMENT_LIMITS, DocumentError, parseJson, parseYaml } from '@bulkhead/documents';
import { RUNTIME, type ApiRuntime } from '../runtime';
import { BUFFERED_BODIES } from '../stores.providers';
import type { ByteBudget, ByteReservation } from './byte-budget';
import type { BulkheadRequest } from './request-context';
import { RequestError } from './request-error';

/**
 * What a route reads as its body: `json` (the default: a few MB, or a few KB for a caller without a
 * token), a `snapshot` (a cluster's whole inventory), or a `stream` that the handler reads itself.
 */
export type BodyKind = 'json' | 'snapshot' | 'stream';
const BODY_KIND = 'bulkhead:body';
export const AcceptsBody = (kind: BodyKind) => SetMetadata(BODY_KIND, kind);

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'DELETE', 'OPTIONS']);

/** Whether a route of this method reads a body (see Route, which puts the BodyReader on those routes alone). */
export const methodReadsBody = (method: string): boolean => !WITHOUT_BODY.has(method);

/** How long a client refused for want of memory is asked to wait. */
const BUSY_RETRY_SECONDS = 2;

/**
 * Reads the request body into req.rawBody, once the guard has let the caller in: nobody can make the
 * server hold a body before saying who they are. Bound by Route to the routes whose method carries a
 * body, so that a read costs nothing of it. A body past the route's limit is a 413 (at once when
 * its declared length says so), one that stalls or takes too long is a 408. All the bodies held at once
 * share one budget (BULKHEAD_MAX_BUFFERED_MB): a body that does not fit in what is left is a 503 with
 * Retry-After, at once when its declared length says so; its bytes are given back when the handler is
 * done with it, or when reading it fails.
 */
@Injectable()
export class BodyReader implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(RUNTIME) private readonly runtime: ApiRuntime,
    @Inject(BUFFERED_BODIES) private readonly buffered: ByteBudget,
  ) {}

  async intercept(context: ExecutionContext, next: CallHandler): Promise<Observable<unknown>> {
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const kind = this.reflector.get<BodyKind | undefined>(BODY_KIND, context.getHandler()) ?? 'json';
    if (kind === 'stream') return next.handle();
    const { http } = this.runtime.config;
    const limit = kind === 'snapshot' ? http.maxSnapshotBytes : req.caller ? http.maxBodyBytes : http.maxPublicBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw tooLarge(limit);
    const reservation = this.buffered.reserve(declared);
    if (!reservation) throw memoryBusy();
    try {
      req.rawBody = await receiveBody(req, context.switchToHttp().getResponse<Response>(), limit, reservation, http.timeouts);
    } catch (error) {
      reservation.release();
      throw error;
    }
    req.documentLimits = this.runtime.config.documents;
    return next.handle().pipe(finalize(() => reservation.release()));
  }
}

/**
 * Reads a body within its limit and time, in the bytes its reservation holds. With its length declared
 * (the HTTP parser holds the client to it, and the reservation holds that much already), the body goes
 * into one buffer allocated up front, a chunk at a time as it arrives: copying tens of megabytes in one
 * go at the end (Buffer.concat) would hold the event loop for a hundred milliseconds, and that buffer
 * owns its memory, so it can move to a worker thread without a copy. A chunked body grows its
 * reservation with every chunk: past the route's limit is a 413, past what the budget has left a 503.
 */
async function receiveBody(
  req: BulkheadRequest,
  res: Response,
  limit: number,
  reservation: ByteReservation,
  timeouts: { bodyMs: number; bodyIdleMs: number },
): Promise<Buffer> {
  const declared = Number(req.headers['content-length'] ?? Number.NaN);
  const body = incomingBody(req, res, timeouts.bodyIdleMs);
  const deadline = setTimeout(
    () => body.destroy(timedOut(`the request body did not arrive within ${timeouts.bodyMs / 1000} s`)),
    timeouts.bodyMs,
  );
  try {
    if (Number.isSafeInteger(declared)) {
      const whole = Buffer.allocUnsafeSlow(declared);
      let size = 0;
      for await (const chunk of body) size += (chunk as Buffer).copy(whole, size);
      return size === declared ? whole : whole.subarray(0, size);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of body) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      if (!reservation.growTo(size)) throw memoryBusy();
      chunks.push(chunk as Buffer);
    }
    return Buffer.concat(chunks);
  } finally {
    clearTimeout(deadline);
  }
}

/**
 * The request body as a stream, for a caller who is let in: answers `Expect: 100-continue` (see
 * edge.ts, which holds it back until now), and fails with a 408 when the client sends nothing for
 * idleMs. When the stream is given up, the request is left unread; the answer then closes the connection.
 */
export function incomingBody(req: BulkheadRequest, res: Response, idleMs: number): Readable {
  if (/^100-continue$/i.test(req.headers.expect ?? '')) res.writeContinue();
  const body = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      idle.refresh();
      done(null, chunk);
    },
  });
  const idle = setTimeout(() => body.destroy(timedOut(`the client sent nothing for ${idleMs / 1000} s`)), idleMs);
  const clientGone = () => {
    if (!req.complete) body.destroy(new Error('the client closed the connection before its request body ended'));
  };
  req.once('close', clientGone);
  body.once('close', () => {
    clearTimeout(idle);
    req.off('close', clientGone);
    req.unpipe(body);
  });
  req.pipe(body);
  return body;
}

const tooLarge = (limit: number) =>
  new RequestError('request.too_large', `the request body is larger than the limit of ${formatBytes(limit)}`);
const memoryBusy = () =>
  new RequestError('request.memory_busy', 'the server holds as many request bodies in memory as it may at once; try again shortly', {
    retryAfterSeconds: BUSY_RETRY_SECONDS,
  });
const timedOut = (why: string) => new RequestError('request.timeout', why);
const formatBytes = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB` : `${Math.round(bytes / 1024)} KB`;

/**
 * The body as a parsed document: JSON, or YAML when the content type says so; an empty body is `{}`.
 * The document is bounded in depth and, for YAML, in its size with aliases expanded (400 past a
 * limit), and no string or key in it may hold a control character (400 naming the field).
 */
export function readDocument(req: BulkheadRequest): unknown {
  const text = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
  const yaml = /yaml/i.test(String(req.headers['content-type'] ?? 'application/json'));
  const limits = req.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : yaml ? parseYaml(text, limits) : parseJson(text, limits);
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    const code = error.kind !== 'unreadable' ? 'request.document_over_limit' : yaml ? 'request.invalid_yaml' : 'request.invalid_json';
    throw new RequestError(code, [{ field: 'body', reason: error.message }]);
  }
  const problems = controlCharacterProblems(value, 'body');
  if (problems.length > 0) throw new RequestError('request.invalid_body', problems);
  return value;
}
