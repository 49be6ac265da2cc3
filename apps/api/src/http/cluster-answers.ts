import type { ClusterDataScope, ClusterStore } from '@bulkhead/inventory';
import { applyDecorators, type CallHandler, type ExecutionContext, Inject, Injectable, type NestInterceptor, SetMetadata, StreamableFile, UseInterceptors } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Response } from 'express';
import { from, lastValueFrom, mergeMap, type Observable, of } from 'rxjs';
import { CLUSTER_STORE } from '../stores.providers';
import type { BulkheadRequest } from './request-context';
import { type SerializedAnswer, SerializedAnswers } from './serialized-answers';

const SCOPE = 'bulkhead:cluster-answer-scope';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the kept answers may hold, in characters: a 1,000-namespace cluster's lists are a few MB in all. */
const KEPT_ANSWERS_CHARS = 64 * 1024 * 1024;

/**
 * A read of a cluster (or of the list of clusters) answered from what was made for the same request
 * at the same data version (see the cluster-data-versions migration): on a hit, one indexed read of
 * the version instead of the route's queries, its JSON and its compression. The version is read on
 * every request, so a write anywhere (the worker, another API process) is seen at once.
 */
export const AnswerPerClusterVersion = (scope: ClusterDataScope = 'cluster') => applyDecorators(SetMetadata(SCOPE, scope), UseInterceptors(ClusterAnswersInterceptor));

@Injectable()
export class ClusterAnswersInterceptor implements NestInterceptor {
  private readonly answers = new SerializedAnswers(KEPT_ANSWERS_CHARS);

  constructor(
    private readonly reflector: Reflector,
    @Inject(CLUSTER_STORE) private readonly clusters: ClusterStore,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const req = context.switchToHttp().getRequest<BulkheadRequest>();
    const res = context.switchToHttp().getResponse<Response>();
    const scope = this.reflector.get<ClusterDataScope>(SCOPE, context.getHandler());
    return from(this.answer(req, res, scope, next)).pipe(mergeMap((answer) => answer));
  }

  private async answer(req: BulkheadRequest, res: Response, scope: ClusterDataScope, next: CallHandler): Promise<Observable<unknown>> {
    const version = await this.versionOf(req.params.clusterId as string | undefined, scope);
    // No such cluster, or an id that is not one: the route answers that in its own words.
    if (version === null) return next.handle();
    // The caller's role is part of the key, so that an answer could never reach a role it was not made for.
    const key = `${req.caller!.role} ${req.originalUrl} @${version}`;
    const answer = await this.answers.get(key, () => lastValueFrom(next.handle()));
    return of(await streamOf(req, res, answer));
  }

  private versionOf(clusterId: string | undefined, scope: ClusterDataScope): Promise<string | null> {
    if (clusterId === undefined) return this.clusters.listVersion();
    return UUID.test(clusterId) ? this.clusters.dataVersion(clusterId, scope) : Promise.resolve(null);
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
