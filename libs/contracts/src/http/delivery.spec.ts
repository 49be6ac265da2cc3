import { deliverySchema, gitBranchProblem, gitFolderProblem } from './delivery';

describe('a branch name', () => {
  it.each(['main', 'release/2026-11', 'env/prod.v2', 'feature_x'])('%s is fine', (branch) => {
    expect(gitBranchProblem(branch)).toBeNull();
  });

  it.each([
    ['--upload-pack=touch /tmp/pwned', 'may hold only letters, digits and . _ / -'],
    ['-f', 'may not have a part that starts with "." or "-"'],
    ['env/-x', 'may not have a part that starts with "." or "-"'],
    ['main..other', 'may not hold ".."'],
    ['refs/heads/main:refs/heads/prod', 'may hold only letters, digits and . _ / -'],
    ['main@{0}', 'may hold only letters, digits and . _ / -'],
    ['/main', 'may not start or end with "/" nor hold "//"'],
    ['a//b', 'may not start or end with "/" nor hold "//"'],
    ['.hidden', 'may not have a part that starts with "." or "-"'],
    ['main.lock', 'may not end with "." or have a part ending in ".lock"'],
    ['main.', 'may not end with "." or have a part ending in ".lock"'],
    ['HEAD', 'may not be HEAD'],
    ['ma in', 'may hold only letters, digits and . _ / -'],
  ])('%s is refused: %s', (branch, problem) => {
    expect(gitBranchProblem(branch)).toBe(problem);
  });
});

describe('a folder of the repository', () => {
  it.each(['clusters/prod', 'policies', 'k8s/network-policies_v1'])('%s is fine', (path) => {
    expect(gitFolderProblem(path)).toBeNull();
  });

  it.each([
    ['/etc', 'is relative to the repository (no leading "/"), without "//" or a trailing "/"'],
    ['clusters/', 'is relative to the repository (no leading "/"), without "//" or a trailing "/"'],
    ['../outside', 'may not hold "." or ".." parts'],
    ['a/./b', 'may not hold "." or ".." parts'],
    ['.git/hooks', 'may not reach into .git'],
    ['x/.GIT', 'may not reach into .git'],
    ['-n', 'may not have a part that starts with "-"'],
    ['a b', 'may hold only letters, digits and . _ / -'],
  ])('%s is refused: %s', (path, problem) => {
    expect(gitFolderProblem(path)).toBe(problem);
  });
});

describe('a delivery in a request', () => {
  it('is direct, or git with a branch, a folder and a sync timeout of two minutes unless said', () => {
    expect(deliverySchema.parse({ kind: 'direct' })).toEqual({ kind: 'direct' });
    expect(deliverySchema.parse({ kind: 'git', repoUrl: 'https://git.example.com/p.git', branch: 'main', path: 'clusters/prod' })).toEqual({
      kind: 'git',
      repoUrl: 'https://git.example.com/p.git',
      branch: 'main',
      path: 'clusters/prod',
      syncTimeoutSeconds: 120,
    });
  });

  it('refuses a token that could break out of its header, naming the field', () => {
    const parsed = deliverySchema.safeParse({
      kind: 'git',
      repoUrl: 'https://git.example.com/p.git',
      branch: 'main',
      path: 'p',
      credentials: { token: 'abc\r\nX-Injected: 1' },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['credentials.token']);
  });
});
