import type { GitCredentials } from '@bulkhead/contracts';
import { type GitRemoteRules, type HostResolver, judgeGitRepoUrl, resolvedAddressRefusal } from '@bulkhead/inventory';
import type { GitAccess } from './git-command';

export class GitRemoteRefused extends Error {
  constructor(reason: string) {
    super(`the repository address is refused: ${reason}`);
    this.name = 'GitRemoteRefused';
  }
}

/** `[::1]` for an IPv6 address, as curl's resolve list writes it. */
const bracketed = (address: string) => (address.includes(':') ? `[${address}]` : address);

/**
 * How git reaches a delivery's repository, checked when the worker connects (a rule may have tightened
 * since the URL was stored): the URL judged again, an https host resolved here and its addresses judged,
 * and git pinned to exactly those addresses, so that a name resolving elsewhere the next time (DNS
 * rebinding) cannot slip in between the check and the connection. Credentials go as a Basic
 * authorization header, never in the URL, where git would write them to its config and its messages.
 */
export async function remoteAccess(
  repoUrl: string,
  credentials: GitCredentials | null,
  rules: GitRemoteRules,
  resolver: HostResolver,
  timeoutMs: number,
): Promise<GitAccess> {
  const verdict = judgeGitRepoUrl(repoUrl, rules);
  if ('reason' in verdict) throw new GitRemoteRefused(`the URL ${verdict.reason}`);
  if (verdict.transport === 'file') return { protocols: ['file'], settings: [], secrets: [], timeoutMs };
  const settings: Array<readonly [string, string]> = [];
  const secrets: string[] = [];
  if (verdict.host) {
    const addresses = await resolver.resolve(verdict.host).catch(() => {
      throw new GitRemoteRefused(`${verdict.host} could not be resolved`);
    });
    const reason = resolvedAddressRefusal(verdict.host, addresses, rules);
    if (reason) throw new GitRemoteRefused(reason);
    const port = new URL(repoUrl).port || '443';
    settings.push(['http.curloptResolve', `${verdict.host}:${port}:${addresses.map(bracketed).join(',')}`]);
  }
  if (credentials) {
    const basic = Buffer.from(`${credentials.username}:${credentials.token}`).toString('base64');
    settings.push(['http.extraHeader', `Authorization: Basic ${basic}`]);
    secrets.push(credentials.token, basic);
  }
  return { protocols: ['https'], settings, secrets, timeoutMs };
}
