import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type GitAccess, GitCommandError, runGit } from './git-command';

const NO_OBJECT = '0000000000000000000000000000000000000000';

/** A file of the branch: its path in the repository and the id of its content. */
export interface BranchFile {
  path: string;
  blob: string;
}

/** A change to the files of a branch: files to write (path to text) and paths to remove. */
export interface FileChange {
  write: ReadonlyMap<string, string>;
  remove: readonly string[];
}

/**
 * One branch of a remote repository, worked on through a bare cache repository of the worker's own:
 * fetched, changed with git's plumbing in a temporary index (never checked out, so nothing of the
 * repository's content is written to the disk as files, and a symlink in it leads nowhere), committed,
 * and pushed fast-forward only.
 *
 * Commands may run side by side in one cache, from several processes: each fetch lands in a ref of its
 * own, each change is built in an index of its own, and two pushes that race are settled by the remote
 * (the loser is told, and starts over from the new tip).
 */
/**
 * Whether git's push output says the branch moved under the push: refused as not a fast-forward, or, when
 * two pushes reach the remote at once, the remote could not move the ref from the tip the push saw. Any
 * other refusal (a hook, a protected branch) is not a race and is not retried.
 */
export function pushLostRace(output: string): boolean {
  return /\[rejected\]|cannot lock ref '[^']*': is at |\[remote rejected\].*\((failed to update ref|incorrect old value)/.test(output);
}

export class GitBranch {
  constructor(
    /** The bare cache repository. */
    private readonly cache: string,
    readonly repoUrl: string,
    readonly branch: string,
    private readonly access: GitAccess,
  ) {}

  private git(args: readonly string[], options?: { input?: string; env?: Record<string, string> }): Promise<string> {
    return runGit(this.cache, args, this.access, options);
  }

  /** Makes the cache repository if it is not there: in a folder of its own, then moved into place, so a half-made one is never seen. */
  private async ensureCache(): Promise<void> {
    if (await stat(join(this.cache, 'HEAD')).catch(() => null)) return;
    const making = `${this.cache}.${randomUUID()}`;
    await mkdir(making, { recursive: true });
    try {
      await runGit(making, ['init', '--bare', '--quiet'], this.access);
      await rename(making, this.cache).catch(async (error: NodeJS.ErrnoException) => {
        // Another process made it first: theirs serves.
        if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
      });
    } finally {
      await rm(making, { recursive: true, force: true });
    }
  }

  /** The branch's tip on the remote now, fetched into the cache; null when the remote has no such branch yet. */
  async fetchTip(): Promise<string | null> {
    await this.ensureCache();
    const ref = `refs/bulkhead/fetched/${randomUUID()}`;
    try {
      await this.git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--', this.repoUrl, `+refs/heads/${this.branch}:${ref}`]);
    } catch (error) {
      if (error instanceof GitCommandError && error.output.includes("couldn't find remote ref")) return null;
      throw error;
    }
    const tip = (await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).trim();
    await this.git(['update-ref', '-d', ref]);
    return tip;
  }

  /** The regular files under a folder at a commit. */
  async filesIn(commit: string, folder: string): Promise<BranchFile[]> {
    const listing = await this.git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', `${folder}/`]);
    return listing
      .split('\0')
      .filter((entry) => entry !== '')
      .flatMap((entry) => {
        const [meta = '', path = ''] = entry.split('\t');
        const [mode, type, blob = ''] = meta.split(' ');
        return type === 'blob' && (mode === '100644' || mode === '100755') ? [{ path, blob }] : [];
      });
  }

  async read(blob: string): Promise<string> {
    return this.git(['cat-file', 'blob', blob]);
  }

  /**
   * A commit on top of `tip` (none: the branch's first) that makes these changes, with this message;
   * null when the tree would be the same as the tip's: the branch already holds exactly these files.
   */
  async commit(tip: string | null, change: FileChange, message: string): Promise<string | null> {
    const index = join(this.cache, `index-${randomUUID()}`);
    const env = { GIT_INDEX_FILE: index };
    try {
      await this.git(tip ? ['read-tree', tip] : ['read-tree', '--empty'], { env });
      const entries: string[] = change.remove.map((path) => `0 ${NO_OBJECT}\t${path}`);
      for (const [path, text] of change.write) {
        const blob = (await this.git(['hash-object', '-w', '--stdin'], { input: text })).trim();
        entries.push(`100644 ${blob}\t${path}`);
      }
      await this.git(['update-index', '-z', '--index-info'], { env, input: entries.map((e) => `${e}\0`).join('') });
      const tree = (await this.git(['write-tree'], { env })).trim();
      const before = tip ? (await this.git(['rev-parse', `${tip}^{tree}`])).trim() : null;
      if (tree === before || (tip === null && change.write.size === 0)) return null;
      return (await this.git(['commit-tree', tree, ...(tip ? ['-p', tip] : [])], { input: message })).trim();
    } finally {
      await rm(index, { force: true });
    }
  }

  /**
   * Pushes a commit to the branch, fast-forward only. False when the remote refused it because the
   * branch moved meanwhile (the caller starts over from the new tip); any other refusal fails.
   */
  async push(commit: string): Promise<boolean> {
    try {
      await this.git(['push', '--porcelain', '--quiet', '--', this.repoUrl, `${commit}:refs/heads/${this.branch}`]);
      return true;
    } catch (error) {
      if (error instanceof GitCommandError && pushLostRace(error.output)) return false;
      throw error;
    }
  }

  /**
   * The newest commit up to `tip` that changed the folder and whose message holds every one of these
   * lines, with its parent (none for the branch's first commit).
   */
  async find(
    tip: string,
    folder: string,
    lines: readonly string[],
  ): Promise<{ commit: string; parent: string | null; subject: string } | null> {
    const found = await this.git([
      'log',
      '-n1',
      '--format=%H%x00%P%x00%s',
      '--fixed-strings',
      '--all-match',
      ...lines.map((line) => `--grep=${line}`),
      tip,
      '--',
      `${folder}/`,
    ]);
    const [commit = '', parents = '', subject = ''] = found.trim().split('\0');
    return commit ? { commit, parent: parents.split(' ')[0] || null, subject } : null;
  }
}
