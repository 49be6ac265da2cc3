// Hubble over gRPC: a GetFlowsResponse as decoded from the wire (proto field names, enums as names,
// 64-bit integers as numbers, absent fields absent) differs from the jsonpb line `hubble observe -o
// jsonpb` writes in two places only: times are `google.protobuf.Timestamp` messages, and `is_reply` is
// a `google.protobuf.BoolValue` message. `hubbleJsonFromWire` rewrites those two, so that one decoder
// (`hubbleUnit`) serves file imports and live streams alike.

/* eslint-disable @typescript-eslint/no-explicit-any -- decoded protobuf objects are read field by field, defensively */

/** A `google.protobuf.Timestamp`: seconds since the epoch and nanoseconds within the second. */
export interface HubbleInstant {
  readonly seconds: number;
  readonly nanos: number;
}

const isInstant = (v: any): v is HubbleInstant => v !== null && typeof v === 'object' && (v.seconds !== undefined || v.nanos !== undefined);

/** The instant of a decoded Timestamp (missing parts are zero, as on the wire), or undefined when there is none. */
export function instantOf(timestamp: unknown): HubbleInstant | undefined {
  if (!isInstant(timestamp)) return undefined;
  const seconds = Number(timestamp.seconds ?? 0);
  const nanos = Number(timestamp.nanos ?? 0);
  return Number.isFinite(seconds) && Number.isFinite(nanos) ? { seconds, nanos } : undefined;
}

/** Negative, zero or positive as `a` is before, at or after `b`. */
export function compareInstants(a: HubbleInstant, b: HubbleInstant): number {
  return a.seconds - b.seconds || a.nanos - b.nanos;
}

/** RFC 3339 with nanoseconds (`2021-11-10T10:40:56.465597700Z`), as protojson writes a Timestamp. */
export function rfc3339(instant: HubbleInstant): string {
  const whole = new Date(instant.seconds * 1000).toISOString();
  return `${whole.slice(0, 19)}.${String(instant.nanos).padStart(9, '0')}Z`;
}

/** The instant of an RFC 3339 time (as a jsonpb line has it), with its nanoseconds. */
export function instantFromRfc3339(time: string): HubbleInstant | undefined {
  const match = /^(.{19})(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!match) return undefined;
  const ms = Date.parse(match[1]! + match[3]!);
  if (Number.isNaN(ms)) return undefined;
  return { seconds: Math.floor(ms / 1000), nanos: Number((match[2] ?? '').padEnd(9, '0')) };
}

/** Rewrites a decoded GetFlowsResponse into the shape of a jsonpb line, in place, and returns it. */
export function hubbleJsonFromWire(response: any): any {
  if (response === null || typeof response !== 'object') return response;
  const wrapperTime = instantOf(response.time);
  if (wrapperTime) response.time = rfc3339(wrapperTime);
  const flow = response.flow;
  if (flow !== null && typeof flow === 'object') {
    const time = instantOf(flow.time);
    if (time) flow.time = rfc3339(time);
    const isReply = flow.is_reply;
    if (isReply !== null && typeof isReply === 'object') flow.is_reply = isReply.value === true;
  }
  return response;
}

/**
 * What tells a flow from another flow of the same instant: its `uuid` (Cilium 1.14 and later), or else
 * what the agent observed (node, addresses, ports, observation point, verdict, event type). A collector
 * resuming at a checkpoint skips the flows of the checkpoint's instant it has counted already.
 */
export function hubbleFlowIdentity(flow: any): string {
  if (typeof flow?.uuid === 'string' && flow.uuid !== '') return flow.uuid;
  const ip = flow?.IP ?? {};
  const l4 = flow?.l4 ?? {};
  const ports = l4.TCP ?? l4.UDP ?? l4.SCTP ?? l4.ICMPv4 ?? l4.ICMPv6 ?? {};
  const isReply = typeof flow?.is_reply === 'object' && flow.is_reply !== null ? flow.is_reply.value : flow?.is_reply;
  return [
    flow?.node_name,
    ip.source,
    ports.source_port ?? ports.type,
    ip.destination,
    ports.destination_port ?? ports.code,
    flow?.trace_observation_point,
    flow?.verdict,
    flow?.Type,
    flow?.event_type?.type,
    flow?.event_type?.sub_type,
    isReply,
    flow?.l7?.type,
  ].join('|');
}
