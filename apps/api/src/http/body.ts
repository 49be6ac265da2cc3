import { AppError } from '@bulkhead/contracts';
import { type ArgumentMetadata, Inject, Injectable, type NestMiddleware, type PipeTransform } from '@nestjs/common';
import type { NextFunction, Response } from 'express';
import { DEFAULT_DOCUMENT_LIMITS, DocumentError, parseJson, parseYaml } from '@bulkhead/documents';
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
    req.documentLimits = this.runtime.config.documents;
    next();
  }
}

const tooLarge = (limit: number) =>
  new AppError('too_large', 'request.too_large', `the request body is larger than the limit of ${Math.round(limit / 1024 / 1024)} MB`);

/** The body as text, whatever its content type. */
export function bodyText(req: BulkheadRequest): string {
  return (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
}

/**
 * Parses a JSON body (or YAML, when the content type says so) and checks it against a schema. The
 * document is bounded in depth and, for YAML, in its size with aliases expanded (400 past a limit).
 */
export function parseBody<S extends z.ZodType>(req: BulkheadRequest, schema: S): z.infer<S> {
  const text = bodyText(req);
  const yaml = /yaml/i.test(String(req.headers['content-type'] ?? 'application/json'));
  const limits = req.documentLimits ?? DEFAULT_DOCUMENT_LIMITS;
  let value: unknown;
  try {
    value = text.trim() === '' ? {} : yaml ? parseYaml(text, limits) : parseJson(text, limits);
  } catch (error) {
    if (!(error instanceof DocumentError)) throw error;
    throw AppError.invalid(error.kind === 'unreadable' ? `request.invalid_${yaml ? 'yaml' : 'json'}` : 'request.document_over_limit', [{ field: 'body', reason: error.message }]);
  }
  return check(schema, value, 'body');
}

/** Checks a value against a schema; problems name the field (`body.port`, `query.namespace`, `body.edges[2].port`). */
export function check<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query' | 'params'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw AppError.invalid(
    `request.invalid_${where}`,
    parsed.error.issues.map((issue) => ({
      field: where + issue.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join(''),
      reason: issue.code === 'unrecognized_keys' ? `unknown field(s) ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message,
    })),
  );
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
