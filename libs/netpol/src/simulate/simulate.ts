import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '@bulkhead/documents';
import { SimulateInputError, SnapshotError } from '../model/errors';
import { parseIp } from '../model/ip';
import { PROTOCOLS, type Protocol } from '../model/types';
import { type DirectionVerdict, type Endpoint, explainDirection } from '../evaluation/types';
import { buildEngine, type Engine } from '../matrix/engine';
import { buildInventory, type Inventory, type InventoryPod } from '../snapshot/inventory';
import { parseSnapshot, snapshotFromDocuments } from '../snapshot/parse';
import { assertValidPolicies } from '../validation/validate';
import { assertValidClusterPolicies } from '../validation/validate-cluster-policy';

/** One connection to test: `from` / `to` are `namespace/pod`, `namespace/workload` or an IP; `port` a number or a named port of the destination. */
export interface SimulateProbe {
  from: string;
  to: string;
  port: number | string;
  protocol?: Protocol;
}

export interface SimulateInput {
  /** A v1 List (or a bare object, an array of objects, or snapshot text). */
  snapshot: unknown;
  probes: SimulateProbe[];
}

export interface SimulateResult {
  from: string;
  to: string;
  /** As given in the probe. */
  port: number | string;
  protocol: Protocol;
  allowed: boolean;
  egress: DirectionVerdict & { reason: string };
  ingress: DirectionVerdict & { reason: string };
  /** The port number a named port resolved to on the destination pod. */
  resolvedPort?: number;
  /** The pod that stood for the workload `from` named (`namespace/pod`); absent when `from` is a pod or an IP. */
  fromPod?: string;
  /** The pod that stood for the workload `to` named. */
  toPod?: string;
}

export interface SimulateOutput {
  results: SimulateResult[];
}

/**
 * Probes that were all checked against the inventory, evaluated one by one as `results` is iterated: a caller
 * that writes each result out as it comes (the CLI, the API's thread) never holds every verdict at once.
 */
