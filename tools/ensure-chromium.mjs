// The dashboard's end-to-end tests drive Debian's Chromium (no browser download works here).
// Installs it with apt-get when it is missing and we may; otherwise says how, and fails.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const CHROMIUM = '/usr/bin/chromium';
if (existsSync(CHROMIUM)) process.exit(0);
const root = typeof process.getuid === 'function' && process.getuid() === 0;
if (!root || !existsSync('/usr/bin/apt-get')) {
  console.error(`The dashboard tests need Chromium at ${CHROMIUM}: install it with "sudo apt-get install -y chromium".`);
  process.exit(1);
}
console.log('Installing Chromium for the dashboard tests (apt-get install chromium)...');
const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
