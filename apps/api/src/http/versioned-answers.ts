import type { AuditLog } from '@bulkhead/audit';
import type { ClusterStore } from '@bulkhead/inventory';
import {
  applyDecorators,
  type CallHandler,
  type ExecutionContext,
  Inject,
  Injectable,
  type NestInterceptor,
  SetMetadata,
  StreamableFile,
  UseInterceptors,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, lastValueFrom, mergeMap, type Observable, of } from 'rxjs';
import { AUDIT_LOG, CLUSTER_STORE } from '../stores.providers';
import type { BulkheadRequest } from './request-context';
import { type SerializedAnswer, SerializedAnswers } from './serialized-answers';

/**
 * What an answer is made from, read as one version that changes whenever it does:
 * - `cluster`: the cluster named by the path (or, without one, the list of clusters), by its data
 *   version, which PostgreSQL bumps on every write to the cluster's tables (migration cluster-data-versions);
 * - `cluster-and-rollouts`: that, and where the cluster's rollouts stand;
 * - `audit-log`: the audit log, by its size (it only grows).
 */
export type AnswerSource = 'cluster' | 'cluster-and-rollouts' | 'audit-log';

const SOURCE = 'bulkhead:answer-source';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the kept answers may hold, in characters: a 1,000-namespace cluster's lists are a few MB in all. */
const KEPT_ANSWERS_CHARS = 64 * 1024 * 1024;

/**
 * A read answered from what was made for the same request at the same version of what it reads: on a
 * hit, one indexed read of the version instead of the route's queries, its JSON and its compression.
 * The version is read on every request, and read before the answer is made, so a write anywhere (the
 * worker, another API process, psql) is seen at once and an answer is never kept under a newer version
 * than the data it was made from.
 */
export const AnswerPerVersion = (source: AnswerSource) =>
  applyDecorators(SetMetadata(SOURCE, source), UseInterceptors(VersionedAnswersInterceptor));

@Injectable()
export class VersionedAnswersInterceptor implements NestInterceptor {
  private readonly answers = new SerializedAnswers(KEPT_ANSWERS_CHARS);

  constructor(
    private readonly reflector: Reflector,
    @Inject(CLUSTER_STORE) private readonly clusters: ClusterStore,
    @Inject(AUDIT_LOG) private readonly audit: AuditLog,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const source = this.reflector.get<AnswerSource>(SOURCE, context.getHandler());
    return from(this.answer(req, res, source, next)).pipe(mergeMap((answer) => answer));
  }

  private async answer(req: BulkheadRequest, res: Response, source: AnswerSource, next: CallHandler): Promise<Observable<unknown>> {
    const version = await this.versionOf(req, source);
    // No such cluster, or an id that is not one: the route answers that in its own words.
    if (version === null) return next.handle();
    // The caller's role is part of the key, so that an answer could never reach a role it was not made for.
    const key = `${req.caller!.role} ${req.originalUrl} @${source}:${version}`;
    const answer = await this.answers.get(key, () => lastValueFrom(next.handle()));
    return of(await streamOf(req, res, answer));
  }

  private async versionOf(req: BulkheadRequest, source: AnswerSource): Promise<string | null> {
    if (source === 'audit-log') return String(await this.audit.size());
    const clusterId = req.params.clusterId as string | undefined;
    if (clusterId === undefined) return this.clusters.listVersion();
    return UUID.test(clusterId) ? this.clusters.dataVersion(clusterId, source) : null;
  }
}

/** The kept bytes as the body: compressed for a client that accepts gzip (browsers do). */
async function streamOf(req: BulkheadRequest, res: Response, answer: SerializedAnswer): Promise<StreamableFile> {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip') !== 'gzip') return new StreamableFile(Buffer.from(answer.json));
  res.setHeader('Content-Encoding', 'gzip');
  return new StreamableFile(await answer.gzip());
}
