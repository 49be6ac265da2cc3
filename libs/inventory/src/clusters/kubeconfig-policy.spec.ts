import { checkKubeconfig } from './clusters';
import { InventoryError } from '../errors';
import { internalRangeOf, type KubeconfigRules, resolvedAddressRefusal, reviewKubeconfig } from './kubeconfig-policy';

const STRICT: KubeconfigRules = { allowHostCredentials: false, allowLoopback: false };
const HOST_CREDENTIALS: KubeconfigRules = { allowHostCredentials: true, allowLoopback: false };
const LOOPBACK: KubeconfigRules = { allowHostCredentials: false, allowLoopback: true };

/** A kubeconfig document with one cluster and one user, each with the fields given. */
const kubeconfig = (cluster: Record<string, unknown>, user: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'Config',
  clusters: [{ name: 'prod', cluster: { server: 'https://10.0.0.1:6443', ...cluster } }] as Array<{
    name: string;
    cluster: Record<string, unknown>;
  }>,
  users: [{ name: 'ci', user: { token: 'embedded-token', ...user } }] as Array<{ name: string; user: Record<string, unknown> }>,
  contexts: [{ name: 'prod', context: { cluster: 'prod', user: 'ci' } }],
  'current-context': 'prod',
});

describe('kubeconfig policy: credentials', () => {
  it.each([
    ['an embedded token', {}, {}],
    ['an embedded client certificate and key', {}, { token: undefined, 'client-certificate-data': 'Y2VydA==', 'client-key-data': 'a2V5' }],
    ['a username and password', {}, { token: undefined, username: 'u', password: 'p' }],
    [
      'an embedded CA, a TLS server name and impersonation',
      { 'certificate-authority-data': 'Y2E=', 'tls-server-name': 'kube', 'insecure-skip-tls-verify': false },
      { as: 'someone' },
    ],
  ])('accepts %s', (_name, cluster, user) => {
    expect(reviewKubeconfig(kubeconfig(cluster, user), STRICT)).toEqual({ refusals: [], hostsToResolve: [] });
  });

  it.each([
    [
      'users[0] "ci"',
      'exec',
      {},
      { exec: { apiVersion: 'client.authentication.k8s.io/v1', command: '/bin/sh', args: ['-c', 'id'] } },
      'runs a command on the Bulkhead host',
    ],
    [
      'users[0] "ci"',
      'auth-provider',
      {},
      { 'auth-provider': { name: 'oidc', config: { 'idp-issuer-url': 'https://idp' } } },
      'runs an auth-provider plugin',
    ],
    ['users[0] "ci"', 'tokenFile', {}, { tokenFile: '/etc/shadow' }, 'reads a file on the Bulkhead host'],
    ['users[0] "ci"', 'token-file', {}, { 'token-file': '/etc/shadow' }, 'reads a file on the Bulkhead host'],
    ['users[0] "ci"', 'client-certificate', {}, { 'client-certificate': '/root/.kube/cert.pem' }, 'reads a file on the Bulkhead host'],
    ['users[0] "ci"', 'client-key', {}, { 'client-key': '/root/.kube/key.pem' }, 'reads a file on the Bulkhead host'],
    ['users[0] "ci"', '<<', {}, { '<<': { exec: { command: '/bin/sh' } } }, 'is not an embedded credential'],
    [
      'clusters[0] "prod"',
      'certificate-authority',
      { 'certificate-authority': '/var/lib/bulkhead/secret.key' },
      {},
      'reads a file on the Bulkhead host',
    ],
    ['clusters[0] "prod"', 'proxy-url', { 'proxy-url': 'http://10.0.0.9:3128' }, {}, 'through a proxy'],
  ])('refuses %s: %s', (entry, field, cluster, user, reason) => {
    const { refusals } = reviewKubeconfig(kubeconfig(cluster, user), STRICT);
    expect(refusals).toEqual([{ entry, field, reason: expect.stringContaining(reason) }]);
    expect(refusals[0]?.reason).toContain('BULKHEAD_KUBECONFIG_ALLOW_HOST_CREDENTIALS');
  });

  it('checks every user and cluster, not only those of the current context', () => {
    const doc = kubeconfig({}, {});
    doc.users.push({ name: 'spare', user: { exec: { command: '/bin/sh' } } });
    doc.clusters.push({ name: 'other', cluster: { server: 'https://10.0.0.2', 'certificate-authority': '/etc/ca.pem' } });
    expect(reviewKubeconfig(doc, STRICT).refusals.map((r) => `${r.entry}: ${r.field}`)).toEqual([
      'users[1] "spare": exec',
      'clusters[1] "other": certificate-authority',
    ]);
  });

  it('accepts plugins, files and a proxy when the server allows host credentials', () => {
    const doc = kubeconfig(
      { 'certificate-authority': '/etc/ca.pem', 'proxy-url': 'http://10.0.0.9:3128' },
      { exec: { command: 'aws' }, tokenFile: '/var/run/token' },
    );
    expect(reviewKubeconfig(doc, HOST_CREDENTIALS).refusals).toEqual([]);
  });

  it.each([
    ['not a mapping', 'users: []', 'kubeconfig'],
    ['no users', { clusters: [{ name: 'c', cluster: { server: 'https://10.0.0.1' } }] }, 'kubeconfig'],
    ['a user that is not a mapping', { ...kubeconfig({}, {}), users: [{ name: 'u', user: 'token' }] }, 'users[0] "u"'],
    ['a cluster without a server', { ...kubeconfig({}, {}), clusters: [{ name: 'c', cluster: {} }] }, 'clusters[0] "c"'],
  ])('refuses a document with %s', (_name, doc, entry) => {
    expect(reviewKubeconfig(doc, STRICT).refusals[0]?.entry).toBe(entry);
  });
});

