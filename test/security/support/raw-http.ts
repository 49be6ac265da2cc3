import type { INestApplication } from '@nestjs/common';
import type { Server } from 'node:http';
import { connect, type Socket } from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * An HTTP/1.1 client written by hand over a TCP socket, as an attacker's would be: it sends a request
 * head that promises a body, then sends that body slowly, all at once, or not at all, and sees what
 * the server answers and when it hangs up.
 */
export class RawClient {
  private received = Buffer.alloc(0);
  private readonly answers: RawResponse[] = [];
  private readonly waiting = new Set<() => void>();
  /** Interim answers (100 Continue) in the order they came. */
  readonly interim: number[] = [];
  /** Settles when the server closes the connection (or it breaks). */
  readonly closed: Promise<void>;

  /** This end's port, by which the server's side of the connection is found (serverSockets). */
  readonly localPort: number;

  private constructor(readonly socket: Socket) {
    this.localPort = socket.localPort ?? 0;
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk]);
      this.parse();
      this.notify();
    });
    socket.on('error', () => undefined);
    this.closed = new Promise((resolve) => socket.once('close', () => resolve()));
    socket.once('close', () => this.notify());
  }

  static async open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url);
    const socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return new RawClient(socket);
  }

  /** Sends a request head; the body, if any, is up to the test. */
  sendHead(method: string, path: string, headers: Record<string, string | number>): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: bulkhead.test', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  }

  /**
   * Pours body bytes as fast as the connection takes them (as chunks of a chunked body, if asked),
   * until `total` or the server hangs up; answers how many bytes the socket accepted.
   */
  async pour(total: number, options: { chunked?: boolean } = {}): Promise<number> {
    const piece = Buffer.alloc(64 * 1024, 'a');
    const frame = options.chunked ? Buffer.concat([Buffer.from(`${piece.length.toString(16)}\r\n`), piece, Buffer.from('\r\n')]) : piece;
    let written = 0;
    while (written < total && this.socket.writable) {
      const flushed = this.socket.write(frame);
      written += piece.length;
      if (!flushed) {
        const drained = await Promise.race([
          new Promise<boolean>((resolve) => this.socket.once('drain', () => resolve(true))),
          this.closed.then(() => false),
        ]);
        if (!drained) break;
      }
    }
    return written;
  }

  /** The next final answer (interim 1xx answers are noted in `interim`); rejects when the connection closes first. */
  async response(timeoutMs = 10000): Promise<RawResponse> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answer = this.answers.shift();
      if (answer) return answer;
      if (this.socket.destroyed)
        throw new Error(
          `the connection closed without a complete answer; received: ${JSON.stringify(this.received.toString('latin1').slice(0, 300))}`,
        );
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no answer within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiting.add(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.socket.destroy();
  }

  private notify(): void {
    for (const wake of this.waiting) wake();
    this.waiting.clear();
  }

  private parse(): void {
    for (;;) {
      const end = this.received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const [statusLine, ...lines] = this.received.subarray(0, end).toString('latin1').split('\r\n');
      const status = Number(statusLine!.split(' ')[1]);
      const headers = Object.fromEntries(
        lines.map((line) => [line.slice(0, line.indexOf(':')).toLowerCase(), line.slice(line.indexOf(':') + 1).trim()]),
      );
      if (status >= 100 && status < 200) {
        this.interim.push(status);
        this.received = this.received.subarray(end + 4);
        continue;
      }
      const length = Number(headers['content-length'] ?? 0);
      if (this.received.length < end + 4 + length) return;
      this.answers.push({ status, headers, body: this.received.subarray(end + 4, end + 4 + length).toString('utf8') });
      this.received = this.received.subarray(end + 4 + length);
    }
  }
}

/** The server's side of each connection, by the client's port: how many bytes it read from it. */
export function serverSockets(app: INestApplication): (client: RawClient) => Socket {
  const sockets = new Map<number, Socket>();
  (app.getHttpServer() as Server).on('connection', (socket: Socket) => sockets.set(socket.remotePort ?? 0, socket));
  return (client) => {
    const socket = sockets.get(client.localPort);
    if (!socket) throw new Error('the server saw no connection from this client');
    return socket;
  };
}

/** Opens raw clients to the API at `url()`; each test's clients are closed after it. Call at the top of a spec file. */
export function rawClientsPerTest(url: () => string): () => Promise<RawClient> {
  const opened: RawClient[] = [];
  afterEach(() => opened.splice(0).forEach((client) => client.close()));
  return async () => {
    const client = await RawClient.open(url());
    opened.push(client);
    return client;
  };
}
