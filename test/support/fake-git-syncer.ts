import { execFileSync } from 'node:child_process';
import YAML from 'yaml';

/**
 * A stand-in for Argo CD or Flux, over a bare repository on disk: each sync reads what the branch holds
 * under the folder and makes every namespace whose folder it has ever seen hold exactly the
 * NetworkPolicies of that folder (a folder gone empties its namespace, as a pruning sync would).
 *
 * `mode` is the knob of a test: `sync` applies the branch; `stale` never applies anything (a syncer that
 * is down or points elsewhere); `wrong` applies something else (the branch's policies but the first,
 * and a stray allow-all of its own).
 */
export class FakeGitSyncer {
  mode: 'sync' | 'stale' | 'wrong' = 'sync';
  /** The commits applied, in order (a commit applied again is not listed again). */
  readonly applied: string[] = [];
  private readonly seen = new Set<string>();
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly repository: string,
    private readonly branch: string,
    private readonly folder: string,
    /** Makes a namespace hold exactly these policies. */
    private readonly apply: (namespace: string, policies: unknown[]) => Promise<void>,
  ) {}

  private git(...args: string[]): string {
    return execFileSync('git', ['--git-dir', this.repository, ...args], { encoding: 'utf8' });
  }

  /** The branch's tip, or null while it does not exist. */
  tip(): string | null {
    try {
      return this.git('rev-parse', '--verify', '--quiet', `refs/heads/${this.branch}`).trim();
    } catch {
      return null;
    }
  }

  /** Every NetworkPolicy of each namespace folder at a commit. */
  policiesAt(commit: string): Map<string, unknown[]> {
    const byNamespace = new Map<string, unknown[]>();
    const files = this.git('ls-tree', '-r', '--name-only', commit, '--', `${this.folder}/`).split('\n').filter(Boolean);
    for (const file of files) {
      const [namespace = ''] = file.slice(this.folder.length + 1).split('/');
      const documents = YAML.parseAllDocuments(this.git('show', `${commit}:${file}`)).map((d) => d.toJS());
      const policies = documents.filter((d) => d?.kind === 'NetworkPolicy');
      byNamespace.set(namespace, [...(byNamespace.get(namespace) ?? []), ...policies]);
    }
    return byNamespace;
  }

  /** One look at the branch, applying it as the mode says. */
  async syncOnce(): Promise<void> {
    const tip = this.tip();
    if (this.mode === 'stale' || !tip) return;
    const held = this.policiesAt(tip);
    for (const namespace of held.keys()) this.seen.add(namespace);
    for (const namespace of this.seen) {
      const policies = held.get(namespace) ?? [];
      await this.apply(namespace, this.mode === 'wrong' ? [...policies.slice(1), strayPolicy(namespace)] : policies);
    }
    if (this.mode === 'sync' && this.applied.at(-1) !== tip) this.applied.push(tip);
  }

  /** Syncs every `intervalMs` until stopped, as Argo CD's or Flux's reconcile loop would. */
  start(intervalMs: number): void {
    const loop = () => {
      this.running = this.syncOnce().finally(() => {
        if (this.timer) this.timer = setTimeout(loop, intervalMs);
      });
    };
    this.timer = setTimeout(loop, intervalMs);
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}

const strayPolicy = (namespace: string) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { name: 'stray-allow-all', namespace },
  spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
});
