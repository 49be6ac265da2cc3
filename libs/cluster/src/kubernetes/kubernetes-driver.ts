import type { Cni } from '@bulkhead/contracts';
import type { KubeconfigRules } from '@bulkhead/inventory';
import { buildInventory, type NetworkPolicy, type SnapshotClusterPolicy, snapshotFromDocuments } from '@bulkhead/netpol';
import type { ClusterDriver, ClusterPolicyRef, ConnectivityProbe, ConnectivityResult, Discovery } from '@bulkhead/rollout';
import { daemonSetOfPod, detectCni } from './cni';
import {
  CLUSTER_POLICY_GROUP_VERSIONS,
  CLUSTER_POLICY_RESOURCES,
  type ClusterPolicyResource,
  clusterPolicyPath,
  cleanClusterPolicy,
} from './cluster-policies';
import { isConflict, isNotFound, KubeRest, KubernetesApiError } from './kube-rest';
import type { KubeList, KubeObject, Pod } from './kube-types';
import { canonical, cleanPolicy, policyBody } from './policies';
import { PROBE_LABEL, PROBE_SPEC_ANNOTATION, probePodManifest, probePodName, readProbePod, type ResolvedTarget } from './probe-pod';

export interface KubernetesDriverOptions {
  /** The kubeconfig rules (config `clusters`); by default no host credentials and no loopback address. */
  kubeconfigRules?: KubeconfigRules;
  /** Field manager of every write (server-side apply, replace, create). Default `bulkhead`. */
  fieldManager?: string;
  /** Image of the probe pods; needs `nc` (with -z) and `nslookup`. Default `busybox:1.36`. */
  probeImage?: string;
  /** How long a probe pod may take to be scheduled, pull its image and start, on top of the probe's own timeout. Default 60 s. */
  probeStartTimeoutMs?: number;
  /** How often a probe pod's status is read. Default 1 s. */
  pollIntervalMs?: number;
  /** How many probe pods of one batch run at once. Default 4. */
  probeConcurrency?: number;
  /**
   * Make the probe pod's namespace its controller owner (default true). A pod carrying a workload's labels
   * and no controller would otherwise be adopted by a ReplicaSet or DaemonSet whose selector matches them.
   */
  probePodOwnedByNamespace?: boolean;
  /** How long one API request may take. Default 30 s. */
  requestTimeoutMs?: number;
  /** Page size of list calls. Default 500. */
  listPageSize?: number;
  /** The clock and the wait, injectable for tests. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** The kinds discover() lists, across all namespaces, in the order they appear in the snapshot. */
const DISCOVERED: ReadonlyArray<{ kind: string; apiVersion: string; path: string }> = [
  { kind: 'Namespace', apiVersion: 'v1', path: '/api/v1/namespaces' },
  { kind: 'Node', apiVersion: 'v1', path: '/api/v1/nodes' },
  { kind: 'Deployment', apiVersion: 'apps/v1', path: '/apis/apps/v1/deployments' },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/statefulsets' },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/daemonsets' },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', path: '/apis/apps/v1/replicasets' },
  { kind: 'Job', apiVersion: 'batch/v1', path: '/apis/batch/v1/jobs' },
  { kind: 'CronJob', apiVersion: 'batch/v1', path: '/apis/batch/v1/cronjobs' },
  { kind: 'Pod', apiVersion: 'v1', path: '/api/v1/pods' },
  { kind: 'NetworkPolicy', apiVersion: 'networking.k8s.io/v1', path: '/apis/networking.k8s.io/v1/networkpolicies' },
];

const enc = encodeURIComponent;
const policiesPath = (namespace: string) => `/apis/networking.k8s.io/v1/namespaces/${enc(namespace)}/networkpolicies`;
const podsPath = (namespace: string) => `/api/v1/namespaces/${enc(namespace)}/pods`;

