import { DEFAULT_DOCUMENT_LIMITS, type DocumentLimits } from '@bulkhead/documents';
import { SimulateInputError, SnapshotError } from '../model/errors';
import { parseIp } from '../model/ip';
import { PROTOCOLS, type Protocol } from '../model/types';
import { type DirectionVerdict, type Endpoint, explainDirection } from '../evaluation/types';
import { buildEngine } from '../matrix/engine';
import { buildInventory } from '../snapshot/inventory';
import { parseSnapshot, snapshotFromDocuments } from '../snapshot/parse';
import { assertValidPolicies } from '../validation/validate';
import { assertValidClusterPolicies } from '../validation/validate-cluster-policy';

/** One connection to test: `from` / `to` are `namespace/pod` or an IP; `port` a number or a named port of the destination. */
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
}

export interface SimulateOutput {
  results: SimulateResult[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * `bulkhead simulate` / `POST /api/v1/simulate`: evaluates each probe against the snapshot's NetworkPolicies and its
 * cluster-scoped policies (ClusterNetworkPolicy; AdminNetworkPolicy and BaselineAdminNetworkPolicy), with its Nodes.
 * Throws a NetpolError (SimulateInputError, SnapshotError or PolicyValidationError) naming the field when
 * the input is not valid; verdicts themselves never throw.
 */
export function simulate(input: unknown, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): SimulateOutput {
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

  const podNames = new Map(inventory.pods.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
  const engine = buildEngine(inventory);
  const endpoint = (value: unknown, field: string): Endpoint => {
    if (typeof value !== 'string' || value === '')
      throw new SimulateInputError(field, 'Required value: a "namespace/pod" or an IP address');
    if (value.includes('/')) {
      const pod = podNames.get(value);
      if (!pod) throw new SimulateInputError(field, `pod ${JSON.stringify(value)} is not in the snapshot`);
      return { pod };
    }
    if (!parseIp(value)) throw new SimulateInputError(field, `${JSON.stringify(value)} is neither "namespace/pod" nor an IP address`);
    return { ip: value };
  };

  const results = input.probes.map((probe, i): SimulateResult => {
    const path = `probes[${i}]`;
    if (!isObject(probe)) throw new SimulateInputError(path, 'must be an object with "from", "to" and "port"');
    const from = endpoint(probe.from, `${path}.from`);
    const to = endpoint(probe.to, `${path}.to`);
    const protocol = probe.protocol ?? 'TCP';
    if (typeof protocol !== 'string' || !PROTOCOLS.includes(protocol as Protocol)) {
      throw new SimulateInputError(
        `${path}.protocol`,
        `Unsupported value: ${JSON.stringify(protocol)}: supported values: "TCP", "UDP", "SCTP"`,
      );
    }
    // An IP that belongs to a pod is that pod: its named ports resolve and its policies apply.
    const source = engine.podOf(from);
    const destination = engine.podOf(to);
    const port = probe.port;
    let number: number;
    // A port name always has a letter (IANA_SVC_NAME), so "8080" can only mean the number.
    if (typeof port === 'number' || (typeof port === 'string' && /^[0-9]+$/.test(port))) {
      const value = Number(port);
      if (!Number.isInteger(value) || value < 1 || value > 65535) {
        throw new SimulateInputError(`${path}.port`, `Invalid value: ${JSON.stringify(port)}: must be between 1 and 65535, inclusive`);
      }
      number = value;
    } else if (typeof port === 'string' && port !== '') {
      if (!destination)
        throw new SimulateInputError(
          `${path}.port`,
          `named port ${JSON.stringify(port)} needs a destination pod, and ${probe.to} is outside the cluster`,
        );
      const match = destination.ports.find((p) => p.name === port && p.protocol === protocol);
      if (!match) {
        throw new SimulateInputError(
          `${path}.port`,
          `pod "${destination.namespace}/${destination.name}" has no ${protocol} port named ${JSON.stringify(port)}`,
        );
      }
      number = match.port;
    } else {
      throw new SimulateInputError(`${path}.port`, 'Required value: a port number or a named port of the destination pod');
    }
    const verdict = engine.evaluate({ from, to, port: number, protocol: protocol as Protocol });
    return {
      from: probe.from as string,
      to: probe.to as string,
      port,
      protocol: protocol as Protocol,
      allowed: verdict.allowed,
      egress: { ...verdict.egress, reason: explainDirection('egress', source ? { pod: source } : from, verdict.egress) },
      ingress: { ...verdict.ingress, reason: explainDirection('ingress', destination ? { pod: destination } : to, verdict.ingress) },
      ...(typeof port === 'string' && port !== String(number) ? { resolvedPort: number } : {}),
    };
  });
  return { results };
}
