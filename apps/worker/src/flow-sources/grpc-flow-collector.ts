import { dialFlowSource } from '@bulkhead/cluster';
import type { FlowSourceConnection, FlowSourceTls } from '@bulkhead/inventory';
import { FlowStreamCollector, type OpenedStream, type SourceConnection, type StreamBatch } from './flow-stream-collector';

/** The collector of a source reached over gRPC: dials its address (checked again), with its TLS material opened only here. */
export abstract class GrpcFlowCollector<Client extends { close(): void }, Batch extends StreamBatch> extends FlowStreamCollector<Batch> {
  protected async open(source: FlowSourceConnection): Promise<SourceConnection<Batch>> {
    if (source.address === null) throw new Error(`a ${source.kind} source needs an address`);
    const material = source.sealedTls ? (JSON.parse(this.deps.openSecret(source.sealedTls)) as FlowSourceTls) : null;
    const channel = await dialFlowSource(
      { address: source.address, tls: source.tls, serverName: source.serverName, material },
      this.deps.addressRules,
      this.deps.resolver,
    );
    const client = this.connect(channel);
    return { resume: () => this.resume(client, source), close: () => client.close() };
  }

  /** The client of this kind of source, on a dialled channel. */
  protected abstract connect(channel: Awaited<ReturnType<typeof dialFlowSource>>): Client;

  /** Resumes from the source's checkpoint and opens the stream; null when the lease was lost meanwhile (see `lost`). */
  protected abstract resume(client: Client, source: FlowSourceConnection): Promise<OpenedStream<Batch> | null>;
}
