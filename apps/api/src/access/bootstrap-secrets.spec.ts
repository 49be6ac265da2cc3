import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { announceBootstrapSecrets, BOOTSTRAP_SECRETS_FILE } from './bootstrap-secrets';

const secrets = { token: 'bh_secret-token-value', password: 'secret-password' };

describe('first-start secrets', () => {
  let dataDir: string;
  let printed: string;
  const console = (isTerminal: boolean) => ({ isTerminal, write: (text: string) => void (printed += text) });

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'bulkhead-bootstrap-'));
    printed = '';
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  it('when the output is captured, writes them to a file only the owner can read and prints only its path', async () => {
    const path = await announceBootstrapSecrets(secrets, console(false), dataDir);
    expect(path).toBe(join(dataDir, BOOTSTRAP_SECRETS_FILE));
    expect((await stat(path!)).mode & 0o777).toBe(0o600);
    expect(await readFile(path!, 'utf8')).toContain(secrets.token);
    expect(await readFile(path!, 'utf8')).toContain(secrets.password);
    expect(printed).toContain(path);
    expect(printed).not.toContain(secrets.token);
    expect(printed).not.toContain(secrets.password);
  });

  it('replaces an older file readable by others instead of writing into it', async () => {
    const path = join(dataDir, BOOTSTRAP_SECRETS_FILE);
    await writeFile(path, 'old', { mode: 0o644 });
    await announceBootstrapSecrets(secrets, console(false), dataDir);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, 'utf8')).not.toContain('old');
  });

  it('on a terminal, prints them and writes no file', async () => {
    expect(await announceBootstrapSecrets(secrets, console(true), dataDir)).toBeNull();
    expect(printed).toContain(secrets.token);
    expect(printed).toContain(secrets.password);
    await expect(stat(join(dataDir, BOOTSTRAP_SECRETS_FILE))).rejects.toThrow(/ENOENT/);
  });

  it('says nothing when nothing was generated', async () => {
    expect(await announceBootstrapSecrets({ token: null, password: null }, console(false), dataDir)).toBeNull();
    expect(printed).toBe('');
  });
});