const isReady = (pod: Pod) =>
  pod.status?.phase === 'Running' &&
  !pod.metadata?.deletionTimestamp &&
  typeof pod.status?.podIP === 'string' &&
  pod.status.podIP !== '' &&
  (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const isLive = (pod: Pod) => !pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded' && pod.status?.phase !== 'Failed';

/**
 * The ClusterDriver of a real cluster. Writes NetworkPolicies with server-side apply under one field
 * manager, restores them with replace (PUT with the current resourceVersion), and probes from a
 * short-lived pod that carries the source workload's labels, reading the verdict from the pod's status.
 * Every call is idempotent; probe pods are named from the probe id, so a re-run finds its pod.
 */
export class KubernetesDriver implements ClusterDriver {
  private readonly rest: KubeRest;
  private readonly fieldManager: string;
  private readonly probeImage: string;
  private readonly probeStartTimeoutMs: number;
  private readonly pollIntervalMs: number;
  private readonly probeConcurrency: number;
  private readonly ownByNamespace: boolean;
  private readonly pageSize: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  /** @param kubeconfig the kubeconfig's YAML text (decrypted by the caller; never logged, never quoted in an error). */
  constructor(kubeconfig: string, options: KubernetesDriverOptions = {}) {
    this.rest = new KubeRest(
      kubeconfig,
      options.kubeconfigRules ?? { allowHostCredentials: false, allowLoopback: false },
      options.requestTimeoutMs ?? 30_000,
    );
    this.fieldManager = options.fieldManager ?? 'bulkhead';
    this.probeImage = options.probeImage ?? 'busybox:1.36';
    this.probeStartTimeoutMs = options.probeStartTimeoutMs ?? 60_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.probeConcurrency = Math.max(1, options.probeConcurrency ?? 4);
    this.ownByNamespace = options.probePodOwnedByNamespace ?? true;
    this.pageSize = options.listPageSize ?? 500;
    this.now = options.now ?? (() => Date.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  /** Every item of a list endpoint, page by page. */
  private async listAll<T extends KubeObject = KubeObject>(path: string, query: Record<string, string> = {}): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined;
    do {
      const page = await this.rest.request<KubeList<T>>('GET', path, { query: { ...query, limit: this.pageSize, continue: next } });
      items.push(...(page?.items ?? []));
      next = page?.metadata?.continue || undefined;
    } while (next);
    return items;
  }

  async discover(): Promise<Discovery> {
    const [lists, served] = await Promise.all([
      Promise.all(DISCOVERED.map(async ({ kind, apiVersion, path }) => ({ kind, apiVersion, listed: await this.listAll(path) }))),
      this.servedClusterPolicies(),
    ]);
    const items: unknown[] = [];
    const candidates: Array<{ namespace: string; name: string }> = [];
    for (const { kind, apiVersion, listed } of lists) {
      for (const raw of listed) {
        const metadata = { ...raw.metadata };
        if (kind === 'Pod' && metadata.labels?.[PROBE_LABEL] !== undefined) continue; // our own probes are not the cluster
        delete metadata.managedFields; // as kubectl prints them
        items.push({ apiVersion, kind, ...raw, metadata });
        const namespace = metadata.namespace ?? '';
        if (kind === 'DaemonSet') candidates.push({ namespace, name: metadata.name });
        if (kind === 'Pod') candidates.push(daemonSetOfPod({ namespace, name: metadata.name, ownerReferences: metadata.ownerReferences }));
      }
    }
    items.push(...(await this.clusterPoliciesOf(served)));
    const cni: Cni = detectCni(candidates);
    return { cni, snapshot: { apiVersion: 'v1', kind: 'List', items }, clusterPolicyKinds: served.map((r) => r.kind) };
  }

  /** The cluster-scoped policy kinds the API server serves, as the discovery documents of their group versions list them. */
  private async servedClusterPolicies(): Promise<ClusterPolicyResource[]> {
    const served = new Set<string>();
    for (const groupVersion of CLUSTER_POLICY_GROUP_VERSIONS) {
      try {
        const list = await this.rest.request<{ resources?: Array<{ name?: string }> }>('GET', `/apis/${groupVersion}`);
        for (const resource of list?.resources ?? []) served.add(`${groupVersion}/${resource.name}`);
      } catch (error) {
        if (!isNotFound(error)) throw error; // 404: the group version is not served (no CRD of it installed)
      }
    }
    return CLUSTER_POLICY_RESOURCES.filter((r) => served.has(`${r.apiVersion}/${r.resource}`));
  }

  private async clusterPoliciesOf(served: readonly ClusterPolicyResource[]): Promise<SnapshotClusterPolicy[]> {
    const byName = (a: SnapshotClusterPolicy, b: SnapshotClusterPolicy) =>
      a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0;
    const lists = await Promise.all(
      served.map(async (resource) =>
        (await this.listAll(clusterPolicyPath(resource))).map((item) => cleanClusterPolicy(item, resource)).sort(byName),
      ),
    );
    return lists.flat();
  }

  async readClusterPolicies(): Promise<SnapshotClusterPolicy[]> {
    return this.clusterPoliciesOf(await this.servedClusterPolicies());
  }

  /** Server-side apply under Bulkhead's field manager, one object at a time; a kind the cluster does not serve is refused first. */
  async applyClusterPolicies(policies: SnapshotClusterPolicy[]): Promise<void> {
    const served = await this.servedClusterPolicies();
    const bodies = policies.map((policy) => ({ resource: servedResource(served, policy), body: clusterPolicyBody(policy) }));
    for (const { resource, body } of bodies) {
      await this.rest.request('PATCH', `${clusterPolicyPath(resource)}/${enc(body.metadata.name)}`, {
        query: { fieldManager: this.fieldManager, force: true },
        contentType: 'application/apply-patch+yaml',
        body: JSON.stringify(body),
      });
    }
  }

  async deleteClusterPolicies(policies: ClusterPolicyRef[]): Promise<void> {
    for (const { kind, name } of policies) {
      const resource = CLUSTER_POLICY_RESOURCES.find((r) => r.kind === kind);
      if (resource) await this.deleteIgnoringMissing(`${clusterPolicyPath(resource)}/${enc(name)}`);
    }
  }

  /** Replaces, never merges, kind by kind as restorePolicies does a namespace; the snapshot may only hold kinds the cluster serves. */
  async restoreClusterPolicies(snapshot: SnapshotClusterPolicy[]): Promise<void> {
    const served = await this.servedClusterPolicies();
    for (const policy of snapshot) servedResource(served, policy);
    for (const resource of served) {
      const ofKind = snapshot.filter((p) => p.kind === resource.kind);
      const wanted = new Map(ofKind.map((p) => [p.metadata.name, clusterPolicyBody(p)]));
      if (wanted.size !== ofKind.length) throw new Error(`the snapshot names a ${resource.kind} twice`);
      await this.restoreCollection(clusterPolicyPath(resource), wanted, (live) => cleanClusterPolicy(live, resource), `${resource.kind}s`);
    }
  }

  async readPolicies(namespace: string): Promise<NetworkPolicy[]> {
    const items = await this.listAll(policiesPath(namespace));
    return items
      .map((item) => cleanPolicy(item, namespace))
      .sort((a, b) => (a.metadata.name < b.metadata.name ? -1 : a.metadata.name > b.metadata.name ? 1 : 0));
  }

  async applyPolicies(namespace: string, policies: NetworkPolicy[], options: { prune?: boolean } = {}): Promise<void> {
    const bodies = policies.map((p) => policyBody(p, namespace));
    for (const body of bodies) {
      await this.rest.request('PATCH', `${policiesPath(namespace)}/${enc(body.metadata.name)}`, {
        query: { fieldManager: this.fieldManager, force: true },
        contentType: 'application/apply-patch+yaml', // JSON is YAML: the API server accepts it as an apply patch
        body: JSON.stringify(body),
      });
    }
    if (!options.prune) return;
    const keep = new Set(bodies.map((b) => b.metadata.name));
    await this.deletePolicies(
      namespace,
      (await this.readPolicies(namespace)).map((p) => p.metadata.name).filter((name) => !keep.has(name)),
    );
  }

  async deletePolicies(namespace: string, names: string[]): Promise<void> {
    for (const name of names) await this.deleteIgnoringMissing(`${policiesPath(namespace)}/${enc(name)}`);
  }

  private async deleteIgnoringMissing(path: string, query: Record<string, string | number> = {}): Promise<void> {
    try {
      await this.rest.request('DELETE', path, { query });
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /**
   * Replaces, never merges: a policy of the snapshot that exists is PUT with the current resourceVersion
   * (so labels, annotations and spec become exactly the snapshot's), a missing one is created, any other
   * policy of the namespace is deleted. A conflict (someone wrote in between) starts the pass again.
   */
  async restorePolicies(namespace: string, snapshot: NetworkPolicy[]): Promise<void> {
    const wanted = new Map(snapshot.map((p) => [p.metadata.name, policyBody(p, namespace)]));
    if (wanted.size !== snapshot.length) throw new Error(`the snapshot of namespace "${namespace}" names a policy twice`);
    await this.restoreCollection(
      policiesPath(namespace),
      wanted,
      (live) => cleanPolicy(live, namespace),
      `NetworkPolicies of namespace "${namespace}"`,
    );
  }

  /**
   * Makes the collection at `base` hold exactly the `wanted` objects (clean bodies, by name): an object that exists
   * and differs from its `clean` read is PUT with the current resourceVersion, a missing one is created, any other
   * is deleted. A conflict (someone wrote in between) starts the pass again.
   */
  private async restoreCollection(
    base: string,
    wanted: ReadonlyMap<string, { metadata: Record<string, unknown> }>,
    clean: (live: KubeObject) => unknown,
    what: string,
  ): Promise<void> {
    const write = { fieldManager: this.fieldManager };
    for (let attempt = 1; attempt <= 5; attempt++) {
      try {
        const current = new Map((await this.listAll(base)).map((item) => [item.metadata.name, item]));
        for (const name of current.keys()) if (!wanted.has(name)) await this.deleteIgnoringMissing(`${base}/${enc(name)}`);
        for (const [name, body] of wanted) {
          const live = current.get(name);
          if (!live) {
            await this.rest.request('POST', base, { query: write, body });
            continue;
          }
          if (JSON.stringify(clean(live)) === JSON.stringify(body)) continue;
          const metadata = canonical({ ...body.metadata, resourceVersion: live.metadata.resourceVersion });
          await this.rest.request('PUT', `${base}/${enc(name)}`, { query: write, body: { ...body, metadata } });
        }
        const after = (await this.listAll(base)).map((item) => item.metadata.name).sort();
        if (JSON.stringify(after) === JSON.stringify([...wanted.keys()].sort())) return;
      } catch (error) {
        // 409: changed or created under us; 404: deleted under us. Read again and redo the pass.
        if (!(isConflict(error) || isNotFound(error)) || attempt === 5) throw error;
      }
    }
    throw new KubernetesApiError(`could not restore the ${what}: they kept changing during the restore`);
  }

  /** The pods of one namespace with the workload each belongs to (ReplicaSet -> Deployment, Job -> CronJob), probe pods left out. */
  private async workloadPods(namespace: string): Promise<Array<{ raw: Pod; workload: string }>> {
    const [pods, replicaSets, jobs] = await Promise.all([
      this.listAll<Pod>(podsPath(namespace), { labelSelector: `!${PROBE_LABEL}` }),
      this.listAll(`/apis/apps/v1/namespaces/${enc(namespace)}/replicasets`),
      this.listAll(`/apis/batch/v1/namespaces/${enc(namespace)}/jobs`),
    ]);
    const items = [
      ...pods.map((p) => ({ apiVersion: 'v1', kind: 'Pod', ...p })),
      ...replicaSets.map((r) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', ...r })),
      ...jobs.map((j) => ({ apiVersion: 'batch/v1', kind: 'Job', ...j })),
    ];
    const inventory = buildInventory(snapshotFromDocuments([{ apiVersion: 'v1', kind: 'List', items }]));
    const byName = new Map(pods.map((p) => [p.metadata.name, p]));
    return inventory.pods.flatMap((p) => {
      const raw = p.synthetic ? undefined : byName.get(p.name);
      return raw ? [{ raw, workload: p.workload.name }] : [];
    });
  }

  private async resolveTarget(probe: ConnectivityProbe): Promise<ResolvedTarget | ConnectivityResult> {
    const to = probe.to;
    if (to.kind === 'ip') return { kind: 'ip', ip: to.ip };
    if (to.kind === 'dns') return { kind: 'dns', name: to.name };
    const ready = (await this.workloadPods(to.namespace)).filter((p) => p.workload === to.name && isReady(p.raw));
    const [first] = ready.sort((a, b) => (a.raw.metadata.name < b.raw.metadata.name ? -1 : 1));
    if (!first) return { connected: false, error: true, detail: `no ready pod of ${to.namespace}/${to.name} to probe` };
    return { kind: 'ip', ip: first.raw.status?.podIP as string };
  }

  /** Runs a batch's probe pods, `probeConcurrency` at a time; each probe's result lands in its own slot. */
  async probe(probes: readonly ConnectivityProbe[]): Promise<ConnectivityResult[]> {
    const results: ConnectivityResult[] = new Array(probes.length);
    let next = 0;
    const lane = async () => {
      for (let i = next++; i < probes.length; i = next++) results[i] = await this.probeOne(probes[i]!);
    };
    await Promise.all(Array.from({ length: Math.min(this.probeConcurrency, probes.length) }, lane));
    return results;
  }

  private async probeOne(probe: ConnectivityProbe): Promise<ConnectivityResult> {
    try {
      return await this.runProbe(probe);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { connected: false, error: true, detail: `probe ${probe.id} could not run: ${this.rest.redact(message)}` };
    }
  }

  private async runProbe(probe: ConnectivityProbe): Promise<ConnectivityResult> {
    if (probe.protocol === 'SCTP')
      return { connected: false, error: true, detail: 'SCTP probes are not supported (the probe pod has no SCTP client)' };
    const { namespace, workload } = probe.from;
    const sources = (await this.workloadPods(namespace)).filter((p) => p.workload === workload);
    // Any pod gives the workload's labels; a running one is the most current.
    const source = sources.find((p) => isLive(p.raw)) ?? sources[0];
    if (!source) return { connected: false, error: true, detail: `no pod of ${namespace}/${workload} to probe from` };
    const target = await this.resolveTarget(probe);
    if ('connected' in target) return target;

    const namespaceUid = this.ownByNamespace
      ? (await this.rest.request<KubeObject>('GET', `/api/v1/namespaces/${enc(namespace)}`)).metadata.uid
      : undefined;
    const budgetMs = this.probeStartTimeoutMs + probe.timeoutMs;
    const manifest = probePodManifest({
      request: probe,
      target,
      labels: { ...(source.raw.metadata.labels ?? {}) },
      image: this.probeImage,
      namespaceUid,
      activeDeadlineSeconds: Math.ceil(budgetMs / 1000) + 30,
    });
    const name = probePodName(probe.id);
    const path = `${podsPath(namespace)}/${enc(name)}`;
    const deadline = this.now() + budgetMs;
    const specHash = manifest.metadata.annotations?.[PROBE_SPEC_ANNOTATION];
    const sameProbe = (pod: Pod) => !pod.metadata.deletionTimestamp && pod.metadata.annotations?.[PROBE_SPEC_ANNOTATION] === specHash;

    // A pod of an earlier run of this probe is reused; one of another spec (or being deleted) goes first.
    let existing = await this.getPod(path);
    if (existing && !sameProbe(existing)) {
      await this.deletePod(path);
      if (!(await this.waitGone(path, deadline)))
        return { connected: false, error: true, detail: `an earlier probe pod ${namespace}/${name} is still being deleted` };
      existing = undefined;
    }
    try {
      if (!existing) {
        try {
          await this.rest.request('POST', podsPath(namespace), { query: { fieldManager: this.fieldManager }, body: manifest });
        } catch (error) {
          if (!isConflict(error)) throw error;
          const other = await this.getPod(path);
          if (!other || !sameProbe(other)) throw error;
        }
      }
      let waiting = 'not started';
      while (this.now() < deadline) {
        const pod = await this.getPod(path);
        if (!pod) return { connected: false, error: true, detail: `probe pod ${namespace}/${name} disappeared before it finished` };
        const state = readProbePod(pod, probe, target);
        if (state.done) return state.outcome;
        waiting = state.waiting ?? waiting;
        await this.sleep(this.pollIntervalMs);
      }
      return {
        connected: false,
        error: true,
        detail: `timed out after ${budgetMs} ms waiting for probe pod ${namespace}/${name} to finish (last state: ${waiting})`,
      };
    } finally {
      await this.deletePod(path).catch(() => undefined); // cleanupProbePods() sweeps what a failure here leaves
    }
  }

  private async getPod(path: string): Promise<Pod | undefined> {
    try {
      return await this.rest.request<Pod>('GET', path);
    } catch (error) {
      if (isNotFound(error)) return undefined;
      throw error;
    }
  }

  private deletePod(path: string): Promise<void> {
    return this.deleteIgnoringMissing(path, { gracePeriodSeconds: 0, propagationPolicy: 'Background' });
  }

  private async waitGone(path: string, deadline: number): Promise<boolean> {
    while (this.now() < deadline) {
      if (!(await this.getPod(path))) return true;
      await this.sleep(this.pollIntervalMs);
    }
    return false;
  }

  /** Deletes the probe pods (in every namespace) created more than `olderThanMs` ago; returns their `namespace/name`. */
  async cleanupProbePods(olderThanMs: number): Promise<string[]> {
    const cutoff = this.now() - olderThanMs;
    const pods = await this.listAll('/api/v1/pods', { labelSelector: PROBE_LABEL });
    const deleted: string[] = [];
    for (const pod of pods) {
      const created = Date.parse(pod.metadata.creationTimestamp ?? '');
      if (Number.isFinite(created) && created > cutoff) continue;
      await this.deletePod(`${podsPath(pod.metadata.namespace ?? 'default')}/${enc(pod.metadata.name)}`);
      deleted.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    return deleted;
  }
}

/** Where the cluster serves a policy's kind; refuses a kind it does not serve (its CRD is not installed). */
function servedResource(served: readonly ClusterPolicyResource[], policy: SnapshotClusterPolicy): ClusterPolicyResource {
  const resource = served.find((r) => r.kind === policy.kind);
  if (!resource)
    throw new KubernetesApiError(`the cluster does not serve ${policy.kind} (policy.networking.k8s.io): its CRD is not installed`);
  return resource;
}

/** Checks that a cluster-scoped policy to write has a name and a kind Bulkhead knows, and returns its clean body. */
function clusterPolicyBody(policy: SnapshotClusterPolicy): SnapshotClusterPolicy {
  const resource = CLUSTER_POLICY_RESOURCES.find((r) => r.kind === policy?.kind);
  if (!resource) throw new Error(`not a cluster-scoped policy kind: ${String(policy?.kind)}`);
  const name = policy.metadata?.name;
  if (typeof name !== 'string' || name === '') throw new Error(`a ${policy.kind} has no metadata.name`);
  return cleanClusterPolicy(policy, resource);
}
