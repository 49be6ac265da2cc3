import { DEFAULT_DOCUMENT_LIMITS, DocumentError, type DocumentLimits, parseJson, parseYamlDocuments } from '@bulkhead/documents';
import { SnapshotError, type SnapshotLocation } from '../model/errors';
import { parseIp } from '../model/ip';
import type { Labels, NetworkPolicy, Protocol } from '../model/types';
import { fieldError, isDns1123Label, isDns1123Subdomain, isQualifiedName, isValidLabelValue } from '../validation/messages';
import { CLUSTER_POLICY_GROUP } from '../model/cluster-policy';
import type { InventoryNode, NodeAddress } from '../model/node';
import type {
  InventoryPort,
  OwnerReference,
  Snapshot,
  SnapshotClusterPolicy,
  SnapshotPod,
  SnapshotService,
  SnapshotWorkload,
} from './types';

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** The workload kinds that are read, and their API versions. */
const WORKLOAD_VERSIONS = new Map<string, readonly string[]>([
  ['Deployment', ['apps/v1']],
  ['StatefulSet', ['apps/v1']],
  ['DaemonSet', ['apps/v1']],
  ['ReplicaSet', ['apps/v1']],
  ['Job', ['batch/v1']],
  ['CronJob', ['batch/v1', 'batch/v1beta1']],
]);

/** The cluster-scoped policy kinds and the one version of each that is read (upstream network-policy-api). */
const CLUSTER_POLICY_VERSIONS: Record<SnapshotClusterPolicy['kind'], string> = {
  ClusterNetworkPolicy: `${CLUSTER_POLICY_GROUP}/v1alpha2`,
  AdminNetworkPolicy: `${CLUSTER_POLICY_GROUP}/v1alpha1`,
  BaselineAdminNetworkPolicy: `${CLUSTER_POLICY_GROUP}/v1alpha1`,
};

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Parses snapshot text: JSON, YAML, or multi-document YAML of Lists and/or bare objects. */
export function parseSnapshot(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): Snapshot {
  return snapshotFromDocuments(parseDocuments(text, limits));
}

/** JSON or (multi-document) YAML into plain values, one per document, bounded in expanded size and depth. */
export function parseDocuments(text: string, limits: DocumentLimits = DEFAULT_DOCUMENT_LIMITS): unknown[] {
  try {
    const trimmed = text.trimStart();
    if (trimmed.startsWith('{') || trimmed.startsWith('[')) {
      try {
        return [parseJson(text, limits)];
      } catch (error) {
        // Not JSON after all (YAML flow style, or several documents): fall through to YAML.
        if (!(error instanceof DocumentError && error.kind === 'unreadable')) throw error;
      }
    }
    return parseYamlDocuments(text, limits).filter((value) => value !== null && value !== undefined);
  } catch (error) {
    if (error instanceof DocumentError) throw new SnapshotError(`document ${error.document}: ${error.message}`);
    throw error;
  }
}

/** Builds a snapshot from already-parsed documents (a List, a bare object, or an array of objects each). */
export function snapshotFromDocuments(documents: unknown[]): Snapshot {
  const builder = new SnapshotBuilder();
  documents.forEach((doc, docIndex) => {
    const where = `document ${docIndex + 1}`;
    const at = (field: string): SnapshotLocation => ({ document: docIndex, field });
    if (Array.isArray(doc)) {
      doc.forEach((item, i) => builder.add(item, `${where}, [${i}]`, at(`[${i}]`)));
    } else if (
      isObject(doc) &&
      Array.isArray(doc.items) &&
      (doc.kind === undefined || (typeof doc.kind === 'string' && doc.kind.endsWith('List')))
    ) {
      doc.items.forEach((item, i) => builder.add(item, `${where}, items[${i}]`, at(`items[${i}]`)));
    } else if (isObject(doc)) {
      builder.add(doc, where, at(''));
    } else {
      throw new SnapshotError(`${where}: expected a Kubernetes object or a List, got ${typeof doc}`, at(''));
    }
  });
  return builder.build();
}