export interface Simulation {
  probes: number;
  results: Iterable<SimulateResult>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `bulkhead simulate` / `POST /api/v1/simulate`: evaluates each probe against the snapshot's NetworkPolicies and its
 * cluster-scoped policies (ClusterNetworkPolicy; AdminNetworkPolicy and BaselineAdminNetworkPolicy), with its Nodes.
 * Throws a NetpolError (SimulateInputError, SnapshotError or PolicyValidationError) naming the field when
 * the input is not valid; verdicts themselves never throw.
 */
export function simulate(input: unknown, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): SimulateOutput {
  return { results: [...readSimulation(input, limits).results] };
}

/** As simulate, every probe checked before this returns, the verdicts evaluated as they are read. */
export function readSimulation(input: unknown, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): Simulation {
  if (!isObject(input)) throw new SimulateInputError('input', 'must be an object with "snapshot" and "probes"');
  if (input.snapshot === undefined || input.snapshot === null) throw new SimulateInputError('snapshot', 'Required value');
  let snapshot;
  try {
    snapshot = typeof input.snapshot === 'string' ? parseSnapshot(input.snapshot, limits) : snapshotFromDocuments([input.snapshot]);
  } catch (error) {
    if (error instanceof SnapshotError) throw new SnapshotError(`snapshot: ${error.message}`);
    throw error;
  }
  assertValidClusterPolicies(snapshot.clusterPolicies);
  const inventory = buildInventory(snapshot);
  assertValidPolicies(inventory.policies);
  if (!Array.isArray(input.probes)) throw new SimulateInputError('probes', 'Required value: must be a list of probes');
  return simulateInventory(inventory, input.probes);
}

/**
 * How a pod ranks as the one that stands for its workload: a listed pod before a synthesised one, a running one
 * with an address before the others; then the first by name, so that the same inventory always gives the same pod.
 */
function standInRank(pod: InventoryPod): number {
  if (pod.synthetic) return 2;
  return pod.phase === 'Running' && pod.ips.length > 0 ? 0 : 1;
}

/** `namespace/workload` -> the pod that stands for it in a probe. */
function standInPods(pods: readonly InventoryPod[]): Map<string, InventoryPod> {
  const standIns = new Map<string, InventoryPod>();
  for (const pod of pods) {
    const key = `${pod.namespace}/${pod.workload.name}`;
    const current = standIns.get(key);
    if (!current || standInRank(pod) < standInRank(current) || (standInRank(pod) === standInRank(current) && pod.name < current.name))
      standIns.set(key, pod);
  }
  return standIns;
}

/** One side of a probe as the engine takes it, with the pod that stood for a workload the probe named. */
interface ProbeEnd {
  endpoint: Endpoint;
  standIn?: string;
}

/** A probe whose every field was checked, ready for the engine. */
interface CheckedProbe {
  from: string;
  to: string;
  port: number | string;
  protocol: Protocol;
  source: ProbeEnd;
  target: ProbeEnd;
  /** The port number, a named port resolved on the destination pod. */
  portNumber: number;
}

/**
 * Evaluates probes against an inventory that is already read and checked: a snapshot's, a stored cluster's, or
 * either with a plan's policies in place of its own. `from` / `to` name a pod (`namespace/pod`), a workload
 * (`namespace/workload`: one of its pods stands for it, named in `fromPod` / `toPod`) or an IP address.
 * Every probe is checked before this returns: a SimulateInputError names the first field that cannot be evaluated.
 */
export function simulateInventory(inventory: Inventory, probes: readonly unknown[]): Simulation {
  const podNames = new Map(inventory.pods.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  const workloadPods = standInPods(inventory.pods);
  const engine = buildEngine(inventory);
  const end = (value: unknown, field: string): ProbeEnd => {
    if (typeof value !== 'string' || value === '')
      throw new SimulateInputError(field, 'Required value: a "namespace/pod", a "namespace/workload" or an IP address');
    if (value.includes('/')) {
      const pod = podNames.get(value);
      if (pod) return { endpoint: { pod } };
      const standIn = workloadPods.get(value);
      if (!standIn) throw new SimulateInputError(field, `${JSON.stringify(value)} is neither a pod nor a workload of the inventory`);
      return { endpoint: { pod: standIn }, standIn: `${standIn.namespace}/${standIn.name}` };
    }
    if (!parseIp(value))
      throw new SimulateInputError(field, `${JSON.stringify(value)} is neither "namespace/pod", "namespace/workload" nor an IP address`);
    return { endpoint: { ip: value } };
  };
  const checked = probes.map((probe, i) => checkProbe(probe, `probes[${i}]`, end, engine.podOf));
  return { probes: checked.length, results: evaluateProbes(engine, checked) };
}

function checkProbe(
  probe: unknown,
  path: string,
  end: (value: unknown, field: string) => ProbeEnd,
  podOf: (endpoint: Endpoint) => InventoryPod | undefined,
): CheckedProbe {
  if (!isObject(probe)) throw new SimulateInputError(path, 'must be an object with "from", "to" and "port"');
  const source = end(probe.from, `${path}.from`);
  const target = end(probe.to, `${path}.to`);
  const protocol = probe.protocol ?? 'TCP';
  if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol as Protocol)) {
    throw new SimulateInputError(
      `${path}.protocol`,
      `Unsupported value: ${JSON.stringify(protocol)}: supported values: "TCP", "UDP", "SCTP"`,
    );
  }
  const port = probe.port;
  let portNumber: number;
  // A port name always has a letter (IANA_SVC_NAME), so "8080" can only mean the number.
  if (typeof port === 'number' || (typeof port === 'string' && /^[0-9]+$/.test(port))) {
    portNumber = Number(port);
    if (!Number.isInteger(portNumber) || portNumber < 1 || portNumber > 65535) {
      throw new SimulateInputError(`${path}.port`, `Invalid value: ${JSON.stringify(port)}: must be between 1 and 65535, inclusive`);
    }
  } else if (typeof port === 'string' && port !== '') {
    // An IP that belongs to a pod is that pod: its named ports resolve and its policies apply.
    const destination = podOf(target.endpoint);
    if (!destination)
      throw new SimulateInputError(
        `${path}.port`,
        `named port ${JSON.stringify(port)} needs a destination pod, and ${String(probe.to)} is outside the cluster`,
      );
    const match = destination.ports.find((p) => p.name === port && p.protocol === protocol);
    if (!match) {
      throw new SimulateInputError(
        `${path}.port`,
        `pod "${destination.namespace}/${destination.name}" has no ${protocol} port named ${JSON.stringify(port)}`,
      );
    }
    portNumber = match.port;
  } else {
    throw new SimulateInputError(`${path}.port`, 'Required value: a port number or a named port of the destination pod');
  }
  return { from: probe.from as string, to: probe.to as string, port, protocol: protocol as Protocol, source, target, portNumber };
}

function* evaluateProbes(engine: Engine, probes: readonly CheckedProbe[]): Generator<SimulateResult> {
  for (const probe of probes) {
    const from = probe.source.endpoint;
    const to = probe.target.endpoint;
    // An IP that belongs to a pod is that pod: its policies apply, and its explanation names it.
    const sourcePod = engine.podOf(from);
    const destination = engine.podOf(to);
    const verdict = engine.evaluate({ from, to, port: probe.portNumber, protocol: probe.protocol });
    yield {
      from: probe.from,
      to: probe.to,
      port: probe.port,
      protocol: probe.protocol,
      allowed: verdict.allowed,
      egress: { ...verdict.egress, reason: explainDirection('egress', sourcePod ? { pod: sourcePod } : from, verdict.egress) },
      ingress: { ...verdict.ingress, reason: explainDirection('ingress', destination ? { pod: destination } : to, verdict.ingress) },
      ...(typeof probe.port === 'string' && probe.port !== String(probe.portNumber) ? { resolvedPort: probe.portNumber } : {}),
      ...(probe.source.standIn ? { fromPod: probe.source.standIn } : {}),
      ...(probe.target.standIn ? { toPod: probe.target.standIn } : {}),
    };
  }
}
