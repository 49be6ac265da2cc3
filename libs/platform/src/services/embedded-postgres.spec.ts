import { chmod, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reachableByOthers } from './embedded-postgres';

describe('reachableByOthers: whether the postgres user may walk down to a path', () => {
  let scratch: string;
  beforeEach(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'bulkhead-reach-'));
  });
  afterEach(() => rm(scratch, { recursive: true, force: true }));

  it('is false below a folder closed to others (0700), however open the folders under it are', async () => {
    const deep = join(scratch, 'checkout', 'node_modules');
    await mkdir(deep, { recursive: true, mode: 0o755 });
    await chmod(scratch, 0o700);
    expect(await reachableByOthers(deep)).toBe(false);
  });

  it('is true when every folder above lets others through, even without listing (0711)', async () => {
    const deep = join(scratch, 'checkout');
    await mkdir(deep, { mode: 0o755 });
    await chmod(scratch, 0o711);
    expect(await reachableByOthers(deep)).toBe(true);
  });
});
