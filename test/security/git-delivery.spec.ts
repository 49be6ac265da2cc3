import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { type Harness, startApi } from '../integration/support/harness';
import { rollOut, smallClusterWithPlan } from '../integration/support/small-cluster';

/**
 * A git delivery decides where the Bulkhead server pushes and with what token: only an admin sets it;
 * a repository URL, branch or folder that could reach into the host or pass for a git option is
 * refused with the field named and nothing written; and the token never comes back, in an answer,
 * the audit log or a log line, not even in the reason of a push that failed.
 */

const TOKEN = 'glpat-delivery-token-that-must-never-show-0123';
const BASIC = Buffer.from(`x-access-token:${TOKEN}`).toString('base64');

/** An IPv4 address of this machine that is not loopback: a repository host the rules accept, and that answers at once. */
const outsideAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && !i.internal && i.family === 'IPv4')?.address;

/** A port nothing listens on. */
const closedPort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

const git = (repoUrl: string, more: Record<string, unknown> = {}) => ({
  kind: 'git',
  repoUrl,
  branch: 'main',
  path: 'clusters/eu',
  syncTimeoutSeconds: 30,
  ...more,
});

let api: Harness;
const logLines: string[] = [];
beforeAll(async () => {
  api = await startApi({ LOG_LEVEL: 'debug' }, { worker: true, log: (line) => void logLines.push(line) });
}, 60000);
afterAll(() => api.close());

const stored = async (id: string) =>
  (await api.db.query('SELECT delivery, delivery_credentials FROM clusters WHERE id = $1', [id]))[0] as {
    delivery: unknown;
    delivery_credentials: Buffer | null;
  };

describe('who sets a delivery', () => {
  let clusterId: string;
  beforeAll(async () => {
    clusterId = (await api.call('POST', '/api/v1/clusters', { role: 'operator', body: { name: 'direct-one' } })).body.id;
  });

  it.each([
    ['a viewer', 'viewer' as const, 403, 'auth.role_required'],
    ['an operator', 'operator' as const, 403, 'cluster.credentials_need_admin'],
  ])('not %s: refused, and nothing is written', async (_who, role, status, code) => {
    const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
      role,
      body: { description: 'half-written?', delivery: git('https://203.0.113.7/team/policies.git', { credentials: { token: TOKEN } }) },
    });
    expect(res.status).toBe(status);
    expect(res.body.code).toBe(code);
    const view = (await api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' })).body;
    expect(view).toMatchObject({ description: null, delivery: { kind: 'direct' } });
  });

  it('not an operator registering a cluster either', async () => {
    const res = await api.call('POST', '/api/v1/clusters', {
      role: 'operator',
      body: { name: 'sneaky', delivery: git('https://203.0.113.7/team/policies.git') },
    });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('cluster.credentials_need_admin');
    expect((await api.call('GET', '/api/v1/clusters', { role: 'viewer' })).body.map((c: any) => c.name)).not.toContain('sneaky');
  });

  it.each([
    ['a folder of the host', git('file:///etc'), 'body.delivery.repoUrl', /file:\/\/ only with BULKHEAD_GIT_ALLOW_FILE_URLS/],
    ["git's ext transport, which runs a command", git('ext::sh -c touch% /tmp/pwned'), 'body.delivery.repoUrl', /must be an https/],
    ['ssh', git('ssh://git@203.0.113.7/team/policies.git'), 'body.delivery.repoUrl', /must be an https/],
    ['the cloud metadata service', git('https://169.254.169.254/latest.git'), 'body.delivery.repoUrl', /linkLocal/],
    ['the host itself', git('https://localhost/policies.git'), 'body.delivery.repoUrl', /loopback name/],
    ['credentials in the URL', git(`https://bot:${TOKEN}@203.0.113.7/p.git`), 'body.delivery.repoUrl', /carries credentials/],
    [
      'a branch that is a git option',
      git('https://203.0.113.7/p.git', { branch: '--upload-pack=touch /tmp/pwned' }),
      'body.delivery.branch',
      /letters/,
    ],
    ['a branch that starts with a dash', git('https://203.0.113.7/p.git', { branch: '-f' }), 'body.delivery.branch', /starts with/],
    ['a folder out of the repository', git('https://203.0.113.7/p.git', { path: '../../etc' }), 'body.delivery.path', /"\."/],
    ['a folder in .git', git('https://203.0.113.7/p.git', { path: '.git/hooks' }), 'body.delivery.path', /\.git/],
    [
      'a token that breaks out of its header',
      git('https://203.0.113.7/p.git', { credentials: { token: 'a\r\nX-Injected: 1' } }),
      'body.delivery.credentials.token',
      /printable ASCII/,
    ],
  ])('an admin cannot store %s either: 400 naming the field, nothing written', async (_case, delivery, field, reason) => {
    const res = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
      role: 'admin',
      body: { description: 'half-written?', delivery },
    });
    expect(res.status).toBe(400);
    const problem = res.body.problems.find((p: any) => p.field === field);
    expect(problem?.reason).toMatch(reason);
    expect(JSON.stringify(res.body)).not.toContain(TOKEN);
    expect(await stored(clusterId)).toEqual({ delivery: { kind: 'direct' }, delivery_credentials: null });
    expect((await api.call('GET', `/api/v1/clusters/${clusterId}`, { role: 'viewer' })).body.description).toBeNull();
  });
});

