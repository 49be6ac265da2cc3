import { KubernetesDriver } from '@bulkhead/cluster';
import { internalRangeOf } from '@bulkhead/inventory';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Harness, startApi } from '../integration/support/harness';
import { type FakeKubeApiServer, startFakeKubeApiServer } from '../support/fake-kube-apiserver';

/**
 * Finding 1 of the security review, as attacks: a kubeconfig that makes the Bulkhead host run a command or
 * read its files, and an API server address that points back at the host (server-side request forgery).
 * The API refuses them when they are registered or changed; the driver refuses them again when it
 * connects, so a kubeconfig stored before the rules existed is held to them too.
 */

const SECRET = 'embedded-token-that-must-never-show-0123456789';

/** A kubeconfig with one cluster and one user; `user` and `cluster` are YAML flow-mapping fields added to them. */
const kubeconfig = ({ server = 'https://10.0.0.1:6443', cluster = '', user = `token: ${SECRET}` } = {}) =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: prod, cluster: { server: "${server}"${cluster ? `, ${cluster}` : ''} } }]`,
    `users: [{ name: bulkhead, user: { ${user} } }]`,
    'contexts: [{ name: prod, context: { cluster: prod, user: bulkhead } }]',
    'current-context: prod',
    '',
  ].join('\n');

/** An exec plugin that would leave a marker file behind (and answer a valid credential) if it ever ran. */
const execPlugin = (marker: string) =>
  `exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "touch ${marker}; echo '{\\"apiVersion\\":\\"client.authentication.k8s.io/v1\\",\\"kind\\":\\"ExecCredential\\",\\"status\\":{\\"token\\":\\"${SECRET}\\"}}'"] }`;

/** A host name of /etc/hosts that is not spelled like loopback but resolves there (the machine's own name, say). */
const loopbackAlias = (() => {
  const lines = existsSync('/etc/hosts') ? readFileSync('/etc/hosts', 'utf8').split('\n') : [];
  for (const line of lines) {
    const [address, ...names] = line.replace(/#.*/, '').trim().split(/\s+/);
    if (!address || internalRangeOf(address) !== 'loopback') continue;
    const name = names.find((n) => n !== 'localhost' && !n.endsWith('.localhost') && !n.startsWith('ip6-'));
    if (name) return name;
  }
  return undefined;
})();

/** An IPv4 address of this machine that is not loopback, to serve a first hop the driver accepts. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

let api: Harness;
const logLines: string[] = [];
let markers: string;
beforeAll(async () => {
  markers = mkdtempSync(join(tmpdir(), 'bh-exec-'));
  api = await startApi({ LOG_LEVEL: 'debug' }, { worker: true, log: (line) => void logLines.push(line) });
}, 60000);
afterAll(async () => {
  await api.close();
  rmSync(markers, { recursive: true, force: true });
});

const register = (body: object, role: 'admin' | 'operator' = 'admin') =>
  api.call('POST', '/api/v1/clusters', { role, body: { driver: 'kubernetes', ...body } });
const clusterNames = async () => (await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body.map((c: { name: string }) => c.name);
const storedKubeconfig = async (id: string) =>
  api.runtime.secrets.open((await api.db.query('SELECT credentials FROM clusters WHERE id = $1', [id]))[0].credentials);

describe('a kubeconfig that reaches into the Bulkhead host is refused at registration', () => {
  it.each([
    ['users[0] "bulkhead": exec runs a command on the Bulkhead host', { user: execPlugin('/tmp/never') }],
    [
      'users[0] "bulkhead": auth-provider runs an auth-provider plugin',
      { user: 'auth-provider: { name: oidc, config: { idp-issuer-url: "https://idp.example" } }' },
    ],
    ['users[0] "bulkhead": tokenFile reads a file on the Bulkhead host', { user: 'tokenFile: /etc/shadow' }],
    ['users[0] "bulkhead": token-file reads a file on the Bulkhead host', { user: 'token-file: /etc/shadow' }],
    [
      'users[0] "bulkhead": client-certificate reads a file on the Bulkhead host',
      { user: 'client-certificate: /root/cert.pem, client-key-data: a2V5' },
    ],
    [
      'users[0] "bulkhead": client-key reads a file on the Bulkhead host',
      { user: 'client-certificate-data: Y2VydA==, client-key: /root/key.pem' },
    ],
    [
      'clusters[0] "prod": certificate-authority reads a file on the Bulkhead host',
      { cluster: 'certificate-authority: /var/lib/bulkhead/secret.key' },
    ],
    ['clusters[0] "prod": proxy-url sends the connection through a proxy', { cluster: 'proxy-url: "http://10.0.0.9:3128"' }],
  ])('%s', async (reason, parts) => {
    const res = await register({ name: 'host-reach', kubeconfig: kubeconfig(parts) });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([{ field: 'body.kubeconfig', reason: expect.stringContaining(reason) }]);
    expect(await clusterNames()).not.toContain('host-reach');
  });

  it('checks every user of the file, not only the current context', async () => {
    const spare = kubeconfig().replace(
      `users: [{ name: bulkhead, user: { token: ${SECRET} } }]`,
      `users: [{ name: bulkhead, user: { token: ${SECRET} } }, { name: spare, user: { ${execPlugin('/tmp/never')} } }]`,
    );
    const res = await register({ name: 'spare-user', kubeconfig: spare });
    expect(res.status).toBe(400);
    expect(res.body.problems[0].reason).toContain('users[1] "spare": exec');
  });

  it('never quotes the kubeconfig or its token in the refusal', async () => {
    const res = await register({ name: 'quoted', kubeconfig: kubeconfig({ user: `token: ${SECRET}, tokenFile: /etc/shadow` }) });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
  });
});

describe('an API server address that points back at the host is refused at registration', () => {
  it.each([
    'https://127.0.0.1:6443',
    'https://127.9.9.9',
    'https://[::1]:6443',
    'https://0.0.0.0',
    'https://[::]',
    'http://169.254.169.254/latest/meta-data/',
    'https://[fe80::1]',
    'https://[::ffff:127.0.0.1]',
    'https://[::ffff:7f00:1]',
    'https://[::127.0.0.1]',
    'https://[::ffff:169.254.169.254]',
    'https://2130706433',
    'https://0x7f000001',
    'https://0177.0.0.1',
    'https://127.1',
    'https://127.0.0.1.',
    'https://localhost:6443',
    'https://LocalHost.',
    'https://kube.localhost',
  ])('%s', async (server) => {
    const res = await register({ name: 'ssrf', kubeconfig: kubeconfig({ server }) });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      {
        field: 'body.kubeconfig',
        reason: expect.stringMatching(
          /^clusters\[0\] "prod": server points to .*(loopback|linkLocal|unspecified).*BULKHEAD_CLUSTER_ALLOW_LOOPBACK/,
        ),
      },
    ]);
    expect(await clusterNames()).not.toContain('ssrf');
  });

  (loopbackAlias ? it : it.skip)(`a name that resolves to loopback (${loopbackAlias ?? 'none in /etc/hosts'})`, async () => {
    const res = await register({ name: 'alias', kubeconfig: kubeconfig({ server: `https://${loopbackAlias}:6443` }) });
    expect(res.status).toBe(400);
    expect(res.body.problems).toEqual([
      { field: 'body.kubeconfig', reason: expect.stringContaining(`server ${loopbackAlias} resolves to 127.`) },
    ]);
  });
});

