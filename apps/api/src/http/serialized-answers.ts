import type { Request, Response } from 'express';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

const gzipped = promisify(gzip);

/**
 * One answer as JSON, with its entity tag (weak: the JSON and its compressed bytes are the same answer),
 * and gzip-compressed (made when first asked for) for the clients that accept it.
 */
export class SerializedAnswer {
  private compressed?: Promise<Buffer>;
  readonly etag: string;

  constructor(readonly json: string) {
    this.etag = `W/"${createHash('sha1').update(json).digest('base64url')}"`;
  }

  gzip(): Promise<Buffer> {
    return (this.compressed ??= gzipped(this.json));
  }
}

/**
 * Writes an answer: compressed for a client that accepts gzip (browsers do), else as it is. Its entity
 * tag was made with it, so Express does not hash the body of every answer to make one.
 */
export async function sendAnswer(req: Request, res: Response, answer: SerializedAnswer): Promise<void> {
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('ETag', answer.etag);
  res.vary('Accept-Encoding');
  if (req.acceptsEncodings('gzip') !== 'gzip') {
    res.send(answer.json);
    return;
  }
  const body = await answer.gzip();
  res.setHeader('Content-Encoding', 'gzip');
  res.send(body);
}

/**
 * Answers already serialized, by a key that names an unchanging content (a plan, which is never
 * changed once written; a rollout at one version): a large answer is read and turned into JSON once
 * per key rather than once per request (and compressed once). Kept up to a budget of characters, the least recently used
 * leaving first; callers asking for the same key at once share one making.
 */
export class SerializedAnswers {
  private readonly kept = new Map<string, SerializedAnswer>();
  private readonly making = new Map<string, Promise<SerializedAnswer>>();
  private size = 0;

  constructor(private readonly budgetChars: number) {}

  async get(key: string, make: () => Promise<unknown>): Promise<SerializedAnswer> {
    const hit = this.kept.get(key);
    if (hit !== undefined) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit;
    }
    const underway = this.making.get(key);
    if (underway) return underway;
    const made = make()
      .then((value) => {
        const answer = new SerializedAnswer(JSON.stringify(value));
        this.keep(key, answer);
        return answer;
      })
      .finally(() => this.making.delete(key));
    this.making.set(key, made);
    return made;
  }

  private keep(key: string, answer: SerializedAnswer): void {
    if (answer.json.length > this.budgetChars) return;
    this.kept.set(key, answer);
    this.size += answer.json.length;
    for (const [oldest, kept] of this.kept) {
      if (this.size <= this.budgetChars) break;
      this.kept.delete(oldest);
      this.size -= kept.json.length;
    }
  }
}