(outsideAddress ? describe : describe.skip)('the token of a delivery', () => {
  let clusterId: string;
  let planId: string;
  let repoUrl: string;
  beforeAll(async () => {
    repoUrl = `https://${outsideAddress}:${await closedPort()}/team/policies.git`;
    ({ clusterId, planId } = await smallClusterWithPlan(api, {
      name: 'eu-gitops',
      delivery: git(repoUrl, { credentials: { username: 'x-access-token', token: TOKEN } }),
    }));
  }, 60000);

  it('is stored sealed and answered only as credentialsSet', async () => {
    const row = await stored(clusterId);
    expect(row.delivery).toEqual(git(repoUrl));
    expect(row.delivery_credentials!.toString('latin1')).not.toContain(TOKEN);
    for (const path of ['/api/v1/clusters', `/api/v1/clusters/${clusterId}`]) {
      const text = JSON.stringify((await api.call('GET', path, { role: 'admin' })).body);
      expect(text).toContain('"credentialsSet":true');
      expect(text).not.toContain(TOKEN);
    }
  });

  it("never shows in a failed push's reason, the audit log or the log", async () => {
    // The restore cannot reach the repository either: it is tried again and again, so the test waits for the halt alone.
    const done = await rollOut(api, planId, { awaitRestores: false });
    expect(done.status).toBe('halted');
    expect(done.halt.code).toBe('apply_failed');
    expect(done.halt.message).toMatch(/git fetch failed: .*Failed to connect/);
    expect(JSON.stringify(done)).not.toContain(TOKEN);
    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&limit=500`, { role: 'admin' })).body.items;
    expect(audit.find((e: any) => e.action === 'cluster.create').details.delivery).toEqual({ ...git(repoUrl), credentialsSet: true });
    const everything = `${JSON.stringify(audit)}\n${logLines.join('\n')}`;
    expect(everything).not.toContain(TOKEN);
    expect(everything).not.toContain(BASIC);
  }, 120000);

  it('cannot be redirected: the delivery stays while a rollout acts on the cluster, and a new server needs the token again', async () => {
    const elsewhere = git(`https://${outsideAddress}:1/attacker/policies.git`);
    const busy = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, {
      role: 'admin',
      body: { delivery: { ...elsewhere, credentials: null } },
    });
    expect(busy.status).toBe(409);
    expect(busy.body.code).toBe('cluster.rollout_active');

    const [rollout] = (await api.call('GET', `/api/v1/rollouts?clusterId=${clusterId}`, { role: 'viewer' })).body.items;
    expect((await api.call('POST', `/api/v1/rollouts/${rollout.id}/abort`, { role: 'operator', body: { reason: 'moving' } })).status).toBe(
      200,
    );
    const moved = await api.call('PATCH', `/api/v1/clusters/${clusterId}`, { role: 'admin', body: { delivery: elsewhere } });
    expect(moved.status).toBe(400);
    expect(moved.body.problems).toEqual([{ field: 'body.delivery.credentials', reason: expect.stringContaining('must be given again') }]);
    expect((await stored(clusterId)).delivery).toEqual(git(repoUrl));

    const audit = (await api.call('GET', `/api/v1/audit?clusterId=${clusterId}&action=cluster.delivery.update`, { role: 'admin' })).body
      .items;
    expect(audit).toEqual([]);
  }, 60000);
});
