import { judgeUrlHost, type KubeconfigRules } from './kubeconfig-policy';

/** Where a git delivery may push: held to the clusters' loopback rule, and file:// only on purpose. */
export interface GitRemoteRules extends Pick<KubeconfigRules, 'allowLoopback'> {
  /** A file:// repository is a folder on the server's own host: for tests only (BULKHEAD_GIT_ALLOW_FILE_URLS). */
  allowFileUrls: boolean;
}

const FILE_FLAG = 'BULKHEAD_GIT_ALLOW_FILE_URLS';

/**
 * A repository URL judged as written: refused, or its transport and, for https, a host name still to
 * resolve and judge (with `resolvedAddressRefusal`).
 */
export type GitRemoteVerdict = { reason: string } | { transport: 'file' } | { transport: 'https'; host?: string };

/**
 * Judges a repository URL as written. https:// only, without credentials (they are given apart and
 * sealed), a query or a fragment, and held to the clusters' loopback rule; file:// only with its flag.
 * Every other transport git knows (ssh, git://, ext::, fd::, a bare path) is refused, since some run
 * commands or reach the host in ways a URL does not show.
 */
export function judgeGitRepoUrl(text: string, rules: GitRemoteRules): GitRemoteVerdict {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return { reason: 'is not a URL (https://host/owner/repository.git)' };
  }
  if (url.search || url.hash) return { reason: 'may not carry a query or a fragment' };
  if (url.protocol === 'file:') {
    if (!rules.allowFileUrls) return { reason: `must be an https:// URL (file:// only with ${FILE_FLAG})` };
    if (url.host !== '') return { reason: 'must name a folder of this host (file:///path/to/repository.git)' };
    return { transport: 'file' };
  }
  if (url.protocol !== 'https:') return { reason: 'must be an https:// URL' };
  if (url.username || url.password) return { reason: 'carries credentials; give them as the delivery credentials, which are sealed' };
  const verdict = judgeUrlHost(url, rules);
  return 'reason' in verdict ? verdict : { transport: 'https', ...verdict };
}

/** Whether two repository URLs reach the same server (scheme, host and port): a stored token may follow a move within one. */
export function sameGitServer(a: string, b: string): boolean {
  try {
    const [from, to] = [new URL(a), new URL(b)];
    return from.protocol === 'https:' && from.origin === to.origin;
  } catch {
    return false;
  }
}
