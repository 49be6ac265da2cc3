import { PolicyValidationError } from '../model/errors';
import { parseCidr } from '../model/ip';
import { fieldError, isDns1123Subdomain, isValidPortName } from './messages';
import { type ValidationIssue, validateSelector } from './validate';

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const present = (v: unknown) => v !== undefined && v !== null;

/**
 * What differs between the three kinds: ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2) and the v1alpha1
 * AdminNetworkPolicy and BaselineAdminNetworkPolicy, whose CRDs have other limits, action names and port fields.
 */
interface Dialect {
  kind: 'ClusterNetworkPolicy' | 'AdminNetworkPolicy' | 'BaselineAdminNetworkPolicy';
  actions: string[];
  hasTier: boolean;
  hasPriority: boolean;
  maxRules: number;
  maxPeers: number;
  /** `protocols` (v1alpha2) or `ports` (v1alpha1). */
  portsField: 'protocols' | 'ports';
  maxPorts: number;
  egressPeers: string[];
  /** The one name a BaselineAdminNetworkPolicy may have. */
  singletonName?: string;
}

const DIALECTS: Record<Dialect['kind'], Dialect> = {
  ClusterNetworkPolicy: {
    kind: 'ClusterNetworkPolicy',
    actions: ['Accept', 'Deny', 'Pass'],
    hasTier: true,
    hasPriority: true,
    maxRules: 25,
    maxPeers: 25,
    portsField: 'protocols',
    maxPorts: 25,
    egressPeers: ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'],
  },
  AdminNetworkPolicy: {
    kind: 'AdminNetworkPolicy',
    actions: ['Allow', 'Deny', 'Pass'],
    hasTier: false,
    hasPriority: true,
    maxRules: 100,
    maxPeers: 100,
    portsField: 'ports',
    maxPorts: 100,
    egressPeers: ['namespaces', 'pods', 'networks', 'nodes', 'domainNames'],
  },
  BaselineAdminNetworkPolicy: {
    kind: 'BaselineAdminNetworkPolicy',
    actions: ['Allow', 'Deny'],
    hasTier: false,
    hasPriority: false,
    maxRules: 100,
    maxPeers: 100,
    portsField: 'ports',
    maxPorts: 100,
    egressPeers: ['namespaces', 'pods', 'networks', 'nodes'],
    singletonName: 'default',
  },
};

/** The DomainName pattern of the CRD: labels, an optional `*.` prefix, an optional trailing dot. */
const DOMAIN_NAME_PATTERN = '^(\\*\\.)?([a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.)+[a-zA-Z0-9]([-a-zA-Z0-9_]*[a-zA-Z0-9])?\\.?$';
const DOMAIN_NAME_RE = new RegExp(DOMAIN_NAME_PATTERN);
const NO_NAMED_PORTS =
  'networks/nodes/domainNames peer cannot be set with namedPorts since there are no namedPorts for networks/nodes/domainNames';

/** The CRD schema's messages (OpenAPI validation and CEL rules, as the API server prints them). */
const crd = {
  maximum: (path: string, value: number, max: number) =>
    `${path}: Invalid value: ${value}: ${path} in body should be less than or equal to ${max}`,
  minimum: (path: string, value: number, min: number) =>
    `${path}: Invalid value: ${value}: ${path} in body should be greater than or equal to ${min}`,
  tooMany: (path: string, count: number, max: number) => `${path}: Too many: ${count}: must have at most ${max} items`,
  tooFew: (path: string, count: number, min: number) =>
    `${path}: Invalid value: ${count}: ${path} in body should have at least ${min} items`,
  tooLong: (path: string, max: number) => `${path}: Too long: may not be longer than ${max}`,
  properties: (path: string, count: number) =>
    count === 0
      ? `${path}: Invalid value: 0: ${path} in body should have at least 1 properties`
      : `${path}: Invalid value: ${count}: ${path} in body should have at most 1 properties`,
  type: (path: string, value: unknown, type: string) =>
    `${path}: Invalid value: "${Array.isArray(value) ? 'array' : typeof value}": ${path} in body must be of type ${type}: "${Array.isArray(value) ? 'array' : typeof value}"`,
  pattern: (path: string, value: string, pattern: string) =>
    `${path}: Invalid value: ${JSON.stringify(value)}: ${path} in body should match '${pattern}'`,
  rule: (path: string, type: 'object' | 'string', message: string) => `${path}: Invalid value: "${type}": ${message}`,
  duplicate: (path: string, value: unknown) => `${path}: Duplicate value: ${JSON.stringify(value)}`,
};

