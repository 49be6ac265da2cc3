import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline as pipe, type Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';

export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the upload is larger than the limit of ${Math.round(limitBytes / 1024 / 1024)} MB`);
  }
}

/** A stored file that cannot be read as text: a damaged gzip, or one that decompresses past the bound. */
export class UploadUnreadableError extends Error {}

/** The two bytes every gzip member starts with (RFC 1952). */
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

async function isGzip(path: string): Promise<boolean> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await file.read(head, 0, 2, 0);
    return bytesRead === 2 && head.equals(GZIP_MAGIC);
  } finally {
    await file.close();
  }
}

export interface StoredUpload {
  path: string;
  sha256: string;
  sizeBytes: number;
}

/**
 * Where uploaded files wait for a worker. Bytes go straight from the request to disk while they are
 * hashed, so an upload of any size costs a few kilobytes of memory; past the limit the file is removed.
 */
export class UploadStorage {
  /** `maxGunzipBytes` bounds what a gzip file may decompress to when read (none when not given: the API only receives). */
  constructor(
    private readonly dir: string,
    private readonly limits: { maxGunzipBytes?: number } = {},
  ) {}

  async receive(source: Readable, limitBytes: number): Promise<StoredUpload> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${randomUUID()}.upload`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        size += chunk.length;
        if (size > limitBytes) return callback(new UploadTooLargeError(limitBytes));
        hash.update(chunk);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(source, meter, createWriteStream(path, { mode: 0o600 }));
    } catch (error) {
      await rm(path, { force: true });
      throw error;
    }
    return { path, sha256: hash.digest('hex'), sizeBytes: size };
  }

  /**
   * The file as UTF-8 text chunks, with a callback counting the bytes read from disk. A gzip file
   * (told by its first two bytes) is decompressed on the fly, never whole in memory, and throws
   * UploadUnreadableError when it is damaged or decompresses past the bound.
   */
  async *read(path: string, onBytes: (bytes: number) => void): AsyncIterable<string> {
    const gzipped = await isGzip(path);
    const meter = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        onBytes(chunk.length);
        callback(null, chunk);
      },
    });
    const file = createReadStream(path, { highWaterMark: 1 << 20 });
    // Errors of any stage reach the last stream, whose iteration below throws them.
    const bytes: Readable = gzipped ? pipe(file, meter, createGunzip(), () => undefined) : pipe(file, meter, () => undefined);
    const bound = this.limits.maxGunzipBytes ?? Infinity;
    const decoder = new TextDecoder('utf-8');
    let expanded = 0;
    try {
      for await (const chunk of bytes) {
        expanded += (chunk as Buffer).length;
        if (gzipped && expanded > bound) {
          throw new UploadUnreadableError(
            `the gzip file decompresses to more than ${Math.round(bound / 1024 / 1024)} MB (BULKHEAD_MAX_GUNZIP_MB)`,
          );
        }
        const text = decoder.decode(chunk as Buffer, { stream: true });
        if (text) yield text;
      }
    } catch (error) {
      if (gzipped && typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('Z_')) {
        throw new UploadUnreadableError(`the gzip file is damaged: ${(error as Error).message}`);
      }
      throw error;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