describe('kubeconfig policy: the API server address', () => {
  const serverRefusal = (server: string, rules = STRICT) => reviewKubeconfig(kubeconfig({ server }, {}), rules);

  it.each([
    ['https://127.0.0.1:6443', '127.0.0.1', 'loopback'],
    ['https://127.53.0.9', '127.53.0.9', 'loopback'],
    ['https://2130706433', '127.0.0.1', 'loopback'],
    ['https://0x7f000001', '127.0.0.1', 'loopback'],
    ['https://0177.0.0.1', '127.0.0.1', 'loopback'],
    ['https://127.1', '127.0.0.1', 'loopback'],
    ['https://127.0.0.1.', '127.0.0.1', 'loopback'],
    ['https://[::1]:6443', '::1', 'loopback'],
    ['https://[0:0:0:0:0:0:0:1]', '::1', 'loopback'],
    ['https://[::ffff:127.0.0.1]', '::ffff:7f00:1', 'loopback'],
    ['https://[::ffff:7f00:1]', '::ffff:7f00:1', 'loopback'],
    ['https://[::127.0.0.1]', '::7f00:1', 'loopback'],
    ['https://0.0.0.0', '0.0.0.0', 'unspecified'],
    ['https://0', '0.0.0.0', 'unspecified'],
    ['https://[::]', '::', 'unspecified'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254', 'linkLocal'],
    ['https://[::ffff:169.254.169.254]', '::ffff:a9fe:a9fe', 'linkLocal'],
    ['https://[fe80::1]', 'fe80::1', 'linkLocal'],
    ['https://[febf::1]', 'febf::1', 'linkLocal'],
  ])('refuses %s (%s, %s)', (server, address, range) => {
    expect(serverRefusal(server).refusals).toEqual([
      {
        entry: 'clusters[0] "prod"',
        field: 'server',
        reason: `points to ${address}, a ${range} address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)`,
      },
    ]);
  });

  it.each(['https://localhost:6443', 'https://LOCALHOST.', 'https://kube.localhost', 'https://a.b.localhost..'])(
    'refuses the loopback name in %s',
    (server) => {
      expect(serverRefusal(server).refusals[0]?.reason).toMatch(/loopback name/);
    },
  );

  it.each([
    ['ftp://10.0.0.1', 'must be an https:// (or http://) URL'],
    ['not a url', 'is not a URL'],
    ['https://admin:hunter2@10.0.0.1', 'carries credentials in the URL'],
  ])('refuses the server %s', (server, reason) => {
    expect(serverRefusal(server).refusals[0]?.reason).toContain(reason);
  });

  it('refuses a proxy on a loopback address even where host credentials are allowed', () => {
    const { refusals } = reviewKubeconfig(kubeconfig({ 'proxy-url': 'http://[::ffff:127.0.0.1]:3128' }, {}), HOST_CREDENTIALS);
    expect(refusals).toEqual([{ entry: 'clusters[0] "prod"', field: 'proxy-url', reason: expect.stringContaining('loopback') }]);
  });

  it.each(['https://10.0.0.1:6443', 'https://[2001:db8::1]', 'https://172.16.0.1', 'https://192.168.1.10'])(
    'accepts the private or public address %s',
    (server) => {
      expect(serverRefusal(server)).toEqual({ refusals: [], hostsToResolve: [] });
    },
  );

  it('hands back names to resolve, without their trailing dot', () => {
    expect(serverRefusal('https://Kube.Example.COM.:6443').hostsToResolve).toEqual([
      { entry: 'clusters[0] "prod"', field: 'server', host: 'kube.example.com' },
    ]);
  });

  it('accepts loopback addresses and names when the server allows them', () => {
    for (const server of ['http://127.0.0.1:8080', 'https://localhost', 'https://[::1]'])
      expect(serverRefusal(server, LOOPBACK)).toEqual({ refusals: [], hostsToResolve: [] });
  });

  it.each([
    ['127.0.0.1', 'loopback'],
    ['::1', 'loopback'],
    ['::ffff:127.0.0.2', 'loopback'],
    ['169.254.1.1', 'linkLocal'],
    ['fe80::abcd', 'linkLocal'],
    ['0.0.0.0', 'unspecified'],
    ['10.1.2.3', null],
    ['2001:db8::1', null],
    ['not an address', null],
  ])('a resolved address %s is %s', (address, range) => {
    expect(internalRangeOf(address)).toBe(range);
  });

  it('refuses a name when any of its addresses is internal, naming it', () => {
    expect(resolvedAddressRefusal('kube.example', ['10.0.0.5', '::1'], STRICT)).toBe(
      'kube.example resolves to ::1, a loopback address (allowed only with BULKHEAD_CLUSTER_ALLOW_LOOPBACK)',
    );
    expect(resolvedAddressRefusal('kube.example', ['10.0.0.5', '2001:db8::5'], STRICT)).toBeNull();
    expect(resolvedAddressRefusal('kube.example', ['127.0.0.1'], LOOPBACK)).toBeNull();
  });
});

describe('checkKubeconfig', () => {
  const hosts: Record<string, string[]> = {
    'kube.example': ['10.0.0.7'],
    'rebind.example': ['10.0.0.8', '127.0.0.1'],
    'metadata.example': ['169.254.169.254'],
  };
  const resolver = { resolve: async (host: string) => hosts[host] ?? Promise.reject(new Error('ENOTFOUND')) };
  const text = (server: string, user = 'token: embedded-token') =>
    `clusters: [{ name: prod, cluster: { server: "${server}" } }]\nusers: [{ name: ci, user: { ${user} } }]\ncontexts: [{ name: prod, context: { cluster: prod, user: ci } }]\ncurrent-context: prod\n`;
  const problems = async (kubeconfig: string) => {
    try {
      await checkKubeconfig({ kubeconfigRules: STRICT, resolver }, kubeconfig);
      return [];
    } catch (error) {
      if (!(error instanceof InventoryError)) throw error;
      return error.problems ?? [];
    }
  };

  it('accepts a name that resolves to a routable address', async () => {
    expect(await problems(text('https://kube.example:6443'))).toEqual([]);
  });

  it.each([
    ['rebind.example', 'clusters[0] "prod": server rebind.example resolves to 127.0.0.1, a loopback address'],
    ['metadata.example', 'clusters[0] "prod": server metadata.example resolves to 169.254.169.254, a linkLocal address'],
    ['nowhere.example', 'clusters[0] "prod": server nowhere.example could not be resolved'],
  ])('refuses %s on kubeconfig, naming the entry and the field', async (host, reason) => {
    expect(await problems(text(`https://${host}`))).toEqual([{ field: 'kubeconfig', reason: expect.stringContaining(reason) }]);
  });

  it('lists every refusal, each on kubeconfig', async () => {
    const found = await problems(text('https://127.1', 'exec: { command: /bin/sh }'));
    expect(found.map((p) => p.field)).toEqual(['kubeconfig', 'kubeconfig']);
    expect(found.map((p) => p.reason.split(' ').slice(0, 4).join(' '))).toEqual([
      'users[0] "ci": exec runs',
      'clusters[0] "prod": server points',
    ]);
  });
});
