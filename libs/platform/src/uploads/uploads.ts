import { createHash, randomUUID } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';

export class UploadTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`the upload is larger than the limit of ${Math.round(limitBytes / 1024 / 1024)} MB`);
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
  constructor(private readonly dir: string) {}

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

  /** The file as UTF-8 text chunks, with a callback counting the bytes read. */
  async *read(path: string, onBytes: (bytes: number) => void): AsyncIterable<string> {
    const stream = createReadStream(path, { highWaterMark: 1 << 20 });
    const decoder = new TextDecoder('utf-8');
    for await (const chunk of stream) {
      onBytes((chunk as Buffer).length);
      const text = decoder.decode(chunk as Buffer, { stream: true });
      if (text) yield text;
    }
    const rest = decoder.decode();
    if (rest) yield rest;
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }
}
