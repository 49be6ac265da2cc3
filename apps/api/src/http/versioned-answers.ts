import type { AuditLog } from '@bulkhead/audit';
import { FreshReads } from '@bulkhead/concurrency';
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
 * The version is read for every request, and read before the answer is made, so a write anywhere (the
 * worker, another API process, psql) is seen at once and an answer is never kept under a newer version
 * than the data it was made from.
 */
export const AnswerPerVersion = (source: AnswerSource) =>
  applyDecorators(SetMetadata(SOURCE, source), UseInterceptors(VersionedAnswersInterceptor));

/**
 * The answers kept per version, and the reads of the versions, one of each for the whole process.
 * A request gets a version read that started after it arrived, so it sees every write made before it
 * asked; the requests that arrive while a version is being read share the next read (FreshReads): under
 * load a busy version costs a query per round trip rather than one per request.
 */
export const VERSIONED_ANSWERS = Symbol('VersionedAnswers');

export class VersionedAnswers {
  readonly answers = new SerializedAnswers(KEPT_ANSWERS_CHARS);
  private readonly versions = new FreshReads<string | null>();

  constructor(
    private readonly clusters: Pick<ClusterStore, 'dataVersion' | 'listVersion'>,
    private readonly audit: Pick<AuditLog, 'size'>,
  ) {}

  /** The version of what a request reads, or null when its cluster id is not one (the route answers that in its own words). */
  versionOf(source: AnswerSource, clusterId: string | undefined): Promise<string | null> {
    if (source === 'audit-log') return this.versions.read(source, async () => String(await this.audit.size()));
    if (clusterId === undefined) return this.versions.read('clusters', () => this.clusters.listVersion());
    if (!UUID.test(clusterId)) return Promise.resolve(null);
    return this.versions.read(`${source} ${clusterId}`, () => this.clusters.dataVersion(clusterId, source));
  }
}

@Injectable()
export class VersionedAnswersInterceptor implements NestInterceptor {
  constructor(
    private readonly reflector: Reflector,
    @Inject(VERSIONED_ANSWERS) private readonly kept: VersionedAnswers,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const source = this.reflector.get<AnswerSource>(SOURCE, context.getHandler());
    return from(this.answer(req, res, source, next)).pipe(mergeMap((answer) => answer));
  }

  private async answer(req: BulkheadRequest, res: Response, source: AnswerSource, next: CallHandler): Promise<Observable<unknown>> {
    const version = await this.kept.versionOf(source, req.params.clusterId as string | undefined);
    // No such cluster, or an id that is not one: the route answers that in its own words.
    if (version === null) return next.handle();
    // The caller's role is part of the key, so that an answer could never reach a role it was not made for.
    const key = `${req.caller!.role} ${req.originalUrl} @${source}:${version}`;
    const answer = await this.kept.answers.get(key, () => lastValueFrom(next.handle()));
    return of(await streamOf(req, res, answer));
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
