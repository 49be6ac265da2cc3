import { execFile } from 'node:child_process';

/** Where git is looked for: fixed, so that nothing in the server's environment puts another `git` first. */
const SEARCH_PATH = '/usr/local/bin:/usr/bin:/bin';

/** What one command may print before it is stopped: far more than a namespace's policies. */
const MAX_OUTPUT_BYTES = 32 * 1024 * 1024;

/**
 * Settings every command runs with, whatever the host's git configuration says (which is not read at
 * all): no hook, no credential helper, no redirect (a server cannot send the token on to another
 * host), fetched objects checked, and no automatic gc or maintenance, so that commands may run side by
 * side in one repository.
 */
const HARDENED: ReadonlyArray<readonly [string, string]> = [
  ['core.hooksPath', '/dev/null'],
  ['credential.helper', ''],
  ['http.followRedirects', 'false'],
  ['transfer.fsckObjects', 'true'],
  ['gc.auto', '0'],
  ['maintenance.auto', 'false'],
  ['core.fsmonitor', 'false'],
  ['protocol.allow', 'never'],
];

/** The author and committer of Bulkhead's commits. */
const IDENTITY = { name: 'Bulkhead', email: 'bulkhead@localhost' };

/** How git commands reach one remote. */
export interface GitAccess {
  /** The transports git may use: https, and file for tests. Every other one (ssh, ext, fd, git) is off. */
  protocols: ReadonlyArray<'https' | 'file'>;
  /**
   * More settings (the sign-in header, the checked address of the host). They travel in the
   * environment, never on the command line, which any user of the host can read.
   */
  settings: ReadonlyArray<readonly [string, string]>;
  /** Texts that never appear in an error (the token, the header that carries it). */
  secrets: readonly string[];
  /** How long one command may take. */
  timeoutMs: number;
}

export class GitCommandError extends Error {
  constructor(
    message: string,
    /** What git printed, secrets masked. */
    readonly output: string,
  ) {
    super(message);
    this.name = 'GitCommandError';
  }
}

const mask = (text: string, secrets: readonly string[]): string =>
  secrets.filter((s) => s !== '').reduce((masked, secret) => masked.split(secret).join('***'), text);

/** The environment of a command: nothing inherited, so no variable of the server's can change what git does. */
function environment(home: string, access: GitAccess, extra: Record<string, string>): Record<string, string> {
  const settings = [...HARDENED, ...access.settings];
  const env: Record<string, string> = {
    PATH: SEARCH_PATH,
    HOME: home,
    LC_ALL: 'C',
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_CONFIG_GLOBAL: '/dev/null',
    GIT_TERMINAL_PROMPT: '0',
    GIT_ALLOW_PROTOCOL: access.protocols.join(':'),
    GIT_PROTOCOL_FROM_USER: '0',
    GIT_AUTHOR_NAME: IDENTITY.name,
    GIT_AUTHOR_EMAIL: IDENTITY.email,
    GIT_COMMITTER_NAME: IDENTITY.name,
    GIT_COMMITTER_EMAIL: IDENTITY.email,
    GIT_CONFIG_COUNT: String(settings.length),
    ...extra,
  };
  settings.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return env;
}

/**
 * Runs one git command, without a shell, in `dir` (a bare repository unless `env` says otherwise), and
 * answers what it printed. It fails with a GitCommandError naming the subcommand and git's last words,
 * secrets masked, when git fails or takes longer than the access allows.
 */
export function runGit(
  dir: string,
  args: readonly string[],
  access: GitAccess,
  options: { input?: string; env?: Record<string, string> } = {},
): Promise<string> {
  const env = environment(dir, access, { GIT_DIR: dir, ...options.env });
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      [...args],
      { cwd: dir, env, timeout: access.timeoutMs, killSignal: 'SIGKILL', maxBuffer: MAX_OUTPUT_BYTES, encoding: 'utf8' },
      (error, stdout, stderr) => {
        if (!error) return resolve(stdout);
        const output = mask(`${stdout}\n${stderr}`.trim(), access.secrets);
        const killed = (error as { killed?: boolean }).killed === true;
        const said = output.split('\n').slice(-3).join(' ').trim();
        const why = killed ? `did not finish within ${access.timeoutMs / 1000} s` : `failed${said ? `: ${said}` : ''}`;
        reject(new GitCommandError(`git ${args[0] ?? ''} ${why}`, output));
      },
    );
    // A command that reads no input may be gone before its input is closed: what it answers says how it went.
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(options.input ?? '');
  });
}
