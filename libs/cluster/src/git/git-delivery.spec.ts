import type { NetworkPolicy } from '@bulkhead/netpol';
import type { ClusterDriver } from '@bulkhead/rollout';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitSyncer } from '../../../../test/support/fake-git-syncer';
import { GitDelivery } from './git-delivery';
import { KeyedQueue } from './keyed-queue';
import { remoteAccess } from './remote-access';

/**
 * The git delivery against a bare repository on disk, with a fake Argo CD that applies what the branch
 * holds to an in-memory cluster: what it commits, that it commits nothing twice, that it waits for the
 * sync, the revert of a restore, and the reasons of a stale or a wrong sync.
 */

const policy = (namespace: string, name: string, port = 8080): NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name, namespace, labels: { 'app.kubernetes.io/managed-by': 'bulkhead' } },
  spec: { podSelector: {}, ingress: [{ ports: [{ protocol: 'TCP', port }] }], policyTypes: ['Ingress'] },
});
const names = (policies: readonly NetworkPolicy[]) => policies.map((p) => p.metadata.name).sort();

/** The namespaces' policies as a cluster holds them: all a git delivery reads through its cluster's driver. */
class ClusterState implements ClusterDriver {
  readonly namespaces = new Map<string, NetworkPolicy[]>();
  async readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    return structuredClone(this.namespaces.get(namespace) ?? []);
  }
  discover = () => Promise.reject(new Error('not used'));
  applyPolicies = () => Promise.reject(new Error('a git delivery never applies through its cluster driver'));
  deletePolicies = () => Promise.reject(new Error('a git delivery never deletes through its cluster driver'));
  restorePolicies = () => Promise.reject(new Error('a git delivery never restores through its cluster driver'));
  probe = () => Promise.reject(new Error('not used'));
  cleanupProbePods = async () => [];
  readClusterPolicies = async () => [];
  applyClusterPolicies = () => Promise.reject(new Error('not used'));
  deleteClusterPolicies = () => Promise.reject(new Error('not used'));
  restoreClusterPolicies = () => Promise.reject(new Error('not used'));
}

const LEGACY = policy('shop', 'allow-all-legacy', 1);
const PLAN = [policy('shop', 'default-deny'), policy('shop', 'allow-web')];
const STEP = { rolloutId: 'r-1', stepId: 'r-1.shop' };

let dir: string;
let origin: string;
let cluster: ClusterState;
let syncer: FakeGitSyncer;

const git = (...args: string[]) => execFileSync('git', ['--git-dir', origin, ...args], { encoding: 'utf8' }).trim();
const commits = () => Number(git('rev-list', '--count', 'main'));

function delivery(options: { syncTimeoutSeconds?: number; cacheRoot?: string; queue?: KeyedQueue } = {}): GitDelivery {
  const repoUrl = `file://${origin}`;
  return new GitDelivery(
    cluster,
    { kind: 'git', repoUrl, branch: 'main', path: 'clusters/prod', syncTimeoutSeconds: options.syncTimeoutSeconds ?? 5 },
    {
      cacheRoot: options.cacheRoot ?? join(dir, 'cache'),
      access: () => remoteAccess(repoUrl, null, { allowFileUrls: true, allowLoopback: false }, { resolve: async () => [] }, 20_000),
      queue: options.queue ?? new KeyedQueue(),
      pollMs: 20,
    },
  );
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'bulkhead-git-delivery-'));
  origin = join(dir, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  // The team's repository before Bulkhead: a README beside the namespace's hand-written policy.
  const work = join(dir, 'work');
  mkdirSync(join(work, 'clusters/prod/shop'), { recursive: true });
  writeFileSync(join(work, 'clusters/prod/shop/README.md'), '# shop\n');
  writeFileSync(join(work, 'clusters/prod/shop/legacy.yaml'), JSON.stringify(LEGACY)); // JSON is YAML too
  const inWork = (...args: string[]) =>
    execFileSync('git', ['-C', work, '-c', 'user.name=Team', '-c', 'user.email=team@example.com', ...args], { encoding: 'utf8' });
  inWork('init', '--quiet', '--initial-branch=main');
  inWork('add', '.');
  inWork('commit', '--quiet', '-m', 'the team policies');
  inWork('push', '--quiet', origin, 'main');
  cluster = new ClusterState();
  cluster.namespaces.set('shop', [LEGACY]);
  syncer = new FakeGitSyncer(origin, 'main', 'clusters/prod', async (namespace, policies) => {
    cluster.namespaces.set(namespace, policies as NetworkPolicy[]);
  });
});

