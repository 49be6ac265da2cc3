// The ports workloads actually serve: what the blast radius and the semantic diff count connections on,
// so that both tell the same story. A port no pod of a workload listens on is no connection to it.
import type { Inventory, PortSpec, Protocol } from '@bulkhead/netpol';
import { compareStrings } from './selectors';
import type { PlanEdge } from './types';

/** Per workload (`ns/name`): the ports it serves, sorted by protocol then port. */
export type ServedPorts = ReadonlyMap<string, readonly PortSpec[]>;

const POLICY_PROTOCOLS = new Set<string>(['TCP', 'UDP', 'SCTP']);

const byProtocolThenPort = (a: PortSpec, b: PortSpec) => compareStrings(a.protocol, b.protocol) || a.port - b.port;

/**
 * Each workload's container ports, plus the ports flows reached it on (a port a container does not
 * declare still serves when traffic went there). The inventory holds no Services: their target ports
 * are container ports, or were seen in flows. Ports a NetworkPolicy cannot name (ICMP) are left out.
 */
export function servedPorts(inventory: Pick<Inventory, 'workloads'>, edges: readonly PlanEdge[]): ServedPorts {
  const byWorkload = new Map<string, Map<string, PortSpec>>();
  const add = (workload: string, port: number, protocol: string) => {
    if (!POLICY_PROTOCOLS.has(protocol)) return;
    let ports = byWorkload.get(workload);
    if (!ports) byWorkload.set(workload, (ports = new Map()));
    ports.set(`${protocol}/${port}`, { port, protocol: protocol as Protocol });
  };
  for (const w of inventory.workloads) for (const p of w.ports) add(`${w.namespace}/${w.name}`, p.port, p.protocol);
  for (const e of edges) {
    if (e.port === null || e.port === undefined || !e.dst.startsWith('workload:')) continue;
    add(e.dst.slice('workload:'.length), e.port, String(e.protocol).toUpperCase());
  }
  return new Map([...byWorkload].map(([workload, ports]) => [workload, [...ports.values()].sort(byProtocolThenPort)]));
}

/** Every port some workload serves, once: the ports the full-port figure counts every workload pair on. */
export function everyServedPort(served: ServedPorts): PortSpec[] {
  const all = new Map<string, PortSpec>();
  for (const ports of served.values()) for (const p of ports) all.set(`${p.protocol}/${p.port}`, p);
  return [...all.values()].sort(byProtocolThenPort);
}
