import type * as grpc from '@grpc/grpc-js';
import { serviceClient } from './grpc-channel';

let flowsClient: grpc.ServiceClientConstructor | undefined;

/** Flows asked of List per page. */
const LIST_PAGE_SIZE = 1_000;
/** Goldmane's buckets are 15 s; Stream accepts only that interval. */
const AGGREGATION_INTERVAL = 15;

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded goldmane.FlowResult messages are read by GoldmaneCollection */

/** A client of Calico Goldmane's `goldmane.Flows` service, on a channel made by dialFlowSource. */
export class GoldmaneClient {
  private readonly client: grpc.Client & Record<'List' | 'Stream', (...args: any[]) => any>;

  constructor(channel: { target: string; credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions }) {
    flowsClient ??= serviceClient('goldmane.proto', 'goldmane', 'Flows');
    this.client = new flowsClient(channel.target, channel.credentials, channel.options) as never;
  }

  /**
   * Every flow Goldmane holds from `startTimeGte` (epoch seconds) up to `startTimeLt`, page by page,
   * handed to `take` in order: what a collector back from downtime lists before it follows the stream.
   */
  async list(startTimeGte: number, startTimeLt: number, take: (result: any) => void, deadlineMs: number): Promise<void> {
    for (let page = 0; ; page++) {
      const result: any = await new Promise((resolve, reject) =>
        this.client.List(
          {
            start_time_gte: startTimeGte,
            start_time_lt: startTimeLt,
            page,
            page_size: LIST_PAGE_SIZE,
            aggregation_interval: AGGREGATION_INTERVAL,
          },
          { deadline: Date.now() + deadlineMs },
          (error: grpc.ServiceError | null, answer: any) => (error ? reject(error) : resolve(answer)),
        ),
      );
      for (const flow of result?.flows ?? []) take(flow);
      if (page + 1 >= Number(result?.meta?.totalPages ?? 0)) return;
    }
  }

  /** New flows as Goldmane aggregates them: a decoded FlowResult per `data` event (start 0: from now, no backfill). */
  stream(): grpc.ClientReadableStream<any> {
    return this.client.Stream({ start_time_gte: 0, aggregation_interval: AGGREGATION_INTERVAL });
  }

  close(): void {
    this.client.close();
  }
}
