import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { UploadStorage, UploadUnreadableError } from './uploads';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'bulkhead-uploads-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

async function readAll(storage: UploadStorage, content: Buffer): Promise<{ text: string; bytes: number }> {
  const path = join(dir, 'file.upload');
  await writeFile(path, content);
  let bytes = 0;
  let text = '';
  for await (const chunk of storage.read(path, (n) => (bytes += n))) text += chunk;
  return { text, bytes };
}

const lines = Array.from({ length: 5000 }, (_, i) => `{"line":${i},"name":"zürich"}`).join('\n');

describe('reading a stored upload', () => {
  it('reads a plain file as text, counting its bytes', async () => {
    expect(await readAll(new UploadStorage(dir), Buffer.from(lines))).toEqual({ text: lines, bytes: Buffer.byteLength(lines) });
  });

  it('decompresses a gzip file, told by its magic bytes, counting the compressed bytes', async () => {
    const gzipped = gzipSync(lines);
    expect(await readAll(new UploadStorage(dir, { maxGunzipBytes: 1024 * 1024 }), gzipped)).toEqual({ text: lines, bytes: gzipped.length });
  });

  it('reads concatenated gzip members as one text', async () => {
    const [a, b] = [lines.slice(0, 1000), lines.slice(1000)];
    expect((await readAll(new UploadStorage(dir), Buffer.concat([gzipSync(a), gzipSync(b)]))).text).toBe(lines);
  });

  it('refuses a gzip that decompresses past the bound', async () => {
    const bomb = gzipSync(Buffer.alloc(4 * 1024 * 1024, 'a'));
    await expect(readAll(new UploadStorage(dir, { maxGunzipBytes: 1024 * 1024 }), bomb)).rejects.toThrow(
      new UploadUnreadableError('the gzip file decompresses to more than 1 MB (BULKHEAD_MAX_GUNZIP_MB)'),
    );
  });

  it('refuses a truncated gzip as damaged', async () => {
    const gzipped = gzipSync(lines);
    await expect(readAll(new UploadStorage(dir), gzipped.subarray(0, gzipped.length - 20))).rejects.toThrow(/^the gzip file is damaged: /);
  });
});