class SnapshotBuilder {
  private readonly namespaces = new Map<string, Labels>();
  private readonly pods: SnapshotPod[] = [];
  private readonly policies: NetworkPolicy[] = [];
  private readonly workloads: SnapshotWorkload[] = [];
  private readonly services: SnapshotService[] = [];
  private readonly clusterPolicies: SnapshotClusterPolicy[] = [];
  private readonly nodes: InventoryNode[] = [];
  private readonly seen = new Set<string>();

  add(item: unknown, where: string, itemAt: SnapshotLocation): void {
    const at = (field: string): SnapshotLocation => ({
      document: itemAt.document,
      field: itemAt.field ? `${itemAt.field}.${field}` : field,
    });
    if (!isObject(item)) throw new SnapshotError(`${where}: expected an object, got ${item === null ? 'null' : typeof item}`, itemAt);
    const kind = item.kind;
    if (typeof kind !== 'string') throw new SnapshotError(`${where}: kind: Required value`);
    const apiVersion = typeof item.apiVersion === 'string' ? item.apiVersion : undefined;
    if (Object.hasOwn(CLUSTER_POLICY_VERSIONS, kind) || kind === 'Node') {
      this.addClusterScoped(item, kind, apiVersion, where, at);
      return;
    }
    const workloadVersions = WORKLOAD_VERSIONS.get(kind);
    const reads =
      kind === 'Namespace' || kind === 'Pod' || kind === 'Service'
        ? apiVersion === undefined || apiVersion === 'v1'
        : kind === 'NetworkPolicy'
          ? apiVersion === undefined || apiVersion === 'networking.k8s.io/v1'
          : workloadVersions !== undefined && (apiVersion === undefined || workloadVersions.includes(apiVersion));
    if (!reads) return;
    const meta = item.metadata;
    if (!isObject(meta)) throw new SnapshotError(`${where} (${kind}): metadata: Required value`);
    const name = meta.name;
    if (typeof name !== 'string' || name === '')
      throw new SnapshotError(`${where} (${kind}): metadata.name: Required value`, at('metadata.name'));
    const context =
      kind === 'Namespace'
        ? `${where} (Namespace ${JSON.stringify(name)})`
        : `${where} (${kind} ${JSON.stringify(`${typeof meta.namespace === 'string' ? meta.namespace : JSON.stringify(meta.namespace ?? 'default')}/${name}`)})`;
    checkName(name, kind === 'Namespace' ? isDns1123Label : isDns1123Subdomain, `${context}: metadata.name`, at('metadata.name'));
    const labels = readLabels(meta.labels, `${context}: metadata.labels`, at('metadata.labels'));
    if (kind === 'Namespace') {
      if (this.namespaces.has(name)) throw new SnapshotError(`${context}: namespace listed twice`);
      // The API server always sets this label to the namespace's name (and refuses any other value).
      this.namespaces.set(name, { ...labels, [NAMESPACE_NAME_LABEL]: name });
      return;
    }
    const namespace = meta.namespace === undefined ? 'default' : meta.namespace;
    if (typeof namespace !== 'string' || namespace === '')
      throw new SnapshotError(`${context}: metadata.namespace: Invalid value`, at('metadata.namespace'));
    checkName(namespace, isDns1123Label, `${context}: metadata.namespace`, at('metadata.namespace'));
    const key = `${kind}/${namespace}/${name}`;
    if (this.seen.has(key)) throw new SnapshotError(`${context}: listed twice`);
    this.seen.add(key);
    const owners = readOwners(meta.ownerReferences, `${context}: metadata.ownerReferences`, at('metadata.ownerReferences'));
    const spec = isObject(item.spec) ? item.spec : {};
    switch (kind) {
      case 'Pod': {
        const status = isObject(item.status) ? item.status : {};
        this.pods.push({
          namespace,
          name,
          labels,
          ownerReferences: owners,
          ports: readContainerPorts(spec, `${context}: spec`),
          ips: readPodIps(status, `${context}: status`),
          ...(typeof status.phase === 'string' ? { phase: status.phase } : {}),
          ...(spec.hostNetwork === true ? { hostNetwork: true } : {}),
          ...(typeof spec.nodeName === 'string' && spec.nodeName !== '' ? { nodeName: readNodeName(spec.nodeName, context, at) } : {}),
        });
        return;
      }
      case 'NetworkPolicy': {
        if (item.spec !== undefined && !isObject(item.spec)) throw new SnapshotError(`${context}: spec: Invalid value: must be an object`);
        const policySpec = { ...spec } as unknown as NetworkPolicy['spec'];
        if (policySpec.podSelector === undefined || policySpec.podSelector === null) policySpec.podSelector = {};
        this.policies.push({
          ...(item as unknown as NetworkPolicy),
          metadata: { ...(meta as NetworkPolicy['metadata']), name, namespace },
          spec: policySpec,
        });
        return;
      }
      case 'Service': {
        this.services.push({
          namespace,
          name,
          selector: readLabels(spec.selector, `${context}: spec.selector`, at('spec.selector')),
          ports: (Array.isArray(spec.ports) ? spec.ports : []).filter(isObject).map((p) => ({
            ...(typeof p.name === 'string' ? { name: p.name } : {}),
            port: Number(p.port),
            ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? { targetPort: p.targetPort } : {}),
            protocol: (typeof p.protocol === 'string' ? p.protocol : 'TCP') as Protocol,
          })),
        });
        return;
      }
      default: {
        const jobTemplate =
          kind === 'CronJob' && isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec) ? spec.jobTemplate.spec : spec;
        const template = isObject(jobTemplate.template) ? jobTemplate.template : {};
        const templateMeta = isObject(template.metadata) ? template.metadata : {};
        const templateSpec = isObject(template.spec) ? template.spec : {};
        this.workloads.push({
          kind,
          namespace,
          name,
          ownerReferences: owners,
          templateLabels: readLabels(templateMeta.labels, `${context}: spec.template.metadata.labels`, at('spec.template.metadata.labels')),
          templatePorts: readContainerPorts(templateSpec, `${context}: spec.template.spec`),
        });
      }
    }
  }

  /**
   * Nodes and the cluster-scoped policy kinds. A policy of a version the engine does not read is refused, never
   * left out: a snapshot that holds guardrails must not be evaluated as if it had none.
   */
  private addClusterScoped(
    item: Json,
    kind: string,
    apiVersion: string | undefined,
    where: string,
    at: (field: string) => SnapshotLocation,
  ) {
    const meta = item.metadata;
    if (!isObject(meta)) throw new SnapshotError(`${where} (${kind}): metadata: Required value`);
    const name = meta.name;
    if (typeof name !== 'string' || name === '')
      throw new SnapshotError(`${where} (${kind}): metadata.name: Required value`, at('metadata.name'));
    const context = `${where} (${kind} ${JSON.stringify(name)})`;
    checkName(name, isDns1123Subdomain, `${context}: metadata.name`, at('metadata.name'));
    const key = `${kind}/${name}`;
    if (this.seen.has(key)) throw new SnapshotError(`${context}: listed twice`);
    this.seen.add(key);
    if (kind === 'Node') {
      if (apiVersion !== undefined && apiVersion !== 'v1') return;
      const status = isObject(item.status) ? item.status : {};
      this.nodes.push({
        name,
        labels: readLabels(meta.labels, `${context}: metadata.labels`, at('metadata.labels')),
        addresses: readNodeAddresses(status, `${context}: status`, at),
      });
      return;
    }
    const policyKind = kind as SnapshotClusterPolicy['kind'];
    const expected = CLUSTER_POLICY_VERSIONS[policyKind];
    if (apiVersion !== undefined && apiVersion !== expected) {
      if (!apiVersion.startsWith(`${CLUSTER_POLICY_GROUP}/`)) return;
      throw new SnapshotError(
        `${context}: apiVersion: Unsupported value: ${JSON.stringify(apiVersion)}: supported values: "${expected}"`,
        at('apiVersion'),
      );
    }
    readLabels(meta.labels, `${context}: metadata.labels`, at('metadata.labels'));
    this.clusterPolicies.push({ apiVersion: expected, kind: policyKind, metadata: { ...meta, name }, spec: item.spec });
  }

  build(): Snapshot {
    const namespaces = new Map([...this.namespaces].map(([name, labels]) => [name, { name, labels, implicit: false }]));
    const implied = [...this.pods, ...this.workloads, ...this.policies.map((p) => ({ namespace: p.metadata.namespace }))];
    for (const { namespace } of implied) {
      if (!namespaces.has(namespace))
        namespaces.set(namespace, { name: namespace, labels: { [NAMESPACE_NAME_LABEL]: namespace }, implicit: true });
    }
    const byNamespaceName = <T extends { namespace: string; name: string }>(a: T, b: T) =>
      compare(a.namespace, b.namespace) || compare(a.name, b.name);
    return {
      namespaces: [...namespaces.values()].sort((a, b) => compare(a.name, b.name)),
      pods: [...this.pods].sort(byNamespaceName),
      policies: [...this.policies].sort(
        (a, b) => compare(a.metadata.namespace, b.metadata.namespace) || compare(a.metadata.name, b.metadata.name),
      ),
      workloads: [...this.workloads].sort((a, b) => byNamespaceName(a, b) || compare(a.kind, b.kind)),
      services: [...this.services].sort(byNamespaceName),
      clusterPolicies: [...this.clusterPolicies].sort((a, b) => compare(a.kind, b.kind) || compare(a.metadata.name, b.metadata.name)),
      nodes: [...this.nodes].sort((a, b) => compare(a.name, b.name)),
    };
  }
}

