import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ClusterDelivery } from '@bulkhead/contracts';
import type { NetworkPolicy, SnapshotClusterPolicy } from '@bulkhead/netpol';
import type { ChangeOrigin, ClusterDriver, ConnectivityProbe, ConnectivityResult, Delivered, Discovery } from '@bulkhead/rollout';
import type { GitAccess } from './git-command';
import { type FileChange, GitBranch } from './git-branch';
import type { KeyedQueue } from './keyed-queue';
import { arrangeFolder, namespaceFolder, policiesOfFile, type PolicyFile, policyFiles } from './policy-files';
import { syncGap } from './sync-gap';

type GitDeliverySettings = Extract<ClusterDelivery, { kind: 'git' }>;

export interface GitDeliveryOptions {
  /** Where the cache repositories live (one per repository URL), under the data folder. */
  cacheRoot: string;
  /** How to reach the repository, worked out afresh for each change (its host's addresses are checked then). */
  access(): Promise<GitAccess>;
  /** The queue that takes one change at a time per cache repository, shared by the deliveries of a process. */
  queue: KeyedQueue;
  /** How often the cluster is read while waiting for a sync. */
  pollMs: number;
}

/** How often a change starts over when its push lost a race with another one. */
const PUSH_ATTEMPTS = 5;

/** A change made on the branch: its commit (none when the branch holds nothing at all) and the policies it leaves the namespace. */
interface Committed {
  commit: string | null;
  committed: NetworkPolicy[];
}

/** The namespace's folder on the branch as it is now: what a change is planned from. */
interface Folder {
  branch: GitBranch;
  tip: string | null;
  path: string;
  owned: PolicyFile[];
}

/** What a change does to the folder: the files it writes and removes, the policies it leaves, and its message. */
interface FolderChange extends FileChange {
  committed: NetworkPolicy[];
  message: string;
}

const trailers = (origin: ChangeOrigin | undefined, change: 'apply' | 'restore' | 'delete'): string[] => [
  ...(origin ? [`Bulkhead-Rollout: ${origin.rolloutId}`, `Bulkhead-Step: ${origin.stepId}`] : []),
  `Bulkhead-Change: ${change}`,
];

const message = (subject: string, body: string, lines: readonly string[]) => `${subject}\n\n${body}\n\n${lines.join('\n')}\n`;

const count = (policies: readonly unknown[]) => `${policies.length} NetworkPolic${policies.length === 1 ? 'y' : 'ies'}`;

/** Whether two lists hold the same policies, whatever their order (the same files would be written for them). */
const samePolicies = (folder: string, namespace: string, a: readonly NetworkPolicy[], b: readonly NetworkPolicy[]) => {
  const files = (list: readonly NetworkPolicy[]) => JSON.stringify([...policyFiles(folder, namespace, list)].sort());
  try {
    return files(a) === files(b);
  } catch {
    return false;
  }
};

/**
 * A cluster that takes its changes through git: an apply, a restore or a delete becomes a commit of the
 * namespace's policies (one folder per namespace, one file per policy) pushed to the delivery's branch,
 * which Argo CD or Flux applies. The change is done only when the cluster, read through its own driver,
 * shows exactly the committed policies; a sync that does not come within the delivery's timeout, or a
 * cluster that shows something else, fails the change with what it shows. Reads, probes and discovery
 * go to the cluster's driver.
 *
 * A change is idempotent: when the branch already holds exactly the files, nothing is committed and the
 * change only waits for the cluster, so a step retried after a crash never commits twice. A restore is
 * the revert of the step's apply commit, found by the step named in its message.
 */
export class GitDelivery implements ClusterDriver {
  private readonly cache: string;

  constructor(
    private readonly reading: ClusterDriver,
    private readonly delivery: GitDeliverySettings,
    private readonly options: GitDeliveryOptions,
  ) {
    const key = createHash('sha256').update(delivery.repoUrl).digest('hex').slice(0, 24);
    this.cache = join(options.cacheRoot, `${key}.git`);
  }

