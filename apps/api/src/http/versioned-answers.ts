import type { AuditLog } from '@bulkhead/audit';
import { FreshReads } from '@bulkhead/concurrency';
import type { ClusterStore } from '@bulkhead/inventory';
import type { Response } from 'express';
import type { BulkheadRequest } from './request-context';
import { SerializedAnswers, sendAnswer } from './serialized-answers';

/**
 * What an answer is made from, read as one version that changes whenever it does:
 * - `cluster`: the cluster named by the path (or, without one, the list of clusters), by its data
 *   version, which PostgreSQL bumps on every write to the cluster's tables (migration cluster-data-versions);
 * - `cluster-and-rollouts`: that, and where the cluster's rollouts stand;
 * - `audit-log`: the audit log, by its size (it only grows).
 */
export type AnswerSource = 'cluster' | 'cluster-and-rollouts' | 'audit-log';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** What the kept answers may hold, in characters: a 1,000-namespace cluster's lists are a few MB in all. */
const KEPT_ANSWERS_CHARS = 64 * 1024 * 1024;

export const VERSIONED_ANSWERS = Symbol('VersionedAnswers');

/**
 * Reads answered from what was made for the same request at the same version of what they read: on a
 * hit, a read of the version instead of the route's queries, its JSON and its compression. One for the
 * whole process.
 *
 * The version is read for every request, and read before the answer is made, so a write anywhere (the
 * worker, another API process, psql) is seen at once and an answer is never kept under a newer version
 * than the data it was made from. A request gets a version read that started after it arrived; the
 * requests that arrive while a version is being read share the next read (FreshReads): under load a
 * busy version costs a query per round trip rather than one per request.
 */
export class VersionedAnswers {
  private readonly answers = new SerializedAnswers(KEPT_ANSWERS_CHARS);
  private readonly versions = new FreshReads<string | null>();

  constructor(
    private readonly clusters: Pick<ClusterStore, 'dataVersion' | 'listVersion'>,
    private readonly audit: Pick<AuditLog, 'size'>,
  ) {}

  /** Answers with what `make` makes, or made for the same request at the version `source` stands at now. */
  async send<T>(req: BulkheadRequest, res: Response, source: AnswerSource, make: () => Promise<T>): Promise<void> {
    const version = await this.versionOf(source, req.params.clusterId as string | undefined);
    // No such cluster: the route answers that in its own words.
    if (version === null) {
      res.json(await make());
      return;
    }
    // The caller's role is part of the key, so that an answer could never reach a role it was not made for.
    const key = `${req.caller!.role} ${req.originalUrl} @${source}:${version}`;
    await sendAnswer(req, res, await this.answers.get(key, make));
  }

  /** The version of what a request reads, or null when its cluster id is not one or names no cluster. */
  versionOf(source: AnswerSource, clusterId: string | undefined): Promise<string | null> {
    if (source === 'audit-log') return this.versions.read(source, async () => String(await this.audit.size()));
    if (clusterId === undefined) return this.versions.read('clusters', () => this.clusters.listVersion());
    if (!UUID.test(clusterId)) return Promise.resolve(null);
    return this.versions.read(`${source} ${clusterId}`, () => this.clusters.dataVersion(clusterId, source));
  }
}
