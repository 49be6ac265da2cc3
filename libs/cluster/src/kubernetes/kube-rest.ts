import { type KubeconfigRules, reviewKubeconfig } from '@bulkhead/inventory';
import type * as ClientNode from '@kubernetes/client-node';
import { parse } from 'yaml';
import { guardAgent } from './address-guard';

/**
 * @kubernetes/client-node takes about 1.5 s to load (ESM through require()): load it when the first driver is
 * built, so that importing @bulkhead/cluster for the simulated driver alone does not pay for it.
 */
let clientNode: typeof ClientNode | undefined;
function loadClientNode(): typeof ClientNode {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- deliberate lazy load, see above
  clientNode ??= require('@kubernetes/client-node') as typeof ClientNode;
  return clientNode;
}

/**
 * The REST transport of the Kubernetes driver: @kubernetes/client-node loads the kubeconfig, authenticates
 * (embedded token, client certificate or basic auth; plugins and files only where the rules allow host
 * credentials) and sends the request; the bodies stay raw JSON.
 *
 * Why not the generated typed APIs: they deserialize into model classes that rename fields (a
 * NetworkPolicy ingress rule's `from` becomes `_from`) and serialize plain objects by those renamed names,
 * so a plain `{ from: [...] }` sent through `replaceNamespacedNetworkPolicy` silently loses its peers (an
 * allow-from-anyone rule). A driver that must restore policies byte for byte cannot afford that.
 */

/** An answer of the API server that is not a success, or a request that never got one. Never carries credentials. */
export class KubernetesApiError extends Error {
  constructor(
    message: string,
    /** HTTP status, or undefined when the server could not be reached. */
    readonly status?: number,
    /** The Status object's reason (NotFound, Conflict, Unauthorized, ...). */
    readonly reason?: string,
  ) {
    super(message);
    this.name = 'KubernetesApiError';
  }
}

export interface RestRequest {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every string value under the kubeconfig's users: tokens, passwords, keys, exec env values, auth-provider config. */
function secretsOf(config: unknown): string[] {
  const found: string[] = [];
  const walk = (value: unknown) => {
    if (typeof value === 'string' && value.length >= 6) found.push(value);
    else if (Array.isArray(value)) value.forEach(walk);
    else if (isObject(value)) Object.values(value).forEach(walk);
  };
  if (isObject(config) && Array.isArray(config.users)) {
    for (const user of config.users) if (isObject(user)) walk(user.user);
  }
  // Longest first, so a secret that contains another is removed whole.
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

export class KubeRest {
  private readonly k8s = loadClientNode();
  private readonly kc = new this.k8s.KubeConfig();
  private readonly server: string;
  private readonly secrets: string[];
  private readonly http = new this.k8s.IsomorphicFetchHttpLibrary();

  /**
   * Loads a kubeconfig from its text, once it passed the kubeconfig rules (the same review as the API's,
   * so a kubeconfig stored before a rule existed never runs a plugin or reads a file). Errors name what
   * is wrong and never quote the text.
   */
  constructor(
    kubeconfig: string,
    private readonly rules: KubeconfigRules,
    private readonly timeoutMs = 30_000,
  ) {
    let parsed: unknown;
    try {
      parsed = parse(kubeconfig, { prettyErrors: false });
    } catch (error) {
      const line = (error as { linePos?: Array<{ line: number }> }).linePos?.[0]?.line;
      throw new KubernetesApiError(`the kubeconfig is not valid YAML${line ? ` (line ${line})` : ''}`);
    }
    this.secrets = secretsOf(parsed);
    if (!isObject(parsed)) throw new KubernetesApiError('the kubeconfig is not a YAML mapping');
    const [refused] = reviewKubeconfig(parsed, rules).refusals;
    if (refused)
      throw new KubernetesApiError(
        `the kubeconfig is refused: ${refused.entry}${refused.field ? `: ${refused.field}` : ''} ${refused.reason}`,
      );
    try {
      // The client is given the document that was reviewed, as JSON, so that no difference between two YAML
      // parsers (merge keys, tags) can show it fields the review did not see.
      this.kc.loadFromString(JSON.stringify(parsed));
    } catch (error) {
      throw new KubernetesApiError(
        `the kubeconfig could not be loaded: ${this.redact(String((error as Error).message ?? error)).split('\n')[0]}`,
      );
    }
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new KubernetesApiError('the kubeconfig has no current context with a cluster');
    if (!this.kc.getCurrentUser()) throw new KubernetesApiError('the kubeconfig has no user for its current context');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /** Removes every credential of the kubeconfig from a text (an error message from a library, say). */
  redact(text: string): string {
    let out = text;
    for (const secret of this.secrets) out = out.split(secret).join('[redacted]');
    return out;
  }

  /** Sends one request; returns the parsed JSON body of a 2xx answer, throws a KubernetesApiError otherwise. */
  async request<T = Json>(method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, options: RestRequest = {}): Promise<T> {
    const what = `${method} ${path}`;
    const context = new this.k8s.RequestContext(`${this.server}${path}`, this.k8s.HttpMethod[method]);
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value !== undefined) context.setQueryParam(key, String(value));
    }
    context.setHeaderParam('Accept', 'application/json');
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(typeof options.body === 'string' ? options.body : JSON.stringify(options.body));
    }
    context.setSignal(AbortSignal.timeout(this.timeoutMs));
    let status: number;
    let text: string;
    try {
      await this.kc.applySecurityAuthentication(context);
      // The address is checked again by the socket itself, right before it connects (see guardAgent).
      guardAgent(context.getAgent(), this.rules);
      const response = await this.http.send(context).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (error) {
      if ((error as Error)?.name === 'AbortError')
        throw new KubernetesApiError(`${what}: the API server did not answer within ${this.timeoutMs} ms`);
      throw new KubernetesApiError(
        `${what}: the API server could not be reached: ${this.redact(String((error as Error)?.message ?? error))}`,
      );
    }
    let body: unknown = undefined;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status >= 200 && status < 300) return body as T;
    const reason = isObject(body) && typeof body.reason === 'string' ? body.reason : undefined;
    const message = isObject(body) && typeof body.message === 'string' ? body.message : text.slice(0, 200);
    const hint =
      status === 401
        ? " (the API server refused the kubeconfig's credentials)"
        : status === 403
          ? " (the kubeconfig's user lacks the permission)"
          : '';
    throw new KubernetesApiError(this.redact(`${what}: ${status}${reason ? ` ${reason}` : ''}: ${message}${hint}`), status, reason);
  }
}

export function isNotFound(error: unknown): boolean {
  return error instanceof KubernetesApiError && error.status === 404;
}

export function isConflict(error: unknown): boolean {
  return error instanceof KubernetesApiError && error.status === 409;
}
