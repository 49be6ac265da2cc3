import { AppError, controlCharacterProblems, fieldPath } from '@bulkhead/contracts';
import { type ArgumentMetadata, Inject, Injectable, type NestMiddleware, type PipeTransform } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import YAML from 'yaml';
import type { z } from 'zod';
import { RUNTIME, type ApiRuntime } from '../runtime';
import type { BulkheadRequest } from './request-context';

/**
 * Reads request bodies into req.rawBody with a size limit (413 past it). Routes that stream their
 * upload (flow imports) are excluded in AppModule and read the request themselves.
 */
@Injectable()
export class RawBodyMiddleware implements NestMiddleware {
  constructor(@Inject(RUNTIME) private readonly runtime: ApiRuntime) {}

  async use(req: BulkheadRequest, _res: Response, next: NextFunction): Promise<void> {
    if (req.method === 'GET' || req.method === 'HEAD' || req.method === 'DELETE') return next();
    const limit = this.runtime.config.http.maxBodyBytes;
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) throw tooLarge(limit);
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge(limit);
      chunks.push(chunk as Buffer);
    }
    req.rawBody = Buffer.concat(chunks);
    next();
  }
}

const tooLarge = (limit: number) =>
  new AppError('too_large', 'request.too_large', `the request body is larger than the limit of ${Math.round(limit / 1024 / 1024)} MB`);

/** The body as text, whatever its content type. */
export function bodyText(req: BulkheadRequest): string {
  return (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
}

/** Parses a JSON body (or YAML, when the content type says so) and checks it against a schema. */
export function parseBody<S extends z.ZodType>(req: BulkheadRequest, schema: S): z.infer<S> {
  const text = bodyText(req);
  const type = String(req.headers['content-type'] ?? 'application/json');
  let value: unknown;
  if (text.trim() === '') value = {};
  else if (/yaml/i.test(type)) {
    try {
      value = YAML.parse(text);
    } catch (error) {
      throw AppError.invalid('request.invalid_yaml', [{ field: 'body', reason: `is not valid YAML: ${(error as Error).message}` }]);
    }
  } else {
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw AppError.invalid('request.invalid_json', [{ field: 'body', reason: `is not valid JSON: ${(error as Error).message}` }]);
    }
  }
  const problems = controlCharacterProblems(value, 'body');
  if (problems.length > 0) throw AppError.invalid('request.invalid_body', problems);
  return check(schema, value, 'body');
}

/** Checks a value against a schema; problems name the field (`body.port`, `query.namespace`, `body.edges[2].port`, an unknown `body.config.freezes[0].extra`). */
export function check<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw AppError.invalid(
    `request.invalid_${where}`,
    parsed.error.issues.flatMap((issue) =>
      issue.code === 'unrecognized_keys'
        ? issue.keys.map((key) => ({ field: fieldPath(where, [...issue.path, key]), reason: 'is not a known field' }))
        : [{ field: fieldPath(where, issue.path), reason: issue.message }],
    ),
  );
}

/**
 * Bound for every route: a path parameter or a query value holding NUL or another control character
 * is a 400 naming it (`params.namespace`, `query.fileName`), before any code or database sees it.
 */
@Injectable()
export class ControlCharacterPipe implements PipeTransform<unknown, unknown> {
  transform(value: unknown, metadata: ArgumentMetadata): unknown {
    if (metadata.type !== 'param' && metadata.type !== 'query') return value;
    const where = metadata.type === 'param' ? 'params' : 'query';
    const problems = controlCharacterProblems(value, metadata.data ? `${where}.${metadata.data}` : where);
    if (problems.length > 0) throw AppError.invalid(`request.invalid_${where}`, problems);
    return value;
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `@Param('clusterId', UuidPipe)`: a malformed id is a 400 naming the parameter, not a 500 from the database. */
@Injectable()
export class UuidPipe implements PipeTransform<string, string> {
  transform(value: string, metadata: ArgumentMetadata): string {
    if (!UUID.test(value)) throw AppError.invalid('request.invalid_params', [{ field: `params.${metadata.data}`, reason: 'must be a UUID' }]);
    return value.toLowerCase();
  }
}
