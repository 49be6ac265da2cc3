import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { compareInstants, type HubbleInstant, instantFromRfc3339 } from '@bulkhead/flows';
import { join } from 'node:path';
import { serverCredentials } from './certificates';

const PROTO = join(__dirname, '..', '..', '..', 'libs', 'cluster', 'src', 'flow-sources', 'proto', 'hubble-observer.proto');

/**
 * A jsonpb line of `hubble observe -o jsonpb` (a GetFlowsResponse in proto3 JSON) as the object the
 * wire encoder takes: Timestamps and the BoolValue `is_reply` become messages again.
 */
export function wireResponseFromJsonpb(line: string): any {
  const response = JSON.parse(line);
  const instant = (time: unknown) => (typeof time === 'string' ? instantFromRfc3339(time) : undefined);
  if (response.time) response.time = instant(response.time);
  const flow = response.flow;
  if (flow) {
    if (flow.time) flow.time = instant(flow.time);
    if (typeof flow.is_reply === 'boolean') flow.is_reply = { value: flow.is_reply };
  }
  return response;
}

const timeOf = (response: any): HubbleInstant => response.flow?.time ?? response.time ?? { seconds: 0, nanos: 0 };

/**
 * A Hubble Relay for tests: the real `observer.Observer` service (from Bulkhead's minimal proto, so the
 * bytes are the real wire format) over plain gRPC or mTLS, serving a history of flows it holds (oldest
 * first, `since`, `first`/`number`) and, with `follow`, every flow `publish`ed later. Streams honour
 * HTTP/2 flow control (a paused client slows the server down). `cut()` breaks every open stream mid-way;
 * `stop()` and `start()` again restart it on the same port with the same history, as a relay restart
 * does (the agents keep the flows). `cutAfter(n)` cuts them at a known flow.
 */
export class FakeHubbleRelay {
  readonly history: any[] = [];
  private server?: grpc.Server;
  private readonly followers = new Set<{ call: grpc.ServerWritableStream<any, any>; queue: any[]; wake?: () => void }>();
  port = 0;
  /** Requests received, in order. */
  readonly requests: any[] = [];
  /** Flows still to send before every stream is cut (`cutAfter`); null: no cut planned. */
  private flowsBeforeCut: number | null = null;

  constructor(private readonly tls?: { ca: string; certificate: string; key: string }) {}

  /** Adds flows to the history (kept in time order) without sending them to anyone. */
  hold(responses: any[]): void {
    this.history.push(...responses);
    this.history.sort((a, b) => compareInstants(timeOf(a), timeOf(b)));
  }

  /** Adds flows to the history and sends them to every follower. */
  publish(responses: any[]): void {
    this.hold(responses);
    this.stream(responses);
  }

  /** Sends flows to every follower without keeping them (a relay whose history is not under test, as in the benchmark). */
  stream(responses: any[]): void {
    for (const follower of this.followers) {
      follower.queue.push(...responses);
      follower.wake?.();
    }
  }

  /** Flows waiting to be sent to the follower furthest behind. */
  get backlog(): number {
    return Math.max(0, ...[...this.followers].map((f) => f.queue.length));
  }

  /** Followers now streaming. */
  get following(): number {
    return this.followers.size;
  }

  /** Forgets the flows older than `instant`, as a ring buffer that moved on. */
  forgetBefore(instant: HubbleInstant): void {
    const keep = this.history.filter((r) => compareInstants(timeOf(r), instant) >= 0);
    this.history.splice(0, this.history.length, ...keep);
  }

  async start(port = this.port): Promise<number> {
    const definition = grpc.loadPackageDefinition(
      loadSync(PROTO, { keepCase: true, enums: String, longs: Number, defaults: false, oneofs: false }),
    );
    const service = ((definition.observer as grpc.GrpcObject).Observer as grpc.ServiceClientConstructor).service;
    const server = new grpc.Server();
    server.addService(service, { GetFlows: (call: grpc.ServerWritableStream<any, any>) => void this.getFlows(call) });
    const credentials = serverCredentials(this.tls);
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, credentials, (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    return this.port;
  }

  /** Breaks every open stream (the collector sees UNAVAILABLE), as a network cut would. */
  cut(): void {
    for (const follower of this.followers) {
      // The call ends with the status once what it already buffered is sent (grpc-js sends no status for a destroyed call).
      follower.call.emit('error', Object.assign(new Error('cut off by the test'), { code: grpc.status.UNAVAILABLE }));
      follower.wake?.();
    }
    this.followers.clear();
  }

  /** Cuts every open stream once `flows` more flows have been sent, whichever streams sent them: a cut mid-stream, at a known flow. */
  cutAfter(flows: number): void {
    this.flowsBeforeCut = flows;
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server?.forceShutdown();
  }

  private async getFlows(call: grpc.ServerWritableStream<any, any>): Promise<void> {
    const request = call.request ?? {};
    this.requests.push(request);
    call.sendMetadata(new grpc.Metadata());
    if (request.first && request.number) {
      for (const response of this.history.slice(0, Number(request.number))) call.write(response);
      call.end();
      return;
    }
    // A zero Timestamp is an empty message on the wire: present, with no fields.
    const since: HubbleInstant | undefined = request.since && {
      seconds: Number(request.since.seconds ?? 0),
      nanos: Number(request.since.nanos ?? 0),
    };
    const backlog = since ? this.history.filter((r) => compareInstants(timeOf(r), since) >= 0) : [];
    if (!request.follow) {
      for (const response of backlog) call.write(response);
      call.end();
      return;
    }
    const follower = { call, queue: backlog, wake: undefined as undefined | (() => void) };
    this.followers.add(follower);
    call.on('cancelled', () => {
      this.followers.delete(follower);
      follower.wake?.();
    });
    while (this.followers.has(follower)) {
      const next = follower.queue.shift();
      if (next === undefined) {
        await new Promise<void>((resolve) => (follower.wake = resolve));
        follower.wake = undefined;
        continue;
      }
      const flowing = call.write(next);
      if (this.flowsBeforeCut !== null && --this.flowsBeforeCut === 0) {
        this.flowsBeforeCut = null;
        this.cut();
        return;
      }
      if (!flowing) await new Promise<void>((resolve) => call.once('drain', () => resolve()));
    }
  }
}
