import { SimulatedDriver } from '@bulkhead/cluster';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeGitSyncer } from '../../support/fake-git-syncer';
import type { Harness } from './harness';
import { smallClusterWithPlan } from './small-cluster';

/** The folder of the repository the small cluster's namespaces lie in. */
export const FOLDER = 'clusters/small';

export interface GitDeliveredCluster {
  clusterId: string;
  planId: string;
  /** The plan's policy names by namespace. */
  byNamespace: Record<string, string[]>;
  /** The bare repository Bulkhead pushes to. */
  origin: string;
  syncer: FakeGitSyncer;
  /** `git --git-dir <origin> ...` */
  git(...args: string[]): string;
  close(): Promise<void>;
}

/**
 * The small cluster with its plan (see smallClusterWithPlan), taking its changes through git: a bare
 * repository of its own in a temporary folder, branch `main` not made yet, and a fake Argo CD that
 * applies what the branch holds to the simulated cluster every 100 ms.
 */
export async function gitDeliveredCluster(api: Harness, name: string, syncTimeoutSeconds = 3): Promise<GitDeliveredCluster> {
  const dir = mkdtempSync(join(tmpdir(), `bulkhead-${name}-`));
  const origin = join(dir, 'origin.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', origin]);
  const { clusterId, planId, byNamespace } = await smallClusterWithPlan(api, {
    name,
    delivery: { kind: 'git', repoUrl: `file://${origin}`, branch: 'main', path: FOLDER, syncTimeoutSeconds },
  });
  const simulated = new SimulatedDriver(api.db, clusterId);
  const syncer = new FakeGitSyncer(origin, 'main', FOLDER, (namespace, policies) =>
    simulated.restorePolicies(namespace, policies as never),
  );
  syncer.start(100);
  return {
    clusterId,
    planId,
    byNamespace,
    origin,
    syncer,
    git: (...args) => execFileSync('git', ['--git-dir', origin, ...args], { encoding: 'utf8' }).trim(),
    close: async () => {
      await syncer.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
