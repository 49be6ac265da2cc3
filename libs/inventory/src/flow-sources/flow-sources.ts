import {
  type CreateFlowSourceBody,
  doesNotExist,
  type FlowSourceView,
  GRPC_FLOW_SOURCE_KINDS,
  simulationSchema,
  type UpdateFlowSourceBody,
} from '@bulkhead/contracts';
import ipaddr from 'ipaddr.js';
import type { ClusterStore, HostResolver, SecretSealer } from '../clusters/cluster-store.port';
import { requireCluster } from '../clusters/clusters';
import { internalRangeOf, type KubeconfigRules, resolvedAddressRefusal } from '../clusters/kubeconfig-policy';
import type { FlowSourceRecord, FlowSourceStore, FlowSourceTls, FlowSourceTlsMode } from './flow-source.ports';
import { InventoryError } from '../errors';

/** What managing flow sources needs: the stores, the sealer of TLS material, and the address rules clusters are held to. */
export interface FlowSourceDeps {
  clusters: ClusterStore;
  sources: FlowSourceStore;
  sealer: SecretSealer;
  addressRules: Pick<KubeconfigRules, 'allowLoopback'>;
  resolver: HostResolver;
}

export function flowSourceView(r: FlowSourceRecord): FlowSourceView {
  return {
    id: r.id,
    clusterId: r.clusterId,
    name: r.name,
    kind: r.kind,
    address: r.address,
    tls: { mode: r.tls, serverName: r.serverName, hasCa: r.hasCa },
    simulation: r.simulation,
    enabled: r.enabled,
    status: r.status,
    reason: r.statusReason,
    statusSince: r.statusSince.toISOString(),
    observingSince: r.observingSince?.toISOString() ?? null,
    lastFlowAt: r.lastFlowAt?.toISOString() ?? null,
    flowsPerSecond: r.flowsPerSecond,
    flowsCollected: r.flowsTotal,
    gaps: r.gaps.map((g) => ({ from: g.from.toISOString(), to: g.to.toISOString(), reason: g.reason })),
    createdAt: r.createdAt.toISOString(),
    updatedAt: r.updatedAt.toISOString(),
  };
}

/** The host of `host:port` or `[v6]:port`. */
export function addressHost(address: string): string {
  const host = address.slice(0, address.lastIndexOf(':'));
  return host.startsWith('[') ? host.slice(1, -1) : host;
}

/**
 * A flow source's address is held to the rule a cluster's API server is: no loopback, link-local or
 * unspecified address, literal or resolved, unless BULKHEAD_CLUSTER_ALLOW_LOOPBACK is set. The
 * collector checks the resolved address again when it connects.
 */
export async function checkFlowSourceAddress(deps: Pick<FlowSourceDeps, 'addressRules' | 'resolver'>, address: string): Promise<void> {
  const refuse = (reason: string) => {
    throw new InventoryError('flow_source.address_refused', [{ field: 'address', reason }]);
  };
  if (deps.addressRules.allowLoopback) return;
  const host = addressHost(address);
  if (ipaddr.isValid(host)) {
    const range = internalRangeOf(host);
    if (range) refuse(`points to ${host}, a ${range} address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)`);
    return;
  }
  const name = host.replace(/\.+$/, '').toLowerCase();
  if (name === 'localhost' || name.endsWith('.localhost'))
    refuse(`points to ${name}, a loopback name (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)`);
  let addresses: string[];
  try {
    addresses = await deps.resolver.resolve(name);
  } catch {
    return refuse(`${name} could not be resolved, so its address cannot be checked`);
  }
  const reason = resolvedAddressRefusal(name, addresses, deps.addressRules);
  if (reason) refuse(reason);
}

/** The mode, server name and sealed material of what a request says about TLS (absent or null: plain gRPC). */
function connectionOf(
  deps: Pick<FlowSourceDeps, 'sealer'>,
  tls: CreateFlowSourceBody['tls'] | null,
): { tls: FlowSourceTlsMode; serverName: string | null; sealedTls: Uint8Array | null; hasCa: boolean } {
  if (!tls) return { tls: 'none', serverName: null, sealedTls: null, hasCa: false };
  const material: FlowSourceTls = { ca: tls.ca, certificate: tls.certificate, key: tls.key };
  const hasMaterial = Boolean(tls.ca || tls.certificate);
  return {
    tls: tls.certificate ? 'mtls' : 'tls',
    serverName: tls.serverName ?? null,
    sealedTls: hasMaterial ? deps.sealer.seal(JSON.stringify(material)) : null,
    hasCa: Boolean(tls.ca),
  };
}

const notForKind = (field: string, reason: string) => new InventoryError('flow_source.not_for_kind', [{ field, reason }]);

export async function createFlowSource(deps: FlowSourceDeps, clusterId: string, body: CreateFlowSourceBody): Promise<FlowSourceView> {
  const cluster = await requireCluster(deps.clusters, clusterId);
  const simulated = !GRPC_FLOW_SOURCE_KINDS.includes(body.kind);
  if (simulated && cluster.driver !== 'simulated') throw notForKind('kind', 'simulated needs a simulated cluster');
  if (body.address !== undefined) await checkFlowSourceAddress(deps, body.address);
  const record = await deps.sources.create({
    clusterId,
    name: body.name,
    kind: body.kind,
    address: body.address ?? null,
    enabled: body.enabled,
    simulation: simulated ? (body.simulation ?? simulationSchema.parse({})) : null,
    ...connectionOf(deps, body.tls),
  });
  return flowSourceView(record);
}

export async function listFlowSources(deps: Pick<FlowSourceDeps, 'clusters' | 'sources'>, clusterId: string): Promise<FlowSourceView[]> {
  await requireCluster(deps.clusters, clusterId);
  return (await deps.sources.list(clusterId)).map(flowSourceView);
}

export async function getFlowSource(deps: Pick<FlowSourceDeps, 'sources'>, clusterId: string, id: string): Promise<FlowSourceView> {
  const record = await deps.sources.get(clusterId, id);
  if (!record) throw new InventoryError('flow_source.not_found', doesNotExist('flow source', id));
  return flowSourceView(record);
}

/** A new address, TLS or simulation reconnects the collector; `tls` absent keeps the stored material, null drops it. */
export async function updateFlowSource(
  deps: FlowSourceDeps,
  clusterId: string,
  id: string,
  patch: UpdateFlowSourceBody,
): Promise<FlowSourceView> {
  const source = await deps.sources.get(clusterId, id);
  if (!source) throw new InventoryError('flow_source.not_found', doesNotExist('flow source', id));
  if (source.kind === 'simulated') {
    if (patch.address !== undefined) throw notForKind('address', 'a simulated source has none');
    if (patch.tls !== undefined) throw notForKind('tls', 'a simulated source has none');
  } else if (patch.simulation !== undefined) {
    throw notForKind('simulation', 'is for simulated sources only');
  }
  if (patch.address !== undefined) await checkFlowSourceAddress(deps, patch.address);
  const updated = await deps.sources.update(clusterId, id, {
    enabled: patch.enabled,
    address: patch.address,
    simulation: patch.simulation,
    tls: patch.tls === undefined ? undefined : connectionOf(deps, patch.tls),
  });
  if (!updated) throw new InventoryError('flow_source.not_found', doesNotExist('flow source', id));
  return flowSourceView(updated);
}

export async function deleteFlowSource(deps: Pick<FlowSourceDeps, 'sources'>, clusterId: string, id: string): Promise<void> {
  if (!(await deps.sources.delete(clusterId, id))) throw new InventoryError('flow_source.not_found', doesNotExist('flow source', id));
}
