import type { ClusterRecord } from './cluster-store.port';
import { checkDelivery } from './delivery';
import { judgeGitRepoUrl } from './git-remote-policy';

const STRICT = { allowFileUrls: false, allowLoopback: false };

describe('a repository URL, as written', () => {
  it.each([
    ['https://github.com/team/policies.git', { transport: 'https', host: 'github.com' }],
    ['https://203.0.113.9/team/policies.git', { transport: 'https' }],
  ])('%s is fine', (url, verdict) => {
    expect(judgeGitRepoUrl(url, STRICT)).toEqual(verdict);
  });

  it.each([
    ['file:///srv/policies.git', 'must be an https:// URL (file:// only with BULKHEAD_GIT_ALLOW_FILE_URLS)'],
    ['http://git.example.com/p.git', 'must be an https:// URL'],
    ['ssh://git@github.com/team/policies.git', 'must be an https:// URL'],
    ['git@github.com:team/policies.git', 'is not a URL (https://host/owner/repository.git)'],
    ['ext::sh -c id', 'must be an https:// URL'],
    ['-uhelp', 'is not a URL (https://host/owner/repository.git)'],
    ['https://token@github.com/team/policies.git', 'carries credentials; give them as the delivery credentials, which are sealed'],
    ['https://github.com/team/policies.git?ref=main', 'may not carry a query or a fragment'],
    ['https://localhost/p.git', 'points to localhost, a loopback name (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)'],
    ['https://0x7f000001/p.git', 'points to 127.0.0.1, a loopback address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)'],
    ['https://[fe80::1]/p.git', 'points to fe80::1, a linkLocal address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)'],
  ])('%s is refused: %s', (url, reason) => {
    expect(judgeGitRepoUrl(url, STRICT)).toEqual({ reason });
  });

  it('takes file:// with its flag, for a folder of this host only', () => {
    expect(judgeGitRepoUrl('file:///srv/policies.git', { ...STRICT, allowFileUrls: true })).toEqual({ transport: 'file' });
    expect(judgeGitRepoUrl('file://other-host/srv/policies.git', { ...STRICT, allowFileUrls: true })).toEqual({
      reason: 'must name a folder of this host (file:///path/to/repository.git)',
    });
  });
});

describe('a delivery checked for the store', () => {
  const deps = {
    sealer: { seal: (text: string) => new TextEncoder().encode(`sealed:${text}`) },
    resolver: { resolve: async (host: string) => (host === 'internal.example.com' ? ['169.254.169.254'] : ['203.0.113.9']) },
    gitRemotes: STRICT,
  };
  const git = (repoUrl: string, more: Record<string, unknown> = {}) =>
    ({ kind: 'git', repoUrl, branch: 'main', path: 'clusters/prod', syncTimeoutSeconds: 60, ...more }) as const;
  const current = (repoUrl: string) => ({ delivery: git(repoUrl), hasDeliveryCredentials: true }) as unknown as ClusterRecord;
  const problem = (promise: Promise<unknown>) =>
    promise.then(
      () => null,
      (error: { problems: unknown[] }) => error.problems,
    );

  it('seals the credentials and keeps them out of the delivery', async () => {
    const change = await checkDelivery(deps, git('https://git.example.com/p.git', { credentials: { username: 'bot', token: 't0ken' } }));
    expect(change.delivery).toEqual(git('https://git.example.com/p.git'));
    expect(change.sealedDeliveryCredentials).toEqual(deps.sealer.seal('{"username":"bot","token":"t0ken"}'));
  });

  it('refuses a host that resolves to an internal address, naming the field', async () => {
    expect(await problem(checkDelivery(deps, git('https://internal.example.com/p.git')))).toEqual([
      {
        field: 'delivery.repoUrl',
        reason: 'internal.example.com resolves to 169.254.169.254, a linkLocal address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)',
      },
    ]);
  });

  it('keeps stored credentials while the repository stays on its server, and never lets them follow it elsewhere', async () => {
    expect(await checkDelivery(deps, git('https://git.example.com/other.git'), current('https://git.example.com/p.git'))).toEqual({
      delivery: git('https://git.example.com/other.git'),
    });
    expect(await problem(checkDelivery(deps, git('https://attacker.example.net/p.git'), current('https://git.example.com/p.git')))).toEqual(
      [
        {
          field: 'delivery.credentials',
          reason: 'must be given again, or null to drop them: the stored ones were given for another server',
        },
      ],
    );
    expect(
      await checkDelivery(deps, git('https://attacker.example.net/p.git', { credentials: null }), current('https://git.example.com/p.git')),
    ).toEqual({ delivery: git('https://attacker.example.net/p.git'), sealedDeliveryCredentials: null });
  });

  it('drops the credentials of a delivery that turns direct', async () => {
    expect(await checkDelivery(deps, { kind: 'direct' }, current('https://git.example.com/p.git'))).toEqual({
      delivery: { kind: 'direct' },
      sealedDeliveryCredentials: null,
    });
  });

  it('refuses credentials for a file:// repository', async () => {
    const withFiles = { ...deps, gitRemotes: { ...STRICT, allowFileUrls: true } };
    expect(await problem(checkDelivery(withFiles, git('file:///srv/p.git', { credentials: { username: 'bot', token: 't' } })))).toEqual([
      { field: 'delivery.credentials', reason: 'only go with an https:// repository' },
    ]);
  });
});
