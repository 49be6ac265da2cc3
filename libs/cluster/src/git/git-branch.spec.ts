import { pushLostRace } from './git-branch';

describe('pushLostRace', () => {
  it.each([
    ['not a fast-forward', 'To /tmp/r.git\n!\tabc:refs/heads/main\t[rejected] (non-fast-forward)\nDone'],
    ['fetch first', '!\tabc:refs/heads/main\t[rejected] (fetch first)'],
    [
      'two pushes at once: the ref lock',
      "!\tabc:refs/heads/main\t[remote rejected] (cannot lock ref 'refs/heads/main': is at 1111 but expected 2222)",
    ],
    [
      'two pushes at once, as a local remote says it on stderr',
      "remote: error: cannot lock ref 'refs/heads/main': is at 4835 but expected e6b5\nerror: failed to push some refs to 'file:///tmp/origin.git'",
    ],
    ['two pushes at once: the ref update', '!\tabc:refs/heads/main\t[remote rejected] (failed to update ref)'],
    ['a server that checks the old value', '!\tabc:refs/heads/main\t[remote rejected] (incorrect old value provided)'],
  ])('%s is a lost race, to start over from the new tip', (_name, output) => {
    expect(pushLostRace(output)).toBe(true);
  });

  it.each([
    ['a hook', '!\tabc:refs/heads/main\t[remote rejected] (pre-receive hook declined)'],
    ['a protected branch', '!\tabc:refs/heads/main\t[remote rejected] (protected branch hook declined)'],
    ['no access', 'fatal: Authentication failed'],
  ])('%s is no race and fails the push', (_name, output) => {
    expect(pushLostRace(output)).toBe(false);
  });
});
