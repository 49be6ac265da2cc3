import { PolicyValidationError } from '../model/errors';
import type { NetworkPolicy } from '../model/types';
import { assertValidPolicies, formatIssue, validateNetworkPolicy } from './validate';

const np = (spec: object, name = 'np'): NetworkPolicy =>
  ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { namespace: 'y', name }, spec }) as NetworkPolicy;
const ingressPort = (port: object) => np({ podSelector: {}, ingress: [{ ports: [port] }] });
const ingressPeer = (peer: object) => np({ podSelector: {}, ingress: [{ from: [peer] }] });
const podSel = (selector: object) => np({ podSelector: selector });

const QNAME_REGEX =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_REGEX =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

// [rule, policy, expected field errors (empty: valid)]
const cases: [string, NetworkPolicy, string[]][] = [
  ['matchLabels: valid key and value', podSel({ matchLabels: { 'app.kubernetes.io/name': 'web_1' } }), []],
  [
    'matchLabels: key with a space',
    podSel({ matchLabels: { 'bad key': 'x' } }),
    [`spec.podSelector.matchLabels: Invalid value: "bad key": ${QNAME_REGEX}`],
  ],
  [
    'matchLabels: key with an empty prefix',
    podSel({ matchLabels: { '/x': 'v' } }),
    ['spec.podSelector.matchLabels: Invalid value: "/x": prefix part must be non-empty'],
  ],
  [
    'matchLabels: value ending with a dash',
    podSel({ matchLabels: { app: 'web-' } }),
    [`spec.podSelector.matchLabels: Invalid value: "web-": ${LABEL_VALUE_REGEX}`],
  ],
  [
    'matchLabels: value too long',
    podSel({ matchLabels: { app: 'a'.repeat(64) } }),
    [`spec.podSelector.matchLabels: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
  ],
  ['matchExpressions: In with values', podSel({ matchExpressions: [{ key: 'app', operator: 'In', values: ['a'] }] }), []],
  [
    'matchExpressions: In without values',
    podSel({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }),
    ["spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
  ],
  [
    'matchExpressions: NotIn without values',
    podSel({ matchExpressions: [{ key: 'app', operator: 'NotIn' }] }),
    ["spec.podSelector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
  ],
  ['matchExpressions: Exists without values', podSel({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }), []],
  [
    'matchExpressions: DoesNotExist with values',
    podSel({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist', values: ['a'] }] }),
    ["spec.podSelector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
  ],
  [
    'matchExpressions: unknown operator',
    podSel({ matchExpressions: [{ key: 'app', operator: 'Equals', values: ['a'] }] }),
    ['spec.podSelector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator'],
  ],
  [
    'matchExpressions: invalid value',
    podSel({ matchExpressions: [{ key: 'app', operator: 'In', values: ['ok', 'not ok'] }] }),
    [`spec.podSelector.matchExpressions[0].values[1]: Invalid value: "not ok": ${LABEL_VALUE_REGEX}`],
  ],
  [
    'matchExpressions: empty key',
    podSel({ matchExpressions: [{ key: '', operator: 'Exists' }] }),
    [
      'spec.podSelector.matchExpressions[0].key: Invalid value: "": name part must be non-empty',
      `spec.podSelector.matchExpressions[0].key: Invalid value: "": ${QNAME_REGEX}`,
    ],
  ],
  [
    'peer selectors are validated too',
    ingressPeer({ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'in', values: ['a'] }] } }),
    ['spec.ingress[0].from[0].namespaceSelector.matchExpressions[0].operator: Invalid value: "in": not a valid selector operator'],
  ],
  ['port: 1 and 65535 are valid', np({ podSelector: {}, ingress: [{ ports: [{ port: 1 }, { port: 65535 }] }] }), []],
  ['port: 0', ingressPort({ port: 0 }), ['spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
  [
    'port: 65536 in egress',
    np({ podSelector: {}, egress: [{ ports: [{ port: 65536 }] }] }),
    ['spec.egress[0].ports[0].port: Invalid value: 65536: must be between 1 and 65535, inclusive'],
  ],
  ['named port: valid IANA_SVC_NAME', ingressPort({ port: 'serve-80-tcp' }), []],
  [
    'named port: upper case',
    ingressPort({ port: 'HTTP' }),
    [
      'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
      'spec.ingress[0].ports[0].port: Invalid value: "HTTP": must contain at least one letter (a-z)',
    ],
  ],
  [
    'named port: digits only (a quoted number)',
    ingressPort({ port: '80' }),
    ['spec.ingress[0].ports[0].port: Invalid value: "80": must contain at least one letter (a-z)'],
  ],
  [
    'named port: longer than 15',
    ingressPort({ port: 'a-very-long-port-name' }),
    ['spec.ingress[0].ports[0].port: Invalid value: "a-very-long-port-name": must be no more than 15 characters'],
  ],
  [
    'named port: double hyphen',
    ingressPort({ port: 'web--1' }),
    ['spec.ingress[0].ports[0].port: Invalid value: "web--1": must not contain consecutive hyphens'],
  ],
  [
    'named port: leading hyphen',
    ingressPort({ port: '-web' }),
    ['spec.ingress[0].ports[0].port: Invalid value: "-web": must not begin or end with a hyphen'],
  ],
  ['endPort: equal to port', ingressPort({ port: 80, endPort: 80 }), []],
  ['endPort: above port', ingressPort({ port: 80, endPort: 90 }), []],
  [
    'endPort: below port',
    ingressPort({ port: 80, endPort: 79 }),
    ['spec.ingress[0].ports[0].endPort: Invalid value: 79: must be greater than or equal to `port`'],
  ],
  [
    'endPort: above 65535',
    ingressPort({ port: 80, endPort: 70000 }),
    ['spec.ingress[0].ports[0].endPort: Invalid value: 70000: must be between 1 and 65535, inclusive'],
  ],
  [
    'endPort: with a named port',
    ingressPort({ port: 'http', endPort: 90 }),
    ['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is non-numeric'],
  ],
  [
    'endPort: without port',
    ingressPort({ endPort: 90 }),
    ['spec.ingress[0].ports[0].endPort: Invalid value: 90: may not be specified when `port` is not specified'],
  ],
  ['protocol: SCTP', ingressPort({ protocol: 'SCTP', port: 80 }), []],
  [
    'protocol: ICMP',
    ingressPort({ protocol: 'ICMP' }),
    ['spec.ingress[0].ports[0].protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"'],
  ],
  [
    'protocol: lower case tcp',
    ingressPort({ protocol: 'tcp' }),
    ['spec.ingress[0].ports[0].protocol: Unsupported value: "tcp": supported values: "TCP", "UDP", "SCTP"'],
  ],
  ['ipBlock: valid CIDR with except inside', ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }), []],
  ['ipBlock: IPv6', ingressPeer({ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }), []],
  [
    'ipBlock: not a CIDR',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0' } }),
    ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ],
  [
    'ipBlock: prefix too long',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0/33' } }),
    ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)'],
  ],
  ['ipBlock: missing cidr', ingressPeer({ ipBlock: { except: ['10.0.0.0/8'] } }), ['spec.ingress[0].from[0].ipBlock.cidr: Required value']],
  [
    'ipBlock: except outside cidr',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['192.168.0.0/16'] } }),
    ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "192.168.0.0/16": must be a strict subset of `cidr`'],
  ],
  [
    'ipBlock: except equal to cidr',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.0.0.0/8'] } }),
    ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`'],
  ],
  [
    'ipBlock: except wider than cidr',
    ingressPeer({ ipBlock: { cidr: '10.1.0.0/16', except: ['10.0.0.0/8'] } }),
    ['spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.0.0.0/8": must be a strict subset of `cidr`'],
  ],
  [
    'ipBlock: except not a CIDR',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.1.1'] } }),
    [
      'spec.ingress[0].from[0].ipBlock.except[0]: Invalid value: "10.1.1.1": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)',
    ],
  ],
  ['peer: empty', ingressPeer({}), ['spec.ingress[0].from[0]: Required value: must specify a peer']],
  [
    'peer: ipBlock with a podSelector',
    ingressPeer({ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }),
    ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
  ],
  ['policyTypes: Ingress and Egress', np({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] }), []],
  [
    'policyTypes: unknown value',
    np({ podSelector: {}, policyTypes: ['Ingress', 'ingress'] }),
    ['spec.policyTypes[1]: Unsupported value: "ingress": supported values: "Ingress", "Egress"'],
  ],
  [
    'policyTypes: more than two',
    np({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }),
    ['spec.policyTypes: Invalid value: ["Ingress","Egress","Ingress"]: may not specify more than two policyTypes'],
  ],
  [
    'metadata.name: not a DNS subdomain',
    np({ podSelector: {} }, 'Deny_All'),
    [
      `metadata.name: Invalid value: "Deny_All": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  ],
];

describe('validateNetworkPolicy reports what the API server would', () => {
  test.each(cases)('%s', (_rule, policy, expected) => {
    expect(validateNetworkPolicy(policy).map((issue) => issue.message)).toEqual(expected);
  });

  test('every problem is reported, with the policy namespace/name and field path', () => {
    const issues = validateNetworkPolicy(
      np(
        { podSelector: {}, policyTypes: ['Sideways'], ingress: [{ ports: [{ port: 80, endPort: 79 }, { protocol: 'ICMP' }] }] },
        'deny-all',
      ),
    );
    expect(issues.map((i) => [i.policy, i.field])).toEqual([
      ['y/deny-all', 'spec.ingress[0].ports[0].endPort'],
      ['y/deny-all', 'spec.ingress[0].ports[1].protocol'],
      ['y/deny-all', 'spec.policyTypes[0]'],
    ]);
    expect(formatIssue(issues[0]!)).toBe(
      'y/deny-all: NetworkPolicy.networking.k8s.io "deny-all" is invalid: spec.ingress[0].ports[0].endPort: Invalid value: 79: must be greater than or equal to `port`',
    );
  });

  test('assertValidPolicies throws one PolicyValidationError listing every invalid policy', () => {
    const run = () =>
      assertValidPolicies([
        np({ podSelector: {} }, 'fine'),
        ingressPort({ port: 0 }),
        np({ podSelector: {}, policyTypes: ['X'] }, 'other'),
      ]);
    expect(run).toThrow(PolicyValidationError);
    expect(run).toThrow(
      [
        'y/np: NetworkPolicy.networking.k8s.io "np" is invalid: spec.ingress[0].ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive',
        'y/other: NetworkPolicy.networking.k8s.io "other" is invalid: spec.policyTypes[0]: Unsupported value: "X": supported values: "Ingress", "Egress"',
      ].join('\n'),
    );
  });
});
