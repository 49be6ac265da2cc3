import type { NetworkPolicy } from '@bulkhead/netpol';
import YAML from 'yaml';
import { namespaceFolder, policiesOfFile, policyFiles } from './policy-files';

const policy = (name: string, extra: Record<string, unknown> = {}): NetworkPolicy =>
  ({
    metadata: { name, namespace: 'shop', ...extra },
    spec: { policyTypes: ['Ingress'], podSelector: { matchLabels: { app: 'orders' } }, ingress: [] },
  }) as unknown as NetworkPolicy;

describe('the files of a namespace', () => {
  const folder = namespaceFolder('clusters/prod', 'shop');

  it('lies in one folder per namespace, one file per policy named after it', () => {
    expect(folder).toBe('clusters/prod/shop');
    const files = policyFiles(folder, 'shop', [policy('default-deny'), policy('allow-web')]);
    expect([...files.keys()]).toEqual(['clusters/prod/shop/default-deny.yaml', 'clusters/prod/shop/allow-web.yaml']);
  });

  it('holds one NetworkPolicy each, with its namespace, as kubectl applies it, and without what the API server wrote', () => {
    const [text] = policyFiles(folder, 'shop', [
      policy('default-deny', { resourceVersion: '42', uid: 'u-1', labels: { team: 'shop' } }),
    ]).values();
    expect(YAML.parseAllDocuments(text!).map((d) => d.toJS())).toEqual([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { labels: { team: 'shop' }, name: 'default-deny', namespace: 'shop' },
        spec: { ingress: [], podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'] },
      },
    ]);
    expect(text!.indexOf('apiVersion')).toBeLessThan(text!.indexOf('metadata'));
  });

  it('gives the same bytes for the same policies, whatever the order of their keys', () => {
    const reordered = { spec: policy('a').spec, metadata: { namespace: 'shop', name: 'a' } } as NetworkPolicy;
    expect(policyFiles(folder, 'shop', [reordered])).toEqual(policyFiles(folder, 'shop', [policy('a')]));
  });

  it.each([
    [
      'a policy of another namespace',
      [{ ...policy('a'), metadata: { name: 'a', namespace: 'web' } }],
      /does not belong to namespace "shop"/,
    ],
    ['two policies of one name', [policy('a'), policy('a')], /two NetworkPolicies named "a"/],
    ['a name that is no Kubernetes name', [policy('../../etc')], /no valid Kubernetes name/],
  ])('refuses %s', (_case, policies, error) => {
    expect(() => policyFiles(folder, 'shop', policies as NetworkPolicy[])).toThrow(error);
  });
});

describe('which files of the folder Bulkhead may replace', () => {
  const yaml = (...documents: unknown[]) => documents.map((d) => `---\n${YAML.stringify(d)}`).join('');
  const manifest = (name: string) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', ...policy(name) });

  it('every YAML file whose documents are all NetworkPolicies, with its policies', () => {
    const text = yaml(manifest('a'), manifest('b'));
    expect(policiesOfFile('shop/both.yml', text)?.map((p) => p.metadata.name)).toEqual(['a', 'b']);
  });

  it.each([
    [
      'a kustomization',
      'shop/kustomization.yaml',
      yaml({ apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: [] }),
    ],
    ['a file that also holds a Deployment', 'shop/mixed.yaml', yaml(manifest('a'), { kind: 'Deployment', metadata: { name: 'x' } })],
    ['a file that is not YAML', 'shop/README.md', '# policies'],
    ['a YAML file that does not parse', 'shop/broken.yaml', 'kind: [NetworkPolicy'],
    ['an empty YAML file', 'shop/empty.yaml', ''],
  ])('none other: %s is left as it is', (_case, path, text) => {
    expect(policiesOfFile(path, text)).toBeNull();
  });
});
