import type { BootstrapSecrets } from '@bulkhead/access';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Where first-start secrets go when nobody is watching a terminal, inside the data folder. */
export const BOOTSTRAP_SECRETS_FILE = 'first-start-admin.txt';

export interface Console {
  /** Both stdout and stderr are a terminal: a person reads them, nothing records them. */
  isTerminal: boolean;
  write(text: string): void;
}

function secretsText(secrets: BootstrapSecrets): string {
  const lines: string[] = [];
  if (secrets.token) lines.push(`Admin API token: ${secrets.token}`);
  if (secrets.password) lines.push(`Dashboard sign-in: user "admin", password "${secrets.password}"`);
  return `${lines.join('\n')}\n`;
}

/**
 * Shows what first start generated, once. On a terminal it is printed, as a person expects. When the
 * output is captured (a service manager, a container log, a pipe), printing would keep the secrets
 * in every copy of the log: they go to a file only the owner can read (0600, made anew so no older
 * file's mode or link is reused), and the output gives only its path. Returns that path, if any.
 */
export async function announceBootstrapSecrets(secrets: BootstrapSecrets, console: Console, dataDir: string): Promise<string | null> {
  if (!secrets.token && !secrets.password) return null;
  if (console.isTerminal) {
    console.write(
      `\nBulkhead: first start (shown once, keep it safe):\n\n  ${secretsText(secrets).trimEnd().split('\n').join('\n  ')}\n\n`,
    );
    return null;
  }
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, BOOTSTRAP_SECRETS_FILE);
  await rm(path, { force: true });
  await writeFile(path, secretsText(secrets), { mode: 0o600, flag: 'wx' });
  console.write(
    `Bulkhead: first start. The generated admin credentials are in ${path} (readable only by this user); keep them safe, then delete the file.\n`,
  );
  return path;
}
