import * as grpc from '@grpc/grpc-js';
import { loadSync, type Options } from '@grpc/proto-loader';
import {
  addressHost,
  type FlowSourceTls,
  type FlowSourceTlsMode,
  type HostResolver,
  internalRangeOf,
  resolvedAddressRefusal,
} from '@bulkhead/inventory';
import { isIP } from 'node:net';
import { join } from 'node:path';

/**
 * How decoded messages look: proto field names (as jsonpb writes them), enums by name, 64-bit integers
 * as numbers (epoch seconds and counters stay far below 2^53), absent fields absent, oneofs as set.
 */
const DECODING: Options = { keepCase: true, enums: String, longs: Number, defaults: false, oneofs: false };

/** A service client class from one of this folder's minimal protos (`proto/<file>.proto`): `service` of package `pkg`. */
export function serviceClient(file: string, pkg: string, service: string): grpc.ServiceClientConstructor {
  const definition = grpc.loadPackageDefinition(loadSync(join(__dirname, 'proto', file), DECODING));
  const client = (definition[pkg] as grpc.GrpcObject | undefined)?.[service];
  if (typeof client !== 'function') throw new Error(`proto/${file} defines no service ${pkg}.${service}`);
  return client;
}

/** Where and how to dial a flow source. */
export interface FlowSourceEndpoint {
  address: string;
  tls: FlowSourceTlsMode;
  serverName: string | null;
  /** Opened TLS material (never logged). */
  material: FlowSourceTls | null;
}

/** A dial refused by the address rules: the collector reports it as the source's failure, and does not retry sooner. */
export class FlowSourceAddressRefused extends Error {}

/**
 * The channel to a flow source. The host is resolved here, its addresses are held to the same rule as a
 * cluster's API server (no loopback, link-local or unspecified unless allowed), and the channel dials
 * the checked address itself, so a name that resolves elsewhere the next time cannot slip in between.
 * TLS still verifies the certificate for the host name (or `serverName`).
 */
export async function dialFlowSource(
  endpoint: FlowSourceEndpoint,
  rules: { allowLoopback: boolean },
  resolver: HostResolver,
): Promise<{ target: string; credentials: grpc.ChannelCredentials; options: grpc.ChannelOptions }> {
  const host = addressHost(endpoint.address);
  const port = endpoint.address.slice(endpoint.address.lastIndexOf(':') + 1);
  let address = host;
  if (!isIP(host)) {
    const addresses = await resolver.resolve(host);
    const [first] = addresses;
    if (first === undefined) throw new FlowSourceAddressRefused(`${host} resolves to no address`);
    const refusal = resolvedAddressRefusal(host, addresses, rules);
    if (refusal) throw new FlowSourceAddressRefused(`the address is refused: ${refusal}`);
    address = first;
  } else if (!rules.allowLoopback && internalRangeOf(host)) {
    throw new FlowSourceAddressRefused(
      `the address is refused: ${host} is a ${internalRangeOf(host)} address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)`,
    );
  }
  const target = isIP(address) === 6 ? `ipv6:[${address}]:${port}` : `ipv4:${address}:${port}`;
  const options: grpc.ChannelOptions = {
    'grpc.default_authority': endpoint.address,
    'grpc.keepalive_time_ms': 20_000,
    'grpc.keepalive_timeout_ms': 10_000,
    'grpc.max_receive_message_length': 16 * 1024 * 1024,
  };
  if (endpoint.tls === 'none') return { target, credentials: grpc.credentials.createInsecure(), options };
  options['grpc.ssl_target_name_override'] = endpoint.serverName ?? host;
  const material = endpoint.material ?? {};
  const pem = (text: string | undefined) => (text ? Buffer.from(text) : null);
  const credentials =
    endpoint.tls === 'mtls'
      ? grpc.credentials.createSsl(pem(material.ca), pem(material.key), pem(material.certificate))
      : grpc.credentials.createSsl(pem(material.ca));
  return { target, credentials, options };
}
