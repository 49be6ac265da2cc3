import * as grpc from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { join } from 'node:path';
import { serverCredentials } from './certificates';

const PROTO = join(__dirname, '..', '..', '..', 'libs', 'cluster', 'src', 'flow-sources', 'proto', 'goldmane.proto');

/** One Goldmane flow as the wire encoder takes it: `{ Key, start_time, end_time, num_connections_started, ... }`. */
export type GoldmaneFlow = any;

const bucketId = (flow: GoldmaneFlow) => `${flow.start_time}|${JSON.stringify(flow.Key)}`;

/**
 * A Calico Goldmane for tests: the real `goldmane.Flows` service (Bulkhead's minimal proto, so the bytes
 * are the real wire format) over plain gRPC or mTLS. It holds its buckets as Goldmane does, one flow per
 * (bucket start, flow key), a publish of the same key and bucket replacing the counts (a re-sent bucket),
 * and serves them to `List` (time window, pages) and to `Stream` (what is published from now on; a
 * non-zero start sends the held buckets first). `cut()` breaks every open stream; `stop()` and `start()`
 * again restart it on the same port with the same buckets.
 */
export class FakeGoldmane {
  private readonly buckets = new Map<string, GoldmaneFlow>();
  private server?: grpc.Server;
  private readonly streams = new Set<grpc.ServerWritableStream<any, any>>();
  private nextId = 1;
  private readonly ids = new Map<string, number>();
  port = 0;
  /** Requests received, in order, by method. */
  readonly requests: Array<{ method: 'List' | 'Stream'; request: any }> = [];

  constructor(private readonly tls?: { ca: string; certificate: string; key: string }) {}

  /** Holds flows (a bucket again: its counts replaced) without sending them to anyone. */
  hold(flows: GoldmaneFlow[]): void {
    for (const flow of flows) {
      const id = bucketId(flow);
      if (!this.ids.has(id)) this.ids.set(id, this.nextId++);
      this.buckets.set(id, flow);
    }
  }

  /** Holds flows and sends them to every open stream. */
  publish(flows: GoldmaneFlow[]): void {
    this.hold(flows);
    for (const call of this.streams) for (const flow of flows) call.write(this.result(flow));
  }

  /** Forgets the buckets that start before `seconds`, as Goldmane's retention does. */
  forgetBefore(seconds: number): void {
    for (const [id, flow] of this.buckets) if (flow.start_time < seconds) this.buckets.delete(id);
  }

  /** Streams now open. */
  get streaming(): number {
    return this.streams.size;
  }

  async start(port = this.port): Promise<number> {
    const definition = grpc.loadPackageDefinition(
      loadSync(PROTO, { keepCase: true, enums: String, longs: Number, defaults: false, oneofs: false }),
    );
    const service = ((definition.goldmane as grpc.GrpcObject).Flows as grpc.ServiceClientConstructor).service;
    const server = new grpc.Server();
    server.addService(service, {
      List: (call: grpc.ServerUnaryCall<any, any>, callback: grpc.sendUnaryData<any>) => callback(null, this.list(call.request ?? {})),
      Stream: (call: grpc.ServerWritableStream<any, any>) => this.stream(call),
    });
    this.port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`127.0.0.1:${port}`, serverCredentials(this.tls), (error, bound) => (error ? reject(error) : resolve(bound))),
    );
    this.server = server;
    return this.port;
  }

  /** Breaks every open stream (the collector sees UNAVAILABLE), as a network cut would. */
  cut(): void {
    for (const call of this.streams) {
      call.emit('error', Object.assign(new Error('cut off by the test'), { code: grpc.status.UNAVAILABLE }));
    }
    this.streams.clear();
  }

  async stop(): Promise<void> {
    this.cut();
    const server = this.server;
    this.server = undefined;
    if (server) await new Promise<void>((resolve) => server.tryShutdown(() => resolve()));
    server?.forceShutdown();
  }

  private result(flow: GoldmaneFlow) {
    return { id: this.ids.get(bucketId(flow)), flow };
  }

  private held(from: number, until: number): GoldmaneFlow[] {
    return [...this.buckets.values()]
      .filter((f) => f.start_time >= from && f.start_time < until)
      .sort((a, b) => a.start_time - b.start_time);
  }

  private list(request: any) {
    this.requests.push({ method: 'List', request });
    const flows = this.held(Number(request.start_time_gte ?? 0), Number(request.start_time_lt ?? 0) || Number.MAX_SAFE_INTEGER);
    const pageSize = Number(request.page_size ?? 0) || flows.length || 1;
    const page = Number(request.page ?? 0);
    return {
      meta: { totalPages: Math.ceil(flows.length / pageSize), totalResults: flows.length },
      flows: flows.slice(page * pageSize, (page + 1) * pageSize).map((f) => this.result(f)),
    };
  }

  private stream(call: grpc.ServerWritableStream<any, any>): void {
    const request = call.request ?? {};
    this.requests.push({ method: 'Stream', request });
    call.sendMetadata(new grpc.Metadata());
    const from = Number(request.start_time_gte ?? 0);
    if (from !== 0) for (const flow of this.held(from, Number.MAX_SAFE_INTEGER)) call.write(this.result(flow));
    this.streams.add(call);
    call.on('cancelled', () => this.streams.delete(call));
  }
}

/** The bookinfo cluster's deployments as Goldmane names their pods: a ReplicaSet-style prefix. */
export const BOOKINFO_PREFIX = {
  productpage: 'productpage-v1-6b746f74dc-*',
  reviews: 'reviews-v2-7bf8c9648f-*',
  ratings: 'ratings-v1-b6994bb9-*',
  details: 'details-v1-79f774bdb9-*',
} as const;

/**
 * One flow of a 15-second bucket, as Felix reports it to Goldmane: between two bookinfo pod sets
 * (name prefixes, no addresses), allowed, reported by `reporter`, with `started` connections.
 */
export function goldmaneFlow(input: {
  bucket: number;
  from: string;
  to: string;
  port: number;
  started: number;
  reporter?: 'Src' | 'Dst';
  namespace?: string;
  action?: 'Allow' | 'Deny';
}): GoldmaneFlow {
  const namespace = input.namespace ?? 'bookinfo';
  return {
    Key: {
      source_name: input.from,
      source_namespace: namespace,
      source_type: 'WorkloadEndpoint',
      dest_name: input.to,
      dest_namespace: namespace,
      dest_type: 'WorkloadEndpoint',
      dest_port: input.port,
      proto: 'tcp',
      reporter: input.reporter ?? 'Src',
      action: input.action ?? 'Allow',
      policies: { enforced_policies: [{ kind: 'Profile', name: 'kns.bookinfo', action: input.action ?? 'Allow', rule_index: -1 }] },
    },
    start_time: input.bucket,
    end_time: input.bucket + 15,
    source_labels: [],
    dest_labels: [],
    packets_in: input.started * 10,
    packets_out: input.started * 10,
    bytes_in: input.started * 1000,
    bytes_out: input.started * 1000,
    num_connections_started: input.started,
    num_connections_completed: input.started,
    num_connections_live: 0,
  };
}