class Errors {
  readonly list: { field: string; message: string }[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

/** The dialect of a cluster-scoped policy object, by its kind; undefined for any other kind. */
function dialectOf(object: unknown): Dialect | undefined {
  const kind = isObject(object) ? object.kind : undefined;
  return typeof kind === 'string' && Object.hasOwn(DIALECTS, kind) ? DIALECTS[kind as Dialect['kind']] : undefined;
}

/**
 * Validates a ClusterNetworkPolicy, AdminNetworkPolicy or BaselineAdminNetworkPolicy as the API server does with
 * the CRD's schema and CEL rules (network-policy-api v0.2.0 for v1alpha2, v0.1.x for v1alpha1): tier, priority
 * 0-1000, exactly one subject, at most 25 (v1alpha1: 100) rules per direction with names up to 100 characters,
 * 1-25 peers of exactly one kind, CIDRs, domain names, ports and ranges. One rule is Bulkhead's own: upstream's
 * API documentation supports `domainNames` in Accept rules only, and the CRD does not check it, so we refuse it
 * rather than guess what an implementation does with it. The object has been read as JSON, so its fields are the
 * user's: `validateClusterPolicy` runs before the v1alpha1 kinds are mapped onto ClusterNetworkPolicy.
 */
export function validateClusterPolicy(object: unknown): ValidationIssue[] {
  const dialect = dialectOf(object);
  const errors = new Errors();
  const meta = isObject(object) ? object.metadata : undefined;
  const name = isObject(meta) && typeof meta.name === 'string' ? meta.name : '';
  if (!dialect)
    return [
      {
        policy: name,
        field: 'kind',
        message: fieldError.notSupported('kind', isObject(object) ? object.kind : object, Object.keys(DIALECTS)),
      },
    ];
  if (name === '') errors.add('metadata.name', fieldError.required('metadata.name', 'name or generateName is required'));
  else for (const msg of isDns1123Subdomain(name)) errors.add('metadata.name', fieldError.invalid('metadata.name', name, msg));
  if (dialect.singletonName !== undefined && name !== '' && name !== dialect.singletonName) {
    errors.add(
      'metadata.name',
      crd.rule(
        '<nil>',
        'object',
        `Only one baseline admin network policy with metadata.name="${dialect.singletonName}" can be created in the cluster`,
      ),
    );
  }
  const spec = (object as Json).spec;
  if (!isObject(spec)) errors.add('spec', fieldError.required('spec'));
  else validateSpec(spec, dialect, errors);
  return errors.list.map((e) => ({ policy: name, field: e.field, message: e.message }));
}

function validateSpec(spec: Json, dialect: Dialect, errors: Errors): void {
  if (dialect.hasTier) {
    if (!present(spec.tier)) errors.add('spec.tier', fieldError.required('spec.tier'));
    else if (spec.tier !== 'Admin' && spec.tier !== 'Baseline')
      errors.add('spec.tier', fieldError.notSupported('spec.tier', spec.tier, ['Admin', 'Baseline']));
  }
  if (dialect.hasPriority) validateInteger(spec.priority, 'spec.priority', 0, 1000, errors, true);
  validateSubject(spec.subject, 'spec.subject', errors);
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = spec[direction];
    if (!present(rules)) continue;
    const path = `spec.${direction}`;
    if (!Array.isArray(rules)) {
      errors.add(path, crd.type(path, rules, 'array'));
      continue;
    }
    if (rules.length > dialect.maxRules) errors.add(path, crd.tooMany(path, rules.length, dialect.maxRules));
    rules.forEach((rule, i) => validateRule(rule, direction, `${path}[${i}]`, dialect, errors));
  }
}

function validateInteger(value: unknown, path: string, min: number, max: number, errors: Errors, required: boolean): void {
  if (!present(value)) {
    if (required) errors.add(path, fieldError.required(path));
    return;
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    errors.add(path, crd.type(path, value, 'integer'));
    return;
  }
  if (value < min) errors.add(path, crd.minimum(path, value, min));
  if (value > max) errors.add(path, crd.maximum(path, value, max));
}

/** Exactly one key among the known ones (the API server prunes unknown fields before it counts). */
function oneOf(value: unknown, path: string, keys: readonly string[], errors: Errors): string | undefined {
  if (!isObject(value)) {
    errors.add(path, present(value) ? crd.type(path, value, 'object') : fieldError.required(path));
    return undefined;
  }
  const set = keys.filter((key) => present(value[key]));
  if (set.length !== 1) {
    errors.add(path, crd.properties(path, set.length));
    return undefined;
  }
  return set[0];
}

function validateSubject(subject: unknown, path: string, errors: Errors): void {
  const key = oneOf(subject, path, ['namespaces', 'pods'], errors);
  if (key === 'namespaces') validateSelector((subject as Json).namespaces, `${path}.namespaces`, errors);
  if (key === 'pods') validateNamespacedPods((subject as Json).pods, `${path}.pods`, errors);
}

function validateNamespacedPods(value: unknown, path: string, errors: Errors): void {
  if (!isObject(value)) {
    errors.add(path, crd.type(path, value, 'object'));
    return;
  }
  if (present(value.namespaceSelector)) validateSelector(value.namespaceSelector, `${path}.namespaceSelector`, errors);
  if (!present(value.podSelector)) errors.add(`${path}.podSelector`, fieldError.required(`${path}.podSelector`));
  else validateSelector(value.podSelector, `${path}.podSelector`, errors);
}

function validateList(value: unknown, path: string, min: number, max: number, errors: Errors): unknown[] | undefined {
  if (!Array.isArray(value)) {
    errors.add(path, present(value) ? crd.type(path, value, 'array') : fieldError.required(path));
    return undefined;
  }
  if (value.length < min) errors.add(path, crd.tooFew(path, value.length, min));
  if (value.length > max) errors.add(path, crd.tooMany(path, value.length, max));
  return value;
}

function validateRule(rule: unknown, direction: 'ingress' | 'egress', path: string, dialect: Dialect, errors: Errors): void {
  if (!isObject(rule)) {
    errors.add(path, crd.type(path, rule, 'object'));
    return;
  }
  if (present(rule.name)) {
    if (typeof rule.name !== 'string') errors.add(`${path}.name`, crd.type(`${path}.name`, rule.name, 'string'));
    else if (rule.name.length > 100) errors.add(`${path}.name`, crd.tooLong(`${path}.name`, 100));
  }
  if (!present(rule.action)) errors.add(`${path}.action`, fieldError.required(`${path}.action`));
  else if (!dialect.actions.includes(rule.action as string))
    errors.add(`${path}.action`, fieldError.notSupported(`${path}.action`, rule.action, dialect.actions));
  const peersField = direction === 'ingress' ? 'from' : 'to';
  const peerKinds = direction === 'ingress' ? ['namespaces', 'pods'] : dialect.egressPeers;
  const peers = validateList(rule[peersField], `${path}.${peersField}`, 1, dialect.maxPeers, errors) ?? [];
  const peerKeys = peers.map((peer, j) => validatePeer(peer, `${path}.${peersField}[${j}]`, peerKinds, errors));
  const ports = rule[dialect.portsField];
  let namedPort = false;
  if (present(ports)) {
    const portsPath = `${path}.${dialect.portsField}`;
    const list = validateList(ports, portsPath, dialect.portsField === 'protocols' ? 1 : 0, dialect.maxPorts, errors) ?? [];
    list.forEach((port, j) => {
      const itemPath = `${portsPath}[${j}]`;
      namedPort =
        (dialect.portsField === 'protocols' ? validateProtocol(port, itemPath, errors) : validateLegacyPort(port, itemPath, errors)) ||
        namedPort;
    });
  }
  if (namedPort && peerKeys.some((key) => key === 'networks' || key === 'nodes' || key === 'domainNames')) {
    errors.add(path, crd.rule(path, 'object', NO_NAMED_PORTS));
  }
  const accepts = rule.action === 'Accept' || rule.action === 'Allow';
  peerKeys.forEach((key, j) => {
    if (key === 'domainNames' && !accepts && present(rule.action)) {
      const peerPath = `${path}.${peersField}[${j}].domainNames`;
      errors.add(peerPath, fieldError.forbidden(peerPath, `domainNames peers are only supported in ${dialect.actions[0]} rules`));
    }
  });
}

/** Validates one peer; returns its kind when it has exactly one. */
function validatePeer(peer: unknown, path: string, kinds: readonly string[], errors: Errors): string | undefined {
  const key = oneOf(peer, path, kinds, errors);
  const value = key === undefined ? undefined : (peer as Json)[key];
  const keyPath = `${path}.${key}`;
  switch (key) {
    case 'namespaces':
    case 'nodes':
      validateSelector(value, keyPath, errors);
      break;
    case 'pods':
      validateNamespacedPods(value, keyPath, errors);
      break;
    case 'networks':
      validateSet(value, keyPath, errors, (item, itemPath) => {
        if (typeof item !== 'string') return errors.add(itemPath, crd.type(itemPath, item, 'string'));
        if (item.length > 43) return errors.add(itemPath, crd.tooLong(itemPath, 43));
        if (!parseCidr(item)) errors.add(itemPath, crd.rule(itemPath, 'string', 'Invalid CIDR format provided'));
      });
      break;
    case 'domainNames':
      validateSet(value, keyPath, errors, (item, itemPath) => {
        if (typeof item !== 'string') return errors.add(itemPath, crd.type(itemPath, item, 'string'));
        if (!DOMAIN_NAME_RE.test(item)) errors.add(itemPath, crd.pattern(itemPath, item, DOMAIN_NAME_PATTERN));
      });
      break;
    default:
      // No kind, or several: oneOf has said so.
      break;
  }
  return key;
}

/** A `listType=set` of 1 to 25 items: no duplicates. */
function validateSet(value: unknown, path: string, errors: Errors, validateItem: (item: unknown, path: string) => void): void {
  const list = validateList(value, path, 1, 25, errors) ?? [];
  const seen = new Set<unknown>();
  list.forEach((item, i) => {
    if (seen.has(item)) errors.add(`${path}[${i}]`, crd.duplicate(`${path}[${i}]`, item));
    seen.add(item);
    validateItem(item, `${path}[${i}]`);
  });
}

/** A v1alpha2 `protocols` entry; true when it is a named port. */
function validateProtocol(entry: unknown, path: string, errors: Errors): boolean {
  const key = oneOf(entry, path, ['tcp', 'udp', 'sctp', 'destinationNamedPort'], errors);
  if (key === undefined) return false;
  const value = (entry as Json)[key];
  if (key === 'destinationNamedPort') {
    validatePortName(value, `${path}.destinationNamedPort`, errors);
    return true;
  }
  const protocolPath = `${path}.${key}`;
  if (!isObject(value)) {
    errors.add(protocolPath, crd.type(protocolPath, value, 'object'));
    return false;
  }
  if (!present(value.destinationPort)) {
    errors.add(protocolPath, crd.properties(protocolPath, 0));
    return false;
  }
  const portPath = `${protocolPath}.destinationPort`;
  const portKey = oneOf(value.destinationPort, portPath, ['number', 'range'], errors);
  const port = value.destinationPort as Json;
  if (portKey === 'number') validateInteger(port.number, `${portPath}.number`, 1, 65535, errors, true);
  if (portKey === 'range') validateRange(port.range, `${portPath}.range`, errors);
  return false;
}

/** A v1alpha1 `ports` entry (portNumber, namedPort or portRange); true when it is a named port. */
function validateLegacyPort(entry: unknown, path: string, errors: Errors): boolean {
  const key = oneOf(entry, path, ['portNumber', 'namedPort', 'portRange'], errors);
  if (key === undefined) return false;
  const value = (entry as Json)[key];
  const keyPath = `${path}.${key}`;
  if (key === 'namedPort') {
    validatePortName(value, keyPath, errors);
    return true;
  }
  if (!isObject(value)) {
    errors.add(keyPath, crd.type(keyPath, value, 'object'));
    return false;
  }
  if (key === 'portNumber') {
    if (!present(value.protocol)) errors.add(`${keyPath}.protocol`, fieldError.required(`${keyPath}.protocol`));
    validateProtocolName(value.protocol, `${keyPath}.protocol`, errors);
    validateInteger(value.port, `${keyPath}.port`, 1, 65535, errors, true);
  } else {
    validateProtocolName(value.protocol, `${keyPath}.protocol`, errors);
    validateRange(value, keyPath, errors);
  }
  return false;
}

function validateProtocolName(value: unknown, path: string, errors: Errors): void {
  if (present(value) && value !== 'TCP' && value !== 'UDP' && value !== 'SCTP')
    errors.add(path, fieldError.notSupported(path, value, ['TCP', 'UDP', 'SCTP']));
}

function validateRange(value: unknown, path: string, errors: Errors): void {
  if (!isObject(value)) {
    errors.add(path, crd.type(path, value, 'object'));
    return;
  }
  validateInteger(value.start, `${path}.start`, 1, 65535, errors, true);
  validateInteger(value.end, `${path}.end`, 1, 65535, errors, true);
  if (typeof value.start === 'number' && typeof value.end === 'number' && !(value.start < value.end)) {
    errors.add(path, crd.rule(path, 'object', 'Start port must be less than End port'));
  }
}

function validatePortName(value: unknown, path: string, errors: Errors): void {
  if (typeof value !== 'string') {
    errors.add(path, crd.type(path, value, 'string'));
    return;
  }
  for (const msg of isValidPortName(value)) errors.add(path, fieldError.invalid(path, value, msg));
}

/** The message `kubectl apply` would print for one problem, e.g. `ClusterNetworkPolicy.policy.networking.k8s.io "x" is invalid: ...`. */
export function formatClusterPolicyIssue(kind: string, issue: ValidationIssue): string {
  return `${issue.policy}: ${kind}.policy.networking.k8s.io "${issue.policy}" is invalid: ${issue.message}`;
}

/** Validates every cluster-scoped policy object; throws a PolicyValidationError listing every problem, one line each. */
export function assertValidClusterPolicies(objects: readonly unknown[]): void {
  const lines: string[] = [];
  const issues: ValidationIssue[] = [];
  for (const object of objects) {
    const kind = dialectOf(object)?.kind ?? 'ClusterNetworkPolicy';
    for (const issue of validateClusterPolicy(object)) {
      issues.push(issue);
      lines.push(formatClusterPolicyIssue(kind, issue));
    }
  }
  if (issues.length > 0) throw new PolicyValidationError(lines.join('\n'), issues);
}
