import type * as grpc from '@grpc/grpc-js';
import { type HubbleInstant, instantOf } from '@bulkhead/flows';
import { serviceClient } from './grpc-channel';

let observerClient: grpc.ServiceClientConstructor | undefined;

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded GetFlowsResponse messages are read by @bulkhead/flows */

/** A client of Hubble Relay's `observer.Observer` service, on a channel made by dialFlowSource. */
export class HubbleRelayClient {
  private readonly client: grpc.Client & Record<'GetFlows', (...args: any[]) => any>;

  constructor(channel: { target: string; credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions }) {
    observerClient ??= serviceClient('hubble-observer.proto', 'observer', 'Observer');
    this.client = new observerClient(channel.target, channel.credentials, channel.options) as never;
  }

  /**
   * The time of the oldest flow the server still holds (`GetFlows` with `first` and `number` 1), or
   * undefined when it holds none: what tells whether its history still reaches back to a checkpoint.
   */
  oldestFlowTime(deadlineMs: number): Promise<HubbleInstant | undefined> {
    return new Promise((resolve, reject) => {
      const call: grpc.ClientReadableStream<any> = this.client.GetFlows({ number: 1, first: true }, { deadline: Date.now() + deadlineMs });
      let oldest: HubbleInstant | undefined;
      let settled = false;
      call.on('data', (response: any) => {
        if (settled || !response.flow) return;
        oldest = instantOf(response.flow.time) ?? instantOf(response.time);
        settled = true;
        call.cancel();
        resolve(oldest);
      });
      call.on('error', (error: grpc.ServiceError) => {
        if (!settled) reject(error);
      });
      call.on('end', () => {
        if (!settled) resolve(undefined);
      });
    });
  }

  /** Every flow from `since` on, then new ones as they come (`follow`): a decoded GetFlowsResponse per `data` event. */
  follow(since: HubbleInstant): grpc.ClientReadableStream<any> {
    return this.client.GetFlows({ follow: true, since });
  }

  close(): void {
    this.client.close();
  }
}