describe('who may hand the server a kubeconfig', () => {
  let clusterId: string;
  beforeAll(async () => {
    const created = await register({ name: 'by-admin', kubeconfig: kubeconfig() });
    expect(created.status).toBe(201);
    clusterId = created.body.id;
  });

  it('an operator registers simulated clusters, but not one with a kubeconfig', async () => {
    expect((await register({ name: 'sim', driver: 'simulated' }, 'operator')).status).toBe(201);
    const res = await register({ name: 'op-kube', kubeconfig: kubeconfig() }, 'operator');
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ code: 'cluster.credentials_need_admin', message: expect.stringContaining('needs the admin role') });
    expect(await clusterNames()).not.toContain('op-kube');
  });

  it('an operator cannot change the kubeconfig of a cluster an admin registered, and nothing changes', async () => {
    const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
      role: 'operator',
      body: { kubeconfig: kubeconfig({ server: 'https://10.6.6.6' }), description: 'taken over' },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('cluster.credentials_need_admin');
    expect(res.body.message).toContain("changing a cluster's kubeconfig (its credentials and server address) needs the admin role");
    expect(await storedKubeconfig(clusterId)).toBe(kubeconfig());
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' })).body.description).toBeNull();
  });

  it('an operator still changes the description and the CNI', async () => {
    const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
      role: 'operator',
      body: { description: 'eu prod', cni: 'calico' },
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ description: 'eu prod', cni: 'calico' });
  });

  it('an admin changes the kubeconfig; the audit names the actor and the action, never the secret', async () => {
    const rotated = kubeconfig({ server: 'https://10.0.0.2:6443', user: `token: ${SECRET}-rotated` });
    const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, { role: 'admin', body: { kubeconfig: rotated } });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).not.toContain(SECRET);
    expect(await storedKubeconfig(clusterId)).toBe(rotated);
    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}`, { role: 'admin' })).body.items;
    expect(audit.map((e: any) => [e.actor, e.action])).toEqual([
      ['token:test-admin', 'cluster.credentials.update'],
      ['token:test-operator', 'cluster.update'],
      ['token:test-admin', 'cluster.create'],
    ]);
    expect(audit[0].details.changed).toEqual(['kubeconfig']);
    expect(JSON.stringify(audit)).not.toContain(SECRET);
    expect(JSON.stringify(audit)).not.toContain('10.0.0.2');
  });

  it('an admin cannot store a refused kubeconfig either, and the old one stays', async () => {
    for (const bad of [kubeconfig({ user: execPlugin('/tmp/never') }), kubeconfig({ server: 'https://[::ffff:7f00:1]' })]) {
      const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
        role: 'admin',
        body: { kubeconfig: bad, description: 'half-written?' },
      });
      expect(res.status).toBe(400);
      expect(res.body.problems[0].field).toBe('body.kubeconfig');
    }
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' })).body.description).toBe('eu prod');
    expect(await storedKubeconfig(clusterId)).toContain('10.0.0.2');
  });
});

describe('a kubeconfig stored before the rules existed is refused when the driver connects', () => {
  let server: FakeKubeApiServer;
  beforeAll(async () => {
    server = await startFakeKubeApiServer({ seed: [] });
  });
  afterAll(() => server.close());

  /** Registers a harmless kubeconfig, then puts `stored` in its place as an old release could have, and syncs. */
  async function storeAndSync(name: string, stored: string): Promise<string> {
    const created = await register({ name, kubeconfig: kubeconfig() });
    expect(created.status).toBe(201);
    await api.db.query('UPDATE clusters SET credentials = $1 WHERE id = $2', [api.runtime.secrets.seal(stored), created.body.id]);
    expect((await api.call('POST', `/api/v1/clusters/${created.body.id}/sync`, { role: 'operator' })).status).toBe(202);
    return created.body.id;
  }
  /** The first 'job failed' line of the cluster's sync job, parsed, once the worker wrote it. */
  const failedSync = async (clusterId: string) => {
    const [line] = await api.waitFor(
      () => Promise.resolve(logLines.filter((l) => l.includes('"job failed"') && l.includes(`cluster.sync.${clusterId}`))),
      (lines) => lines.length > 0,
    );
    return JSON.parse(line!) as { job: string; error: string };
  };

  it('an exec plugin never runs on sync; the sync fails saying why', async () => {
    const marker = join(markers, 'sync-ran-exec');
    const requestsBefore = server.requests.length;
    const clusterId = await storeAndSync(
      'stored-exec',
      kubeconfig({ server: server.url, cluster: 'insecure-skip-tls-verify: true', user: execPlugin(marker) }),
    );
    expect(await failedSync(clusterId)).toMatchObject({
      job: 'cluster.sync',
      error: expect.stringContaining('the kubeconfig is refused: users[0] "bulkhead": exec runs a command on the Bulkhead host'),
    });
    expect(existsSync(marker)).toBe(false);
    expect(server.requests.length).toBe(requestsBefore);
  });

  it('the same plugin does run where an admin allowed host credentials (so the test above can fail)', async () => {
    const marker = join(markers, 'allowed-exec');
    // A server of its own: the requests of a discover() that fails go on after it, and would be counted below.
    const own = await startFakeKubeApiServer({ seed: [] });
    const driver = new KubernetesDriver(
      kubeconfig({ server: own.url, cluster: 'insecure-skip-tls-verify: true', user: execPlugin(marker) }),
      {
        kubeconfigRules: { allowHostCredentials: true, allowLoopback: true },
      },
    );
    await driver.discover().catch(() => undefined);
    await own.close();
    expect(existsSync(marker)).toBe(true);
  });

  it('an API server on a loopback address is refused before any request', async () => {
    const requestsBefore = server.requests.length;
    const clusterId = await storeAndSync(
      'stored-loopback',
      kubeconfig({ server: server.url.replace('127.0.0.1', '[::ffff:127.0.0.1]'), cluster: 'insecure-skip-tls-verify: true' }),
    );
    expect((await failedSync(clusterId)).error).toContain(
      'the kubeconfig is refused: clusters[0] "prod": server points to ::ffff:7f00:1, a loopback address',
    );
    expect(server.requests.length).toBe(requestsBefore);
  });

  (loopbackAlias ? it : it.skip)(
    'a name that resolves to loopback is refused when the socket looks it up, and connects where allowed',
    async () => {
      const aliased = kubeconfig({
        server: server.url.replace('127.0.0.1', loopbackAlias!),
        cluster: 'insecure-skip-tls-verify: true',
        user: `token: ${server.token}`,
      });
      const refused = new KubernetesDriver(aliased, { kubeconfigRules: { allowHostCredentials: false, allowLoopback: false } });
      const requestsBefore = server.requests.length;
      await expect(refused.discover()).rejects.toThrow(`the API server address is refused: ${loopbackAlias} resolves to 127.`);
      expect(server.requests.length).toBe(requestsBefore);
      const allowed = new KubernetesDriver(aliased, { kubeconfigRules: { allowHostCredentials: false, allowLoopback: true } });
      await expect(allowed.discover()).resolves.toMatchObject({ cni: 'unknown' });
      expect(server.requests.length).toBeGreaterThan(requestsBefore);
    },
  );

  (outsideAddress ? it : it.skip)('a redirect from an accepted server to a loopback address is not followed there', async () => {
    const redirector = createServer((req, res) => res.writeHead(302, { location: `${server.url}${req.url}` }).end());
    await new Promise<void>((resolve) => redirector.listen(0, outsideAddress, resolve));
    const firstHop = `http://${outsideAddress}:${(redirector.address() as AddressInfo).port}`;
    try {
      const redirected = kubeconfig({ server: firstHop, cluster: 'insecure-skip-tls-verify: true', user: `token: ${server.token}` });
      const requestsBefore = server.requests.length;
      await expect(
        new KubernetesDriver(redirected, { kubeconfigRules: { allowHostCredentials: false, allowLoopback: false } }).discover(),
      ).rejects.toThrow('the API server address is refused: 127.0.0.1 is a loopback address');
      expect(server.requests.length).toBe(requestsBefore);
      // Where loopback is allowed the same redirect is followed (to a 401: the client drops the token on the
      // way to another host), so the refusal above is the guard's doing.
      await new KubernetesDriver(redirected, { kubeconfigRules: { allowHostCredentials: false, allowLoopback: true } })
        .discover()
        .catch(() => undefined);
      expect(server.requests.length).toBeGreaterThan(requestsBefore);
    } finally {
      redirector.closeAllConnections();
      await new Promise((resolve) => redirector.close(resolve));
    }
  });

  it('the log never holds a kubeconfig secret', () => {
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.join('\n')).not.toContain(SECRET);
  });
});

describe('the server settings let an admin allow host credentials and loopback addresses', () => {
  let open: Harness;
  beforeAll(async () => {
    open = await startApi({ BULKHEAD_KUBECONFIG_ALLOW_HOST_CREDENTIALS: 'true', BULKHEAD_CLUSTER_ALLOW_LOOPBACK: 'true' });
  }, 60000);
  afterAll(() => open.close());

  it('accepts an exec plugin and a loopback server, still only from an admin', async () => {
    const body = {
      name: 'local-kind',
      driver: 'kubernetes',
      kubeconfig: kubeconfig({ server: 'https://127.0.0.1:6443', user: execPlugin('/tmp/never') }),
    };
    expect((await open.call('POST', '/api/v1/clusters', { role: 'operator', body })).status).toBe(403);
    expect((await open.call('POST', '/api/v1/clusters', { role: 'admin', body })).status).toBe(201);
  });
});