  discover(): Promise<Discovery> {
    return this.reading.discover();
  }

  readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    return this.reading.readPolicies(namespace);
  }

  probe(probes: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]> {
    return this.reading.probe(probes);
  }

  cleanupProbePods(olderThanMs: number): Promise<string[]> {
    return this.reading.cleanupProbePods(olderThanMs);
  }

  readClusterPolicies(): Promise<SnapshotClusterPolicy[]> {
    return this.reading.readClusterPolicies();
  }

  applyClusterPolicies(): Promise<void> {
    return this.refuseClusterPolicies();
  }

  deleteClusterPolicies(): Promise<void> {
    return this.refuseClusterPolicies();
  }

  restoreClusterPolicies(): Promise<void> {
    return this.refuseClusterPolicies();
  }

  /** Cluster-scoped policies are not delivered through git yet; changing them behind the syncer's back would be undone by it, or fight it. */
  private async refuseClusterPolicies(): Promise<never> {
    throw new Error(
      `cluster-scoped policies of a cluster that takes its changes through git are not written by Bulkhead yet: commit them to ${this.delivery.repoUrl} (branch ${this.delivery.branch})`,
    );
  }

  applyPolicies(
    namespace: string,
    policies: NetworkPolicy[],
    options: { prune?: boolean; change?: ChangeOrigin } = {},
  ): Promise<Delivered | void> {
    const named = new Set(policies.map((p) => p.metadata.name));
    const step = options.change ? ` (rollout ${options.change.rolloutId}, step ${options.change.stepId})` : '';
    return this.deliver(namespace, async (folder) => {
      const kept = options.prune ? [] : folder.owned.flatMap((f) => f.policies).filter((p) => !named.has(p.metadata.name));
      const committed = [...kept, ...policies];
      return {
        ...arrangeFolder(folder.path, namespace, folder.owned, committed),
        committed,
        message: message(
          `Bulkhead: apply ${count(policies)} to ${namespace}`,
          `The plan's policies for ${namespace}${step}${options.prune ? ', and no others' : ''}.`,
          trailers(options.change, 'apply'),
        ),
      };
    });
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    await this.deliver(namespace, async (folder) => {
      const committed = folder.owned.flatMap((f) => f.policies).filter((p) => !names.includes(p.metadata.name));
      return {
        ...arrangeFolder(folder.path, namespace, folder.owned, committed),
        committed,
        message: message(`Bulkhead: delete ${count(names)} of ${namespace}`, names.join(', '), trailers(undefined, 'delete')),
      };
    });
  }

  /**
   * Makes the folder hold the snapshot again. When the step's apply commit is on the branch and the
   * folder held exactly the snapshot before it, the folder gets back those very files: a true revert.
   * Otherwise (git and the cluster disagreed before the step) the snapshot's policies are written as
   * files of their own, since what the cluster held is what a restore gives back.
   */
  restorePolicies(namespace: string, snapshot: NetworkPolicy[], options: { change?: ChangeOrigin } = {}): Promise<Delivered | void> {
    const origin = options.change;
    return this.deliver(namespace, async (folder) => {
      const applied = origin && folder.tip ? await folder.branch.find(folder.tip, folder.path, trailers(origin, 'apply')) : null;
      const earlier = applied?.parent ? await this.ownedFiles(folder.branch, applied.parent, folder.path) : [];
      const reverted =
        applied !== null &&
        samePolicies(
          folder.path,
          namespace,
          earlier.flatMap((f) => f.policies),
          snapshot,
        );
      const files: FileChange = reverted
        ? {
            write: new Map(earlier.map((f) => [f.path, f.text])),
            remove: folder.owned.map((f) => f.path).filter((path) => !earlier.some((f) => f.path === path)),
          }
        : arrangeFolder(folder.path, namespace, folder.owned, snapshot);
      const back = `${namespace} gets back the ${count(snapshot)} it had before`;
      return {
        ...files,
        committed: snapshot,
        message: applied
          ? message(
              `Revert "${applied.subject}"`,
              `This reverts commit ${applied.commit}: ${back} rollout ${origin?.rolloutId}.`,
              trailers(origin, 'restore'),
            )
          : message(
              `Bulkhead: restore ${namespace}`,
              `${back}${origin ? ` rollout ${origin.rolloutId}` : ''}.`,
              trailers(origin, 'restore'),
            ),
      };
    });
  }

  /**
   * Commits the change `plan` makes of the namespace's folder as the branch holds it, then waits until
   * the cluster shows exactly the committed policies. Answers the commit, or nothing when the branch
   * holds nothing at all.
   */
  private async deliver(namespace: string, plan: (folder: Folder) => Promise<FolderChange>): Promise<Delivered | void> {
    const before = await this.reading.readPolicies(namespace);
    const { commit, committed } = await this.commit(namespace, plan);
    await this.awaitSync(namespace, committed, before, commit);
    return commit ? { commit, branch: this.delivery.branch } : undefined;
  }

  private async commit(namespace: string, plan: (folder: Folder) => Promise<FolderChange>): Promise<Committed> {
    const branch = new GitBranch(this.cache, this.delivery.repoUrl, this.delivery.branch, await this.options.access());
    const path = namespaceFolder(this.delivery.path, namespace);
    for (let attempt = 1; attempt <= PUSH_ATTEMPTS; attempt++) {
      const done = await this.options.queue.run(this.cache, async (): Promise<Committed | null> => {
        const tip = await branch.fetchTip();
        const owned = tip ? await this.ownedFiles(branch, tip, path) : [];
        const change = await plan({ branch, tip, path, owned });
        const commit = await branch.commit(tip, change, change.message);
        if (!commit) return { commit: tip, committed: change.committed };
        return (await branch.push(commit)) ? { commit, committed: change.committed } : null;
      });
      if (done) return done;
    }
    throw new Error(
      `branch ${this.delivery.branch} of ${this.delivery.repoUrl} moved under every one of ${PUSH_ATTEMPTS} pushes; try the step again`,
    );
  }

  /** The files of the folder at a commit that Bulkhead may replace (every document a NetworkPolicy). */
  private async ownedFiles(branch: GitBranch, commit: string, folder: string): Promise<PolicyFile[]> {
    const files = await branch.filesIn(commit, folder);
    const read = await Promise.all(
      files.map(async (f) => {
        const text = await branch.read(f.blob);
        return { path: f.path, text, policies: policiesOfFile(f.path, text) };
      }),
    );
    return read.flatMap((f) => (f.policies ? [{ ...f, policies: f.policies }] : []));
  }

  /**
   * Reads the namespace through the cluster's driver until it shows exactly the committed policies. Past
   * the delivery's timeout, fails saying whether the cluster still shows what it held before the commit
   * (the sync never came) or something else (the sync applied other policies, or another hand did).
   */
  private async awaitSync(namespace: string, committed: NetworkPolicy[], before: NetworkPolicy[], commit: string | null): Promise<void> {
    const timeoutMs = this.delivery.syncTimeoutSeconds * 1000;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const shown = await this.reading.readPolicies(namespace);
      const gap = syncGap(committed, shown);
      if (gap === null) return;
      if (Date.now() >= deadline) {
        const what = commit ? `commit ${commit.slice(0, 12)} of branch ${this.delivery.branch}` : `branch ${this.delivery.branch}`;
        const stale = syncGap(before, shown) === null;
        throw new Error(
          stale
            ? `${namespace} still shows the policies it had before ${what} after ${this.delivery.syncTimeoutSeconds} s: Argo CD or Flux has not synced it (${gap})`
            : `${namespace} shows other policies than ${what} after ${this.delivery.syncTimeoutSeconds} s: ${gap}`,
        );
      }
      await sleep(Math.min(this.options.pollMs, Math.max(0, deadline - Date.now())));
    }
  }
}