export function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Refuses a name the API server would refuse (`../../etc`, upper case, too long, control characters),
 * so that no such name reaches the inventory, the map or a plan.
 */
function checkName(value: string, rule: (value: string) => string[], where: string, at: SnapshotLocation): void {
  const problems = rule(value);
  if (problems.length > 0) throw new SnapshotError(fieldError.invalid(where, value, problems.join('; ')), at);
}

/** Labels and selectors: qualified names as keys, label values as values (Kubernetes' rules). */
function readLabels(value: unknown, where: string, at: SnapshotLocation): Labels {
  if (value === undefined || value === null) return {};
  if (!isObject(value)) throw new SnapshotError(`${where}: Invalid value: must be a map of strings`, at);
  const labels: Labels = {};
  for (const [k, v] of Object.entries(value)) {
    const keyProblems = isQualifiedName(k);
    if (keyProblems.length > 0) throw new SnapshotError(fieldError.invalid(where, k, `key ${keyProblems.join('; ')}`), at);
    if (typeof v !== 'string') throw new SnapshotError(`${where}[${k}]: Invalid value: must be a string`, at);
    checkName(v, isValidLabelValue, `${where}[${k}]`, at);
    labels[k] = v;
  }
  return labels;
}

function readOwners(value: unknown, where: string, at: SnapshotLocation): OwnerReference[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new SnapshotError(`${where}: Invalid value: must be a list`, at);
  return value.map((o, i) => {
    if (!isObject(o) || typeof o.kind !== 'string' || typeof o.name !== 'string') {
      throw new SnapshotError(`${where}[${i}]: Invalid value: needs a kind and a name`, { ...at, field: `${at.field}[${i}]` });
    }
    checkName(o.name, isDns1123Subdomain, `${where}[${i}].name`, { ...at, field: `${at.field}[${i}].name` });
    return { kind: o.kind, name: o.name, ...(o.controller === true ? { controller: true } : {}) };
  });
}

