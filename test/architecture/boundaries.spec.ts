import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

/**
 * The architecture is enforced by lint; this proves the rules bite. Each case is lint run on a
 * snippet as if it were a file at that path. A rule that cannot fail would pass the bad cases.
 */
const cases = [
  {
    path: 'libs/netpol/src/bad-orm.ts',
    code: "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/netpol/src/bad-fs.ts',
    code: "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n",
    expect: 'no-restricted-imports',
  },
  { path: 'libs/flows/src/bad-clock.ts', code: 'export const now = () => Date.now();\n', expect: 'no-restricted-properties' },
  { path: 'libs/flows/src/bad-env.ts', code: 'export const env = () => process.env;\n', expect: 'no-restricted-globals' },
  {
    path: 'libs/concurrency/src/bad-timer.ts',
    code: 'export const later = (f: () => void) => setTimeout(f, 10);\n',
    expect: 'no-restricted-globals',
  },
  {
    path: 'libs/concurrency/src/bad-orm.ts',
    code: "import { DataSource } from 'typeorm';\nexport const x = DataSource;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/netpol/src/bad-adapter.ts',
    code: "import { TypeOrmClusterStore } from '@bulkhead/persistence';\nexport const x = TypeOrmClusterStore;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/inventory/src/bad-queue.ts',
    code: "import { Queue } from 'bullmq';\nexport const x = Queue;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/inventory/src/bad-adapter.ts',
    code: "import { TypeOrmClusterStore } from '@bulkhead/persistence';\nexport const x = TypeOrmClusterStore;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/contracts/src/bad-platform.ts',
    code: "import { loadConfig } from '@bulkhead/platform';\nexport const x = loadConfig;\n",
    expect: '@nx/enforce-module-boundaries',
  },
  {
    path: 'libs/netpol/src/fine.ts',
    code: "import YAML from 'yaml';\nexport const parse = (t: string): unknown => YAML.parse(t);\n",
    expect: null,
  },
  {
    path: 'libs/persistence/src/fine.ts',
    code: "import { AppError } from '@bulkhead/contracts';\nexport const x = AppError;\n",
    expect: null,
  },
  {
    path: 'apps/api/src/fine.ts',
    code: "import { TypeOrmClusterStore } from '@bulkhead/persistence';\nexport const x = TypeOrmClusterStore;\n",
    expect: null,
  },
];

describe('module boundaries', () => {
  const root = join(__dirname, '..', '..');
  const env = { ...process.env, NX_DAEMON: 'false', NX_NO_CLOUD: 'true' };
  // The Nx rule reads the project graph from Nx's cache and silently skips itself without one.
  execFileSync(join(root, 'node_modules', '.bin', 'nx'), ['show', 'projects'], { cwd: root, env, stdio: 'ignore' });
  const results: Array<{ path: string; rules: string[] }> = JSON.parse(
    execFileSync(process.execPath, [join(__dirname, 'lint-texts.mjs')], { cwd: root, input: JSON.stringify(cases), env })
      .toString()
      .split('\n@@results@@\n')[1]!,
  );

  it.each(cases)('$path: $expect', ({ path, expect: rule }) => {
    const { rules } = results.find((r) => r.path === path)!;
    if (rule) expect(rules).toContain(rule);
    else expect(rules).toEqual([]);
  });
});
