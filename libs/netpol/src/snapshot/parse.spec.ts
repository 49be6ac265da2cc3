import { SnapshotError } from '../model/errors';
import { parseSnapshot } from './parse';

const list = (items: object[]) => ({ apiVersion: 'v1', kind: 'List', items });
const ns = (name: string, labels?: Record<string, string>) => ({
  apiVersion: 'v1',
  kind: 'Namespace',
  metadata: { name, ...(labels ? { labels } : {}) },
});
const pod = (namespace: string, name: string, extra: object = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels: { app: name } },
  ...extra,
});
const netpol = (namespace: string, name: string, spec: object = { podSelector: {} }) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: { namespace, name },
  spec,
});

describe('parseSnapshot', () => {
  test('reads the JSON List kubectl prints', () => {
    const snapshot = parseSnapshot(JSON.stringify(list([ns('x', { ns: 'x' }), pod('x', 'a'), netpol('x', 'deny')])));
    expect(snapshot.namespaces).toEqual([{ name: 'x', labels: { ns: 'x', 'kubernetes.io/metadata.name': 'x' }, implicit: false }]);
    expect(snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['x/a']);
    expect(snapshot.policies.map((p) => p.metadata.name)).toEqual(['deny']);
  });

  test('reads YAML', () => {
    const yaml = ['apiVersion: v1', 'kind: List', 'items:', '- apiVersion: v1', '  kind: Namespace', '  metadata:', '    name: x'].join(
      '\n',
    );
    expect(parseSnapshot(yaml).namespaces.map((n) => n.name)).toEqual(['x']);
  });

  test('reads multi-document YAML of Lists and bare objects', () => {
    const yaml = [
      'apiVersion: v1\nkind: List\nitems:\n- {apiVersion: v1, kind: Namespace, metadata: {name: x}}',
      'apiVersion: v1\nkind: Pod\nmetadata: {namespace: x, name: a}',
      'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {namespace: x, name: deny}\nspec: {podSelector: {}}',
      '',
    ].join('\n---\n');
    const snapshot = parseSnapshot(yaml);
    expect([snapshot.namespaces.length, snapshot.pods.length, snapshot.policies.length]).toEqual([1, 1, 1]);
  });

  test('keeps the other labels and sets kubernetes.io/metadata.name to the name, as the API server does', () => {
    const snapshot = parseSnapshot(JSON.stringify(list([ns('x', { 'kubernetes.io/metadata.name': 'edited', team: 'a' })])));
    expect(snapshot.namespaces[0]!.labels).toEqual({ 'kubernetes.io/metadata.name': 'x', team: 'a' });
  });

  test('a pod whose namespace is not listed gets an implicit namespace', () => {
    const snapshot = parseSnapshot(JSON.stringify(list([pod('ghost', 'a')])));
    expect(snapshot.namespaces).toEqual([{ name: 'ghost', labels: { 'kubernetes.io/metadata.name': 'ghost' }, implicit: true }]);
  });

  test("reads Nodes: name, labels, InternalIP and ExternalIP (not Hostname); and a pod's node", () => {
    const snapshot = parseSnapshot(
      JSON.stringify(
        list([
          {
            apiVersion: 'v1',
            kind: 'Node',
            metadata: { name: 'kind-control-plane', labels: { 'node-role.kubernetes.io/control-plane': '' } },
            status: {
              addresses: [
                { type: 'InternalIP', address: '172.19.0.3' },
                { type: 'Hostname', address: 'kind-control-plane' },
                { type: 'InternalIP', address: 'fc00:f853:ccd:e793::3' },
              ],
            },
          },
          pod('x', 'a', { spec: { nodeName: 'kind-control-plane', hostNetwork: true } }),
        ]),
      ),
    );
    expect(snapshot.nodes).toEqual([
      {
        name: 'kind-control-plane',
        labels: { 'node-role.kubernetes.io/control-plane': '' },
        addresses: [
          { type: 'InternalIP', address: '172.19.0.3' },
          { type: 'InternalIP', address: 'fc00:f853:ccd:e793::3' },
        ],
      },
    ]);
    expect(snapshot.pods[0]).toMatchObject({ nodeName: 'kind-control-plane', hostNetwork: true });
  });

  test.each([
    [
      'an address that is no IP',
      { addresses: [{ type: 'InternalIP', address: 'node-1.example' }] },
      /status.addresses\[0\].address: Invalid value/,
    ],
    ['addresses that are no list', { addresses: 'x' }, /status.addresses: Invalid value: must be a list/],
  ])('refuses a Node with %s', (_name, status, message) => {
    expect(() => parseSnapshot(JSON.stringify(list([{ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n' }, status }])))).toThrow(
      message,
    );
  });

  test('ignores other kinds and other API versions', () => {
    const snapshot = parseSnapshot(
      JSON.stringify(
        list([
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
          { apiVersion: 'extensions/v1beta1', kind: 'NetworkPolicy', metadata: { name: 'old' } },
        ]),
      ),
    );
    expect(snapshot).toEqual({ namespaces: [], pods: [], policies: [], workloads: [], services: [], clusterPolicies: [], nodes: [] });
  });

  test('ignores kinds named like the properties every object has', () => {
    const snapshot = parseSnapshot(
      JSON.stringify(
        list([
          { kind: 'constructor', metadata: { name: 'c' } },
          { apiVersion: 'apps/v1', kind: 'toString', metadata: { name: 't' } },
        ]),
      ),
    );
    expect(snapshot).toEqual({ namespaces: [], pods: [], policies: [], workloads: [], services: [], clusterPolicies: [], nodes: [] });
  });

  test('reads pod ports (protocol defaulting to TCP), IPs and phase', () => {
    const snapshot = parseSnapshot(
      JSON.stringify(
        list([
          pod('x', 'a', {
            spec: {
              containers: [
                {
                  name: 'c',
                  ports: [
                    { name: 'http', containerPort: 80 },
                    { containerPort: 53, protocol: 'UDP' },
                  ],
                },
              ],
            },
            status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }] },
          }),
        ]),
      ),
    );
    expect(snapshot.pods[0]).toMatchObject({
      ports: [
        { name: 'http', port: 80, protocol: 'TCP' },
        { port: 53, protocol: 'UDP' },
      ],
      ips: ['10.0.0.1', 'fd00::1'],
      phase: 'Running',
    });
  });

  test('a NetworkPolicy without podSelector selects every pod ({}), as the API server stores it', () => {
    const snapshot = parseSnapshot(JSON.stringify(list([netpol('x', 'p', {})])));
    expect(snapshot.policies[0]!.spec.podSelector).toEqual({});
  });

  test('sorts everything by namespace and name', () => {
    const snapshot = parseSnapshot(JSON.stringify(list([pod('y', 'b'), pod('x', 'z'), pod('x', 'a')])));
    expect(snapshot.pods.map((p) => `${p.namespace}/${p.name}`)).toEqual(['x/a', 'x/z', 'y/b']);
  });

  const errors: [string, string, string][] = [
    ['not JSON nor YAML', '{"items": [', 'document 1: is not valid YAML'],
    [
      'an item that is not an object',
      JSON.stringify(list([ns('x'), 'oops' as never])),
      'document 1, items[1]: expected an object, got string',
    ],
    ['an item without kind', JSON.stringify(list([{ metadata: { name: 'x' } }])), 'document 1, items[0]: kind: Required value'],
    [
      'a pod without name',
      JSON.stringify(list([{ apiVersion: 'v1', kind: 'Pod', metadata: { namespace: 'x' } }])),
      'document 1, items[0] (Pod): metadata.name: Required value',
    ],
    [
      'a container port out of range',
      JSON.stringify(list([pod('x', 'a', { spec: { containers: [{ ports: [{ containerPort: 0 }] }] } })])),
      'document 1, items[0] (Pod "x/a"): spec.containers[0].ports[0].containerPort: Invalid value: 0: must be between 1 and 65535, inclusive',
    ],
    [
      'a container port with a bad protocol',
      JSON.stringify(list([pod('x', 'a', { spec: { containers: [{ ports: [{ containerPort: 80, protocol: 'ICMP' }] }] } })])),
      'document 1, items[0] (Pod "x/a"): spec.containers[0].ports[0].protocol: Unsupported value: "ICMP"',
    ],
    [
      'a label that is not a string',
      JSON.stringify(list([ns('x', { n: 1 } as never)])),
      'document 1, items[0] (Namespace "x"): metadata.labels[n]: Invalid value: must be a string',
    ],
    ['a pod listed twice', JSON.stringify(list([pod('x', 'a'), pod('x', 'a')])), 'document 1, items[1] (Pod "x/a"): listed twice'],
    ['the second document is broken', 'kind: List\nitems: []\n---\nkind: [', 'document 2: is not valid YAML'],
    [
      'a bad pod IP',
      JSON.stringify(list([pod('x', 'a', { status: { podIP: '10.0.0.300' } })])),
      'document 1, items[0] (Pod "x/a"): status.podIP: Invalid value: "10.0.0.300": must be a valid IP address',
    ],
  ];
  test.each(errors)('names the document and item: %s', (_name, text, message) => {
    expect(() => parseSnapshot(text)).toThrow(SnapshotError);
    expect(() => parseSnapshot(text)).toThrow(message);
  });
});

describe('names the API server would refuse', () => {
  const owned = (name: string) =>
    pod('x', 'a', { metadata: { namespace: 'x', name: 'a', ownerReferences: [{ kind: 'ReplicaSet', name }] } });
  const refused: Array<[string, object[], string, string]> = [
    ['a namespace that is a path', [ns('../../etc')], 'items[0].metadata.name', 'RFC 1123 label'],
    ['a namespace in upper case', [ns('Prod')], 'items[0].metadata.name', 'RFC 1123 label'],
    ['a namespace of 64 characters', [ns('n'.repeat(64))], 'items[0].metadata.name', 'no more than 63 characters'],
    ['a namespace with a dot', [ns('a.b')], 'items[0].metadata.name', 'RFC 1123 label'],
    ['a pod in a namespace in upper case', [pod('X', 'a')], 'items[0].metadata.namespace', 'RFC 1123 label'],
    ['a pod of 254 characters', [pod('x', 'p'.repeat(254))], 'items[0].metadata.name', 'no more than 253 characters'],
    ['a pod named with NUL', [pod('x', 'a\u0000')], 'items[0].metadata.name', 'RFC 1123 subdomain'],
    ['a policy named with a slash', [netpol('x', 'a/b')], 'items[0].metadata.name', 'RFC 1123 subdomain'],
    ['an owner in upper case', [owned('Web')], 'items[0].metadata.ownerReferences[0].name', 'RFC 1123 subdomain'],
    ['a label key with a space', [ns('x', { 'a b': 'c' })], 'items[0].metadata.labels', 'name part must consist of'],
    ['a label key with an empty prefix', [ns('x', { '/a': 'c' })], 'items[0].metadata.labels', 'prefix part must be non-empty'],
    [
      '__proto__ as a label key',
      [JSON.parse('{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"x","labels":{"__proto__":"c"}}}')],
      'items[0].metadata.labels',
      'name part must consist of',
    ],
    ['a label value of 64 characters', [ns('x', { a: 'v'.repeat(64) })], 'items[0].metadata.labels', 'no more than 63 characters'],
    ['a label value with a slash', [ns('x', { a: 'b/c' })], 'items[0].metadata.labels', 'a valid label must be'],
  ];
  test.each(refused)('refuses %s, locating it', (_name, items, field, message) => {
    let error: unknown;
    try {
      parseSnapshot(JSON.stringify(list(items)));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(SnapshotError);
    expect((error as SnapshotError).location).toEqual({ document: 0, field });
    expect((error as SnapshotError).message).toContain(message);
  });

  test('locates an object in the second document of several', () => {
    const text = 'kind: Namespace\napiVersion: v1\nmetadata: {name: x}\n---\nkind: Namespace\napiVersion: v1\nmetadata: {name: X}\n';
    expect(() => parseSnapshot(text)).toThrow(expect.objectContaining({ location: { document: 1, field: 'metadata.name' } }));
  });

  test('accepts names at their limits', () => {
    const labels = { [`${'p'.repeat(253)}/${'n'.repeat(63)}`]: 'v'.repeat(63), empty: '' };
    const snapshot = parseSnapshot(
      JSON.stringify(
        list([
          ns('n'.repeat(63), labels),
          pod('x', 'a', { metadata: { namespace: 'n'.repeat(63), name: `${'a'.repeat(63)}.${'b'.repeat(63)}` } }),
        ]),
      ),
    );
    expect(snapshot.pods).toHaveLength(1);
  });
});