function readContainerPorts(spec: Json, where: string): InventoryPort[] {
  const ports: InventoryPort[] = [];
  for (const field of ['initContainers', 'containers'] as const) {
    const containers = spec[field];
    if (containers === undefined || containers === null) continue;
    if (!Array.isArray(containers)) throw new SnapshotError(`${where}.${field}: Invalid value: must be a list`);
    containers.forEach((container, ci) => {
      if (!isObject(container) || container.ports === undefined || container.ports === null) return;
      if (!Array.isArray(container.ports)) throw new SnapshotError(`${where}.${field}[${ci}].ports: Invalid value: must be a list`);
      container.ports.forEach((port, pi) => {
        const path = `${where}.${field}[${ci}].ports[${pi}]`;
        if (!isObject(port)) throw new SnapshotError(`${path}: Invalid value: must be an object`);
        const number = port.containerPort;
        if (typeof number !== 'number' || !Number.isInteger(number) || number < 1 || number > 65535) {
          throw new SnapshotError(
            `${path}.containerPort: Invalid value: ${JSON.stringify(number)}: must be between 1 and 65535, inclusive`,
          );
        }
        const protocol = port.protocol ?? 'TCP';
        if (protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
          throw new SnapshotError(
            `${path}.protocol: Unsupported value: ${JSON.stringify(protocol)}: supported values: "TCP", "UDP", "SCTP"`,
          );
        }
        ports.push({ ...(typeof port.name === 'string' && port.name !== '' ? { name: port.name } : {}), port: number, protocol });
      });
    });
  }
  return ports;
}

