import { formatClusterPolicyIssue, formatIssue, type NetworkPolicy, validateClusterPolicy, validateNetworkPolicy } from '@bulkhead/netpol';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse as parseYaml } from 'yaml';
import { decideProbe, droppedProbe, type ProbeBehaviour, podStatus } from './probes';
import { CLUSTER_POLICY_TYPES, type Json, POD_TYPE, RESOURCES, type ResourceType, Store, StatusError } from './store';

export { probeTargetOf, type ProbeBehaviour, type ProbeTarget } from './probes';
export { RESOURCES, type ResourceType, Store } from './store';

/**
 * A small fake Kubernetes API server for the driver's tests: plain HTTP, the real REST paths and bodies
 * (lists, GET/POST/PUT/PATCH/DELETE, Status objects for errors, resourceVersions, server-side apply with
 * field managers), a bearer token, and a fake kubelet that runs probe pods by asking the NetworkPolicy
 * engine, as an enforcing CNI would. It records every request so tests can check what was called.
 */

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  /** The body as sent (text). */
  body?: string;
}

export interface FakeKubeApiServerOptions {
  /** The cluster's initial objects: a v1 List or its items (namespaces, pods, workloads, policies, kube-system DaemonSets). */
  seed: { items: unknown[] } | unknown[];
  /** The bearer token the server accepts. */
  token?: string;
  /** How long a probe pod takes to finish. Default 30 ms. */
  probeDelayMs?: number;
  /** The cluster-scoped policy kinds whose CRDs are installed (default none): their resources, and their group's discovery, are served. */
  clusterPolicyKinds?: string[];
  /** How probe pods behave (default: enforce the stored policies). */
  probeBehaviour?: ProbeBehaviour | ((pod: Json) => ProbeBehaviour);
}

export interface FakeKubeApiServer {
  url: string;
  token: string;
  /** A kubeconfig for this server (with another token to test a refused one). */
  kubeconfig(token?: string): string;
  requests: RecordedRequest[];
  store: Store;
  setProbeBehaviour(behaviour: ProbeBehaviour | ((pod: Json) => ProbeBehaviour)): void;
  /** Runs before each request is handled: to change the state under the client's feet (a concurrent writer). */
  onRequest(hook: ((request: RecordedRequest) => void) | undefined): void;
  /** Names of the pods that were created through the API (probe pods), deleted or not. */
  createdPods: string[];
  close(): Promise<void>;
}

const PATH = /^\/(api\/v1|apis\/([^/]+)\/([^/]+))(?:\/namespaces\/([^/]+))?\/([^/]+)(?:\/([^/]+))?$/;
const WRITABLE = new Set(['pods', 'networkpolicies', ...CLUSTER_POLICY_TYPES.map((t) => t.resource)]);
/** GET /apis/<group>/<version>: the APIResourceList of a served group version. */
const GROUP_VERSION = /^\/apis\/([^/]+)\/([^/]+)$/;

function status(code: number, reason: string, message: string): Json {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}

/** labelSelector: `k`, `!k`, `k=v`, `k==v`, `k!=v`, comma-separated (no set-based `in` / `notin`). */
function matchesSelector(labels: Record<string, string>, selector: string | undefined): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    const ne = t.split('!=');
    if (ne.length === 2) return labels[ne[0]!] !== ne[1];
    const eq = t.split(/==?/);
    if (eq.length === 2) return labels[eq[0]!] === eq[1];
    return t in labels;
  });
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** The API server's validation of NetworkPolicies and cluster-scoped policies, by the engine's validators. */
function validatePolicy(type: ResourceType, object: Json): void {
  if (CLUSTER_POLICY_TYPES.includes(type)) {
    const issues = validateClusterPolicy({ apiVersion: type.apiVersion, kind: type.kind, ...object });
    if (issues.length > 0) throw new StatusError(422, 'Invalid', issues.map((i) => formatClusterPolicyIssue(type.kind, i)).join('; '));
    return;
  }
  if (type.kind !== 'NetworkPolicy') return;
  const issues = validateNetworkPolicy(object as NetworkPolicy);
  if (issues.length > 0) {
    throw new StatusError(
      422,
      'Invalid',
      `NetworkPolicy.networking.k8s.io "${object.metadata?.name}" is invalid: ${issues.map(formatIssue).join('; ')}`,
    );
  }
}

