import type { NetworkPolicy } from '@bulkhead/netpol';
import YAML from 'yaml';
import { arrangeFolder, namespaceFolder, policiesOfFile, policyFiles } from './policy-files';

const policy = (name: string, extra: Record<string, unknown> = {}): NetworkPolicy => ({
  metadata: { name, namespace: 'shop', ...extra },
  spec: { policyTypes: ['Ingress'], podSelector: { matchLabels: { app: 'orders' } }, ingress: [] },
});

describe('the files of a namespace', () => {
  const folder = namespaceFolder('clusters/prod', 'shop');

  it('lies in one folder per namespace, one file per policy named after it', () => {
    expect(folder).toBe('clusters/prod/shop');
    const files = policyFiles(folder, 'shop', [policy('default-deny'), policy('allow-web')]);
    expect([...files.keys()]).toEqual(['clusters/prod/shop/default-deny.yaml', 'clusters/prod/shop/allow-web.yaml']);
  });

  it('holds one NetworkPolicy each, with its namespace, as kubectl applies it, and without what the API server wrote', () => {
    const text = [
      ...policyFiles(folder, 'shop', [policy('default-deny', { resourceVersion: '42', uid: 'u-1', labels: { team: 'shop' } })]).values(),
    ].join('');
    expect(YAML.parseAllDocuments(text).map((d) => d.toJS())).toEqual([
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'NetworkPolicy',
        metadata: { labels: { team: 'shop' }, name: 'default-deny', namespace: 'shop' },
        spec: { ingress: [], podSelector: { matchLabels: { app: 'orders' } }, policyTypes: ['Ingress'] },
      },
    ]);
    expect(text.indexOf('apiVersion')).toBeLessThan(text.indexOf('metadata'));
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
    expect(() => policyFiles(folder, 'shop', policies)).toThrow(error);
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

describe('the change that makes a folder hold the desired policies', () => {
  const folder = 'clusters/prod/shop';
  const text = (...policies: NetworkPolicy[]) => [...policyFiles(folder, 'shop', policies).values()].join('');
  const file = (path: string, ...policies: NetworkPolicy[]) => ({ path: `${folder}/${path}`, text: text(...policies), policies });

  it('writes a file per desired policy into an empty folder', () => {
    expect(arrangeFolder(folder, 'shop', [], [policy('a'), policy('b')])).toEqual({
      write: policyFiles(folder, 'shop', [policy('a'), policy('b')]),
      remove: [],
    });
  });

  it('leaves a file that holds desired policies exactly, whatever its name, and writes nothing for them', () => {
    const handWritten = file('legacy.yaml', policy('a'), policy('b'));
    expect(arrangeFolder(folder, 'shop', [handWritten], [policy('a'), policy('b')])).toEqual({ write: new Map(), remove: [] });
  });

  it('rewrites a file whose policy changed, and removes files of policies no longer desired', () => {
    const changed = { ...policy('a'), spec: { podSelector: {} } } as NetworkPolicy;
    const change = arrangeFolder(folder, 'shop', [file('old.yaml', policy('a')), file('gone.yaml', policy('gone'))], [changed]);
    expect([...change.write.keys()]).toEqual([`${folder}/a.yaml`]);
    expect(change.remove).toEqual([`${folder}/old.yaml`, `${folder}/gone.yaml`]);
  });

  it('does not keep a file that lies where another policy must go, nor a policy in two files', () => {
    // b.yaml holds policy a; policy b must be written to b.yaml: the file goes, both get files of their own.
    const misplaced = file('b.yaml', policy('a'));
    const change = arrangeFolder(folder, 'shop', [misplaced, file('a-copy.yaml', policy('a'))], [policy('a'), policy('b')]);
    expect([...change.write.keys()].sort()).toEqual([`${folder}/b.yaml`]);
    expect(change.remove).toEqual([]);
    const twice = arrangeFolder(folder, 'shop', [file('one.yaml', policy('a')), file('two.yaml', policy('a'))], [policy('a')]);
    expect(twice).toEqual({ write: new Map(), remove: [`${folder}/two.yaml`] });
  });
});
