import type { HostResolver } from '@bulkhead/inventory';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCommandError, runGit } from './git-command';
import { remoteAccess } from './remote-access';

const STRICT = { allowFileUrls: false, allowLoopback: false };
const TOKEN = 'ghp_secretSECRETsecret0123456789';
const resolvingTo = (...addresses: string[]): HostResolver => ({ resolve: async () => addresses });

describe('how the worker reaches a repository', () => {
  it.each([
    ['file://', 'file:///srv/git/policies.git', STRICT, /must be an https:\/\/ URL \(file:\/\/ only with BULKHEAD_GIT_ALLOW_FILE_URLS\)/],
    ['ssh', 'ssh://git@example.com/team/policies.git', STRICT, /must be an https:\/\/ URL/],
    ["git's ext transport", 'ext::sh -c touch% /tmp/pwned', STRICT, /must be an https:\/\/ URL/],
    ['an option', '--upload-pack=touch /tmp/pwned', STRICT, /is not a URL/],
    ['a loopback address', 'https://127.0.0.1/policies.git', STRICT, /127\.0\.0\.1, a loopback address/],
    ['the metadata service', 'https://[::ffff:169.254.169.254]/x.git', { ...STRICT, allowFileUrls: true }, /a linkLocal address/],
    ['credentials in the URL', 'https://user:pass@git.example.com/x.git', STRICT, /carries credentials/],
  ])('refuses %s', async (_case, url, rules, reason) => {
    const refused = remoteAccess(url, null, rules, resolvingTo('203.0.113.9'), 1000);
    await expect(refused).rejects.toThrow(reason);
    await expect(refused).rejects.not.toThrow('pass'); // the URL itself is never repeated: it may carry a password
  });

  it('refuses a name that resolves to an internal address, when the worker connects', async () => {
    await expect(
      remoteAccess('https://git.example.com/x.git', null, STRICT, resolvingTo('10.0.0.8', '169.254.169.254'), 1000),
    ).rejects.toThrow(/git\.example\.com resolves to 169\.254\.169\.254, a linkLocal address/);
  });

  it('pins git to the addresses it checked, and sends the token in a header, never in the URL', async () => {
    const access = await remoteAccess(
      'https://git.example.com:8443/team/policies.git',
      { username: 'x-access-token', token: TOKEN },
      STRICT,
      resolvingTo('203.0.113.9', '2001:db8::9'),
      1000,
    );
    expect(access.protocols).toEqual(['https']);
    const basic = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');
    expect(access.settings).toEqual([
      ['http.curloptResolve', 'git.example.com:8443:203.0.113.9,[2001:db8::9]'],
      ['http.extraHeader', `Authorization: Basic ${basic}`],
    ]);
    expect(access.secrets).toEqual([TOKEN, basic]);
  });

  it('lets file:// through only with its flag, and then over the file transport alone', async () => {
    const access = await remoteAccess('file:///srv/git/policies.git', null, { ...STRICT, allowFileUrls: true }, resolvingTo(), 1000);
    expect(access).toMatchObject({ protocols: ['file'], settings: [] });
  });
});

describe('a git command', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'bulkhead-git-command-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('never shows a secret in its error, whatever git printed', async () => {
    const access = { protocols: ['file'] as const, settings: [], secrets: [TOKEN], timeoutMs: 10_000 };
    await runGit(dir, ['init', '--bare', '--quiet'], access);
    const failure = runGit(dir, ['cat-file', '-t', TOKEN], access);
    await expect(failure).rejects.toThrow(GitCommandError);
    const error = (await failure.catch((e: GitCommandError) => e)) as GitCommandError;
    expect(`${error.message} ${error.output}`).toContain('***');
    expect(`${error.message} ${error.output}`).not.toContain(TOKEN);
  });

  it('runs without the settings of the host and its environment: no hook, no other transport', async () => {
    const access = { protocols: ['file'] as const, settings: [], secrets: [], timeoutMs: 10_000 };
    expect((await runGit(dir, ['config', '--get', 'core.hooksPath'], access)).trim()).toBe('/dev/null');
    await expect(runGit(dir, ['ls-remote', '--', 'ext::sh -c id'], access)).rejects.toThrow(/transport 'ext' not allowed/);
  });

  it('is stopped when it takes longer than allowed', async () => {
    const access = { protocols: ['file'] as const, settings: [], secrets: [], timeoutMs: 300 };
    await expect(runGit(dir, ['-c', 'alias.wait=!sleep 5', 'wait'], access)).rejects.toThrow('git -c did not finish within 0.3 s');
  });
});