export async function startFakeKubeApiServer(options: FakeKubeApiServerOptions): Promise<FakeKubeApiServer> {
  const token = options.token ?? 'fake-token-5b1e0c2f9d';
  const store = new Store(validatePolicy);
  const requests: RecordedRequest[] = [];
  const createdPods: string[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let behaviour = options.probeBehaviour ?? 'enforce';
  let hook: ((request: RecordedRequest) => void) | undefined;
  let nextIp = 1;

  const served = RESOURCES.filter((r) => !CLUSTER_POLICY_TYPES.includes(r) || (options.clusterPolicyKinds ?? []).includes(r.kind));
  const items = Array.isArray(options.seed) ? options.seed : options.seed.items;
  // Namespaces first, so every namespaced object finds its namespace.
  const ordered = [...items].sort((a, b) => Number((b as Json).kind === 'Namespace') - Number((a as Json).kind === 'Namespace'));
  for (const item of ordered as Json[]) {
    const type = served.find((r) => r.kind === item.kind);
    if (!type) continue;
    const namespace = type.namespaced ? (item.metadata?.namespace ?? 'default') : undefined;
    store.create(type, namespace, item, type.kind === 'NetworkPolicy' ? 'kubectl-client-side-apply' : undefined, item.status);
  }

  /** The fake kubelet: the pod gets an IP, and after a delay its container exits with the engine's verdict. */
  const runPod = (namespace: string, name: string) => {
    const ip = `10.250.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`;
    const at = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const pod = store.get(POD_TYPE, namespace, name);
    const image = pod.spec?.containers?.[0]?.image ?? '';
    store.setStatus(POD_TYPE, namespace, name, podStatus('Pending', ip, image, at));
    const mode = typeof behaviour === 'function' ? behaviour(pod) : behaviour;
    const decision =
      mode === 'enforce'
        ? decideProbe(store, store.get(POD_TYPE, namespace, name))
        : mode === 'pass'
          ? { exitCode: 0, message: '' }
          : droppedProbe(pod);
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!store.find(POD_TYPE, namespace, name)) return;
      if (mode === 'hang') store.setStatus(POD_TYPE, namespace, name, podStatus('Running', ip, image, at));
      else store.setStatus(POD_TYPE, namespace, name, podStatus(decision.exitCode === 0 ? 'Succeeded' : 'Failed', ip, image, at, decision));
    }, options.probeDelayMs ?? 30);
    timers.add(timer);
  };

  const handle = async (req: IncomingMessage, body: string): Promise<{ code: number; body: Json }> => {
    if (req.headers.authorization !== `Bearer ${token}`) throw new StatusError(401, 'Unauthorized', 'Unauthorized');
    const url = new URL(req.url ?? '/', 'http://fake');
    const groupVersion = GROUP_VERSION.exec(url.pathname);
    if (req.method === 'GET' && groupVersion) {
      const resources = served.filter((r) => r.prefix === url.pathname);
      if (resources.length === 0) throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
      return {
        code: 200,
        body: {
          kind: 'APIResourceList',
          apiVersion: 'v1',
          groupVersion: `${groupVersion[1]}/${groupVersion[2]}`,
          resources: resources.map((r) => ({
            name: r.resource,
            singularName: '',
            namespaced: r.namespaced,
            kind: r.kind,
            verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'],
          })),
        },
      };
    }
    const match = PATH.exec(url.pathname);
    const type = match && served.find((r) => r.prefix === `/${match[1]}` && r.resource === match[5]);
    if (!match || !type || (!type.namespaced && match[4] !== undefined))
      throw new StatusError(404, 'NotFound', 'the server could not find the requested resource');
    const namespace = type.namespaced ? match[4] && decodeURIComponent(match[4]) : undefined;
    const name = match[6] && decodeURIComponent(match[6]);
    const query = url.searchParams;
    const method = req.method ?? 'GET';

    if (method === 'GET' && !name) {
      const all = store
        .list(type, namespace)
        .filter((o) => matchesSelector(o.metadata.labels ?? {}, query.get('labelSelector') ?? undefined));
      const start = Number(query.get('continue') ? Buffer.from(query.get('continue') as string, 'base64').toString() : 0);
      const limit = Number(query.get('limit') ?? 0) || all.length;
      const page = all.slice(start, start + limit);
      const more = start + limit < all.length;
      // Items of a list carry no apiVersion and kind: the list's kind says it.
      const itemsOut = page.map(({ apiVersion: _a, kind: _k, ...rest }) => rest);
      return {
        code: 200,
        body: {
          kind: `${type.kind}List`,
          apiVersion: type.apiVersion,
          metadata: {
            resourceVersion: store.resourceVersion,
            ...(more ? { continue: Buffer.from(String(start + limit)).toString('base64') } : {}),
          },
          items: itemsOut,
        },
      };
    }
    if (method === 'GET' && name) return { code: 200, body: store.get(type, namespace, name) };
    if (!WRITABLE.has(type.resource))
      throw new StatusError(405, 'MethodNotAllowed', `the fake API server does not ${method} ${type.resource}`);
    const manager = query.get('fieldManager') ?? undefined;

    if (method === 'POST' && !name) {
      const object = JSON.parse(body);
      const created = store.create(type, namespace, object, manager ?? 'unknown');
      if (type.kind === 'Pod') {
        createdPods.push(`${namespace}/${created.metadata.name}`);
        runPod(namespace as string, created.metadata.name);
        return { code: 201, body: store.get(type, namespace, created.metadata.name) };
      }
      return { code: 201, body: created };
    }
    if (method === 'PUT' && name) {
      const object = JSON.parse(body);
      return { code: 200, body: store.replace(type, namespace, name, object, manager) };
    }
    if (method === 'PATCH' && name) {
      const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim();
      if (contentType !== 'application/apply-patch+yaml') {
        throw new StatusError(
          415,
          'UnsupportedMediaType',
          `the fake API server supports only application/apply-patch+yaml, not ${JSON.stringify(contentType)}`,
        );
      }
      if (!manager)
        throw new StatusError(
          400,
          'BadRequest',
          'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
        );
      const object = parseYaml(body) as Json;
      const { object: applied, created } = store.apply(type, namespace, name, object, manager, query.get('force') === 'true');
      return { code: created ? 201 : 200, body: applied };
    }
    if (method === 'DELETE' && name) {
      const deleted = store.delete(type, namespace, name);
      if (type.kind === 'Pod') return { code: 200, body: deleted };
      const details = { name, group: type.apiVersion.split('/')[0], kind: type.resource, uid: deleted.metadata.uid };
      return { code: 200, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details } };
    }
    throw new StatusError(405, 'MethodNotAllowed', `${method} is not allowed on ${url.pathname}`);
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      const url = new URL(req.url ?? '/', 'http://fake');
      const recorded: RecordedRequest = {
        method: req.method ?? 'GET',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        ...(req.headers['content-type'] ? { contentType: req.headers['content-type'] } : {}),
        ...(body ? { body } : {}),
      };
      requests.push(recorded);
      let answer: { code: number; body: Json };
      try {
        hook?.(recorded);
        answer = await handle(req, body);
      } catch (error) {
        answer =
          error instanceof StatusError
            ? { code: error.code, body: status(error.code, error.reason, error.message) }
            : { code: 400, body: status(400, 'BadRequest', (error as Error).message) };
      }
      res.writeHead(answer.code, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(answer.body));
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    token,
    requests,
    store,
    createdPods,
    setProbeBehaviour: (b) => {
      behaviour = b;
    },
    onRequest: (h) => {
      hook = h;
    },
    kubeconfig: (other = token) =>
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters:',
        '  - name: fake',
        '    cluster:',
        `      server: ${url}`,
        '      insecure-skip-tls-verify: true', // client-node refuses http:// without it
        'users:',
        '  - name: fake-user',
        '    user:',
        `      token: ${other}`,
        'contexts:',
        '  - name: fake',
        '    context: { cluster: fake, user: fake-user }',
        'current-context: fake',
        '',
      ].join('\n'),
    close: async () => {
      for (const timer of timers) clearTimeout(timer);
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
