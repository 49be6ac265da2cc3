// Compiles every TypeScript source of the workspace into dist/ with SWC (decorator metadata on,
// CommonJS out), rewriting the @bulkhead/* path aliases of tsconfig.base.json to relative paths.
// Type checking is `npm run typecheck`; this only emits, so it is fast enough to run before every start.
// `.proto` files (the gRPC flow sources' minimal protos) are copied beside the code that loads them.
import { transformFile } from '@swc/core';
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'dist');
const roots = ['apps', 'libs', 'migrations', 'test'];
// `testing` folders hold test-only code (in-memory fakes, fixtures): it never goes into the build.
const skip = new Set(['node_modules', 'dist', 'dashboard', 'testing']);

const tsconfig = JSON.parse(await readFile(join(root, 'tsconfig.base.json'), 'utf8'));
const swcrc = JSON.parse(await readFile(join(root, '.swcrc.json'), 'utf8'));

const options = {
  ...swcrc,
  swcrc: false,
  jsc: { ...swcrc.jsc, baseUrl: root, paths: tsconfig.compilerOptions.paths },
};

async function* sources(dir) {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (skip.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if ((entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) || entry.name.endsWith('.proto')) yield path;
  }
}

const started = Date.now();
await rm(out, { recursive: true, force: true });
const files = [];
for (const r of roots) {
  try {
    for await (const f of sources(join(root, r))) files.push(f);
  } catch (e) {
    if (e.code !== 'ENOENT') throw e;
  }
}
await Promise.all(
  files.map(async (file) => {
    if (file.endsWith('.proto')) {
      const copy = join(out, relative(root, file));
      await mkdir(dirname(copy), { recursive: true });
      return copyFile(file, copy);
    }
    const target = join(out, relative(root, file)).replace(/\.ts$/, '.js');
    const { code, map } = await transformFile(file, {
      ...options,
      filename: file,
      outputPath: target,
      sourceFileName: relative(dirname(target), file),
    });
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, map ? `${code}\n//# sourceMappingURL=${target.split('/').pop()}.map` : code);
    if (map) await writeFile(`${target}.map`, map);
  }),
);
console.log(`build: ${files.length} files compiled to dist/ in ${Date.now() - started} ms`);