afterEach(async () => {
  await syncer.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('an apply through git', () => {
  it('commits one file per policy in the namespace folder, naming the rollout and step, and answers only once the cluster shows them', async () => {
    let settled = false;
    const applying = delivery()
      .applyPolicies('shop', PLAN, { prune: true, change: STEP })
      .finally(() => (settled = true));
    while (commits() < 2) await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(settled).toBe(false); // committed, and still waiting: nothing may probe yet

    await syncer.syncOnce();
    const delivered = await applying;
    expect(delivered).toEqual({ commit: git('rev-parse', 'main'), branch: 'main' });
    expect(names(cluster.namespaces.get('shop')!)).toEqual(['allow-web', 'default-deny']);

    expect(git('ls-tree', '-r', '--name-only', 'main').split('\n')).toEqual([
      'clusters/prod/shop/README.md', // not a policy file: left as the team wrote it
      'clusters/prod/shop/allow-web.yaml',
      'clusters/prod/shop/default-deny.yaml',
    ]);
    const message = git('log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^Bulkhead: apply 2 NetworkPolicies to shop\n/);
    expect(message).toContain('Bulkhead-Rollout: r-1\nBulkhead-Step: r-1.shop\nBulkhead-Change: apply');
    expect(git('log', '-1', '--format=%an <%ae>', 'main')).toBe('Bulkhead <bulkhead@localhost>');
  });

  it('commits nothing when the branch already holds exactly those files: a step retried after a crash waits for the same commit', async () => {
    syncer.mode = 'stale';
    // The first try pushed, then died waiting (here: timed out) before its result was recorded.
    await expect(delivery({ syncTimeoutSeconds: 1 }).applyPolicies('shop', PLAN, { prune: true, change: STEP })).rejects.toThrow();
    const pushed = git('rev-parse', 'main');
    syncer.mode = 'sync';
    syncer.start(20);
    const retried = await delivery().applyPolicies('shop', PLAN, { prune: true, change: STEP });
    expect(retried).toEqual({ commit: pushed, branch: 'main' });
    expect(commits()).toBe(2);
    // Again, by another process with a cache of its own: still one commit.
    await delivery({ cacheRoot: join(dir, 'other-cache') }).applyPolicies('shop', [...PLAN].reverse(), { prune: true, change: STEP });
    expect(commits()).toBe(2);
  });

  it('without prune, keeps the other policy files of the folder as they are', async () => {
    syncer.start(20);
    const legacy = git('rev-parse', 'main:clusters/prod/shop/legacy.yaml');
    await delivery().applyPolicies('shop', [policy('shop', 'allow-web')]);
    expect(git('ls-tree', '-r', '--name-only', 'main', '--', 'clusters/prod/shop').split('\n')).toEqual([
      'clusters/prod/shop/README.md',
      'clusters/prod/shop/allow-web.yaml',
      'clusters/prod/shop/legacy.yaml',
    ]);
    expect(git('rev-parse', 'main:clusters/prod/shop/legacy.yaml')).toBe(legacy);
    expect(names(cluster.namespaces.get('shop')!)).toEqual(['allow-all-legacy', 'allow-web']);
  });

  it('lands changes made side by side by two processes, one after the other on the branch', async () => {
    syncer.start(20);
    const web = [policy('web', 'default-deny')];
    await Promise.all([
      delivery().applyPolicies('shop', PLAN, { prune: true, change: STEP }),
      delivery({ cacheRoot: join(dir, 'cache'), queue: new KeyedQueue() }).applyPolicies('web', web, {
        prune: true,
        change: { rolloutId: 'r-1', stepId: 'r-1.web' },
      }),
    ]);
    expect(commits()).toBe(3);
    expect(git('rev-list', '--merges', '--count', 'main')).toBe('0');
    expect(names(cluster.namespaces.get('web')!)).toEqual(['default-deny']);
    expect(names(cluster.namespaces.get('shop')!)).toEqual(['allow-web', 'default-deny']);
  });
});

describe('a restore through git', () => {
  it("is a revert commit of the step's apply, checked the same way", async () => {
    syncer.start(20);
    const before = git('rev-parse', 'main:clusters/prod/shop');
    const applied = await delivery().applyPolicies('shop', PLAN, { prune: true, change: STEP });
    const restored = await delivery().restorePolicies('shop', [LEGACY], { change: STEP });

    expect(restored).toEqual({ commit: git('rev-parse', 'main'), branch: 'main' });
    const message = git('log', '-1', '--format=%B', 'main');
    expect(message).toMatch(/^Revert "Bulkhead: apply 2 NetworkPolicies to shop"\n\nThis reverts commit [0-9a-f]{40}: /);
    expect(message).toContain(`This reverts commit ${(applied as { commit: string }).commit}`);
    expect(message).toContain('Bulkhead-Step: r-1.shop\nBulkhead-Change: restore');
    // The folder holds again the very files it held before the apply.
    expect(git('rev-parse', 'main:clusters/prod/shop')).toBe(before);
    expect(cluster.namespaces.get('shop')).toEqual([LEGACY]);
    expect(syncer.applied.slice(-2)).toEqual([(applied as { commit: string }).commit, (restored as { commit: string }).commit]);
  });

  it('writes the snapshot when the folder did not hold it before the apply (git and the cluster disagreed)', async () => {
    syncer.start(20);
    const byHand = policy('shop', 'added-by-kubectl', 22);
    await delivery().applyPolicies('shop', PLAN, { prune: true, change: STEP });
    await delivery().restorePolicies('shop', [LEGACY, byHand], { change: STEP });
    expect(git('log', '-1', '--format=%s', 'main')).toBe('Revert "Bulkhead: apply 2 NetworkPolicies to shop"');
    expect(git('ls-tree', '--name-only', 'main', 'clusters/prod/shop/').split('\n')).toEqual([
      'clusters/prod/shop/README.md',
      'clusters/prod/shop/added-by-kubectl.yaml',
      'clusters/prod/shop/allow-all-legacy.yaml',
    ]);
    expect(names(cluster.namespaces.get('shop')!)).toEqual(['added-by-kubectl', 'allow-all-legacy']);
  });

  it('of a namespace the branch never held empties its folder, and names no apply it cannot find', async () => {
    syncer.start(20);
    const web = { rolloutId: 'r-2', stepId: 'r-2.web' };
    await delivery().applyPolicies('web', [policy('web', 'default-deny')], { prune: true, change: web });
    await delivery().restorePolicies('web', [], { change: { rolloutId: 'r-3', stepId: 'r-3.web' } });
    expect(git('log', '-1', '--format=%s', 'main')).toBe('Bulkhead: restore web');
    expect(git('ls-tree', '--name-only', 'main', 'clusters/prod/')).toBe('clusters/prod/shop');
    expect(cluster.namespaces.get('web')).toEqual([]);
  });
});

describe('a sync that does not come', () => {
  it('fails the change with the reason when the cluster still shows what it had (stale)', async () => {
    syncer.mode = 'stale';
    syncer.start(20);
    const started = Date.now();
    const failure = delivery({ syncTimeoutSeconds: 1 }).applyPolicies('shop', PLAN, { prune: true, change: STEP });
    await expect(failure).rejects.toThrow(
      /^shop still shows the policies it had before commit [0-9a-f]{12} of branch main after 1 s: Argo CD or Flux has not synced it \(missing allow-web, default-deny; not committed allow-all-legacy\)$/,
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(cluster.namespaces.get('shop')).toEqual([LEGACY]);
  });

  it('fails the change with what differs when the cluster shows other policies (wrong)', async () => {
    syncer.mode = 'wrong';
    syncer.start(20);
    await expect(delivery({ syncTimeoutSeconds: 1 }).applyPolicies('shop', PLAN, { prune: true, change: STEP })).rejects.toThrow(
      /^shop shows other policies than commit [0-9a-f]{12} of branch main after 1 s: missing allow-web; not committed stray-allow-all$/,
    );
  });
});

describe('cluster-scoped policies', () => {
  it('are read through the cluster, and never written behind the syncer (not delivered through git yet)', async () => {
    await expect(delivery().readClusterPolicies()).resolves.toEqual([]);
    for (const write of [
      () => delivery().applyClusterPolicies(),
      () => delivery().deleteClusterPolicies(),
      () => delivery().restoreClusterPolicies(),
    ])
      await expect(write()).rejects.toThrow(/not written by Bulkhead yet: commit them to file:\/\/.*origin\.git \(branch main\)/);
  });
});
