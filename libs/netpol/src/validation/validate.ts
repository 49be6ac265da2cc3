import { parseCidr, cidrStrictlyInside } from '../model/ip';
import { PolicyValidationError } from '../model/errors';
import type { NetworkPolicy } from '../model/types';
import { fieldError, isDns1123Subdomain, isQualifiedName, isValidLabelValue, isValidPortName, isValidPortNum } from './messages';

/** One problem the API server would refuse a NetworkPolicy for. */
export interface ValidationIssue {
  /** `namespace/name` of the policy. */
  policy: string;
  /** The field path, e.g. `spec.ingress[0].ports[0].endPort`. */
  field: string;
  /** The field error as the API server prints it, e.g. `spec...endPort: Invalid value: 79: must be ...`. */
  message: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Collects field errors as `[path, message]`, the path kept apart for callers that want it. */
class Errors {
  readonly list: { field: string; message: string }[] = [];
  add(field: string, message: string): void {
    this.list.push({ field, message });
  }
}

/**
 * Validates a NetworkPolicy the way the API server's ValidateNetworkPolicy does: metadata.name, the label
 * selectors, every port (range, name syntax, endPort rules, protocol), every peer (exactly one kind when an
 * ipBlock is present, valid CIDRs, each except a strict subset of its cidr) and policyTypes.
 * Returns every problem; an empty list means the policy is valid.
 */
export function validateNetworkPolicy(policy: NetworkPolicy): ValidationIssue[] {
  const errors = new Errors();
  const meta = (policy as { metadata?: unknown }).metadata;
  const name = isObject(meta) && typeof meta.name === 'string' ? meta.name : '';
  const namespace = isObject(meta) && typeof meta.namespace === 'string' ? meta.namespace : '';
  if (name === '') errors.add('metadata.name', fieldError.required('metadata.name', 'name or generateName is required'));
  else for (const msg of isDns1123Subdomain(name)) errors.add('metadata.name', fieldError.invalid('metadata.name', name, msg));

  const spec = (policy as { spec?: unknown }).spec;
  if (!isObject(spec)) {
    errors.add('spec', fieldError.required('spec'));
  } else {
    validateSpec(spec, errors);
  }
  const qualified = `${namespace}/${name}`;
  return errors.list.map((e) => ({ policy: qualified, field: e.field, message: e.message }));
}

function validateSpec(spec: Json, errors: Errors): void {
  validateSelector(spec.podSelector ?? {}, 'spec.podSelector', errors);
  for (const direction of ['ingress', 'egress'] as const) {
    const rules = spec[direction];
    if (rules === undefined || rules === null) continue;
    const rulesPath = `spec.${direction}`;
    if (!Array.isArray(rules)) {
      errors.add(rulesPath, fieldError.invalid(rulesPath, rules, 'must be a list of rules'));
      continue;
    }
    rules.forEach((rule, i) => {
      const rulePath = `${rulesPath}[${i}]`;
      if (!isObject(rule)) {
        errors.add(rulePath, fieldError.invalid(rulePath, rule, 'must be an object'));
        return;
      }
      const ports = rule.ports;
      if (ports !== undefined && ports !== null) {
        if (!Array.isArray(ports))
          errors.add(`${rulePath}.ports`, fieldError.invalid(`${rulePath}.ports`, ports, 'must be a list of ports'));
        else ports.forEach((port, j) => validatePort(port, `${rulePath}.ports[${j}]`, errors));
      }
      const peersField = direction === 'ingress' ? 'from' : 'to';
      const peers = rule[peersField];
      if (peers !== undefined && peers !== null) {
        const peersPath = `${rulePath}.${peersField}`;
        if (!Array.isArray(peers)) errors.add(peersPath, fieldError.invalid(peersPath, peers, 'must be a list of peers'));
        else peers.forEach((peer, j) => validatePeer(peer, `${peersPath}[${j}]`, errors));
      }
    });
  }
  const types = spec.policyTypes;
  if (types !== undefined && types !== null) {
    if (!Array.isArray(types)) {
      errors.add('spec.policyTypes', fieldError.invalid('spec.policyTypes', types, 'must be a list'));
    } else if (types.length > 2) {
      errors.add('spec.policyTypes', fieldError.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes'));
    } else {
      types.forEach((type, i) => {
        if (type !== 'Ingress' && type !== 'Egress') {
          errors.add(`spec.policyTypes[${i}]`, fieldError.notSupported(`spec.policyTypes[${i}]`, type, ['Ingress', 'Egress']));
        }
      });
    }
  }
}

/** A label selector as the API server checks it (keys, values, operators); shared with the cluster policies' validation. */
export function validateSelector(selector: unknown, path: string, errors: Pick<Errors, 'add'>): void {
  if (!isObject(selector)) {
    errors.add(path, fieldError.invalid(path, selector, 'must be a label selector'));
    return;
  }
  const matchLabels = selector.matchLabels;
  if (matchLabels !== undefined && matchLabels !== null) {
    const labelsPath = `${path}.matchLabels`;
    if (!isObject(matchLabels)) {
      errors.add(labelsPath, fieldError.invalid(labelsPath, matchLabels, 'must be a map of label keys to values'));
    } else {
      for (const [key, value] of Object.entries(matchLabels)) {
        for (const msg of isQualifiedName(key)) errors.add(labelsPath, fieldError.invalid(labelsPath, key, msg));
        if (typeof value !== 'string') errors.add(labelsPath, fieldError.invalid(labelsPath, value, 'must be a string'));
        else for (const msg of isValidLabelValue(value)) errors.add(labelsPath, fieldError.invalid(labelsPath, value, msg));
      }
    }
  }
  const expressions = selector.matchExpressions;
  if (expressions === undefined || expressions === null) return;
  const expressionsPath = `${path}.matchExpressions`;
  if (!Array.isArray(expressions)) {
    errors.add(expressionsPath, fieldError.invalid(expressionsPath, expressions, 'must be a list of requirements'));
    return;
  }
  expressions.forEach((requirement, i) => {
    const reqPath = `${expressionsPath}[${i}]`;
    if (!isObject(requirement)) {
      errors.add(reqPath, fieldError.invalid(reqPath, requirement, 'must be an object'));
      return;
    }
    const values = requirement.values;
    const valuesPath = `${reqPath}.values`;
    if (values !== undefined && values !== null && !Array.isArray(values)) {
      errors.add(valuesPath, fieldError.invalid(valuesPath, values, 'must be a list of strings'));
      return;
    }
    const list: unknown[] = Array.isArray(values) ? values : [];
    switch (requirement.operator) {
      case 'In':
      case 'NotIn':
        if (list.length === 0)
          errors.add(valuesPath, fieldError.required(valuesPath, "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (list.length > 0)
          errors.add(valuesPath, fieldError.forbidden(valuesPath, "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errors.add(
          `${reqPath}.operator`,
          fieldError.invalid(`${reqPath}.operator`, requirement.operator ?? '', 'not a valid selector operator'),
        );
    }
    const key = typeof requirement.key === 'string' ? requirement.key : '';
    for (const msg of isQualifiedName(key)) errors.add(`${reqPath}.key`, fieldError.invalid(`${reqPath}.key`, key, msg));
    list.forEach((value, j) => {
      const valuePath = `${valuesPath}[${j}]`;
      if (typeof value !== 'string') errors.add(valuePath, fieldError.invalid(valuePath, value, 'must be a string'));
      else for (const msg of isValidLabelValue(value)) errors.add(valuePath, fieldError.invalid(valuePath, value, msg));
    });
  });
}

function validatePort(port: unknown, path: string, errors: Errors): void {
  if (!isObject(port)) {
    errors.add(path, fieldError.invalid(path, port, 'must be an object'));
    return;
  }
  const { protocol, endPort } = port;
  const value = port.port;
  if (protocol !== undefined && protocol !== null && protocol !== 'TCP' && protocol !== 'UDP' && protocol !== 'SCTP') {
    errors.add(`${path}.protocol`, fieldError.notSupported(`${path}.protocol`, protocol, ['TCP', 'UDP', 'SCTP']));
  }
  const hasEndPort = endPort !== undefined && endPort !== null;
  if (hasEndPort && (typeof endPort !== 'number' || !Number.isInteger(endPort))) {
    errors.add(`${path}.endPort`, fieldError.invalid(`${path}.endPort`, endPort, 'must be an integer'));
    return;
  }
  if (value === undefined || value === null) {
    if (hasEndPort)
      errors.add(`${path}.endPort`, fieldError.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is not specified'));
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      errors.add(`${path}.port`, fieldError.invalid(`${path}.port`, value, 'must be an integer'));
      return;
    }
    for (const msg of isValidPortNum(value)) errors.add(`${path}.port`, fieldError.invalid(`${path}.port`, value, msg));
    if (hasEndPort) {
      const end = endPort;
      if (end < value) errors.add(`${path}.endPort`, fieldError.invalid(`${path}.endPort`, end, 'must be greater than or equal to `port`'));
      for (const msg of isValidPortNum(end)) errors.add(`${path}.endPort`, fieldError.invalid(`${path}.endPort`, end, msg));
    }
    return;
  }
  if (typeof value === 'string') {
    if (hasEndPort)
      errors.add(`${path}.endPort`, fieldError.invalid(`${path}.endPort`, endPort, 'may not be specified when `port` is non-numeric'));
    for (const msg of isValidPortName(value)) errors.add(`${path}.port`, fieldError.invalid(`${path}.port`, value, msg));
    return;
  }
  errors.add(`${path}.port`, fieldError.invalid(`${path}.port`, value, 'must be a port number or a port name'));
}

function validatePeer(peer: unknown, path: string, errors: Errors): void {
  if (!isObject(peer)) {
    errors.add(path, fieldError.invalid(path, peer, 'must be an object'));
    return;
  }
  let kinds = 0;
  const present = (v: unknown) => v !== undefined && v !== null;
  if (present(peer.podSelector)) {
    kinds++;
    validateSelector(peer.podSelector, `${path}.podSelector`, errors);
  }
  if (present(peer.namespaceSelector)) {
    kinds++;
    validateSelector(peer.namespaceSelector, `${path}.namespaceSelector`, errors);
  }
  if (present(peer.ipBlock)) {
    kinds++;
    validateIpBlock(peer.ipBlock, `${path}.ipBlock`, errors);
  }
  if (kinds === 0) errors.add(path, fieldError.required(path, 'must specify a peer'));
  else if (kinds > 1 && present(peer.ipBlock))
    errors.add(path, fieldError.forbidden(path, 'may not specify both ipBlock and another peer'));
}

const CIDR_EXAMPLE = 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)';

function validateIpBlock(block: unknown, path: string, errors: Errors): void {
  if (!isObject(block)) {
    errors.add(path, fieldError.invalid(path, block, 'must be an object'));
    return;
  }
  const cidrText = block.cidr;
  if (cidrText === undefined || cidrText === null || cidrText === '') {
    errors.add(`${path}.cidr`, fieldError.required(`${path}.cidr`));
    return;
  }
  const cidr = typeof cidrText === 'string' ? parseCidr(cidrText) : undefined;
  if (!cidr) {
    errors.add(`${path}.cidr`, fieldError.invalid(`${path}.cidr`, cidrText, CIDR_EXAMPLE));
    return;
  }
  const except = block.except;
  if (except === undefined || except === null) return;
  if (!Array.isArray(except)) {
    errors.add(`${path}.except`, fieldError.invalid(`${path}.except`, except, 'must be a list of CIDRs'));
    return;
  }
  except.forEach((text, i) => {
    const exceptPath = `${path}.except[${i}]`;
    const inner = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!inner) {
      errors.add(exceptPath, fieldError.invalid(exceptPath, text, CIDR_EXAMPLE));
      return;
    }
    if (!cidrStrictlyInside(inner, cidr)) errors.add(exceptPath, fieldError.invalid(exceptPath, text, 'must be a strict subset of `cidr`'));
  });
}

/** The message `kubectl apply` would print for one problem, prefixed with the policy's `namespace/name`. */
export function formatIssue(issue: ValidationIssue): string {
  const name = issue.policy.slice(issue.policy.indexOf('/') + 1);
  return `${issue.policy}: NetworkPolicy.networking.k8s.io "${name}" is invalid: ${issue.message}`;
}

/** Validates every policy; throws a PolicyValidationError listing every problem, one line each. */
export function assertValidPolicies(policies: readonly NetworkPolicy[]): void {
  const issues = policies.flatMap(validateNetworkPolicy);
  if (issues.length > 0) throw new PolicyValidationError(issues.map(formatIssue).join('\n'), issues);
}