function readNodeName(value: string, context: string, at: (field: string) => SnapshotLocation): string {
  checkName(value, isDns1123Subdomain, `${context}: spec.nodeName`, at('spec.nodeName'));
  return value;
}

/** `status.addresses` of a Node: its InternalIP and ExternalIP entries (each a valid IP); `Hostname` and other types are names. */
function readNodeAddresses(status: Json, where: string, at: (field: string) => SnapshotLocation): NodeAddress[] {
  if (status.addresses === undefined || status.addresses === null) return [];
  if (!Array.isArray(status.addresses))
    throw new SnapshotError(`${where}.addresses: Invalid value: must be a list`, at('status.addresses'));
  const addresses: NodeAddress[] = [];
  status.addresses.forEach((entry, i) => {
    if (!isObject(entry) || typeof entry.type !== 'string' || typeof entry.address !== 'string')
      throw new SnapshotError(`${where}.addresses[${i}]: Invalid value: needs a type and an address`, at(`status.addresses[${i}]`));
    if (entry.type !== 'InternalIP' && entry.type !== 'ExternalIP') return;
    if (!parseIp(entry.address))
      throw new SnapshotError(
        `${where}.addresses[${i}].address: Invalid value: ${JSON.stringify(entry.address)}: must be a valid IP address`,
        at(`status.addresses[${i}].address`),
      );
    if (!addresses.some((a) => a.address === entry.address)) addresses.push({ type: entry.type, address: entry.address });
  });
  return addresses;
}

function readPodIps(status: Json, where: string): string[] {
  const ips: string[] = [];
  if (Array.isArray(status.podIPs)) {
    status.podIPs.forEach((entry, i) => {
      const ip = isObject(entry) ? entry.ip : undefined;
      if (typeof ip !== 'string') throw new SnapshotError(`${where}.podIPs[${i}].ip: Required value`);
      if (!parseIp(ip))
        throw new SnapshotError(`${where}.podIPs[${i}].ip: Invalid value: ${JSON.stringify(ip)}: must be a valid IP address`);
      ips.push(ip);
    });
  }
  if (typeof status.podIP === 'string' && status.podIP !== '') {
    if (!parseIp(status.podIP))
      throw new SnapshotError(`${where}.podIP: Invalid value: ${JSON.stringify(status.podIP)}: must be a valid IP address`);
    if (!ips.includes(status.podIP)) ips.unshift(status.podIP);
  }
  return ips;
}
