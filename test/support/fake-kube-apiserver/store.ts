import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

/**
 * The fake API server's objects: one resourceVersion counter for all (as etcd has), uids, generations,
 * the API server's NetworkPolicy defaulting, and a small model of server-side apply field ownership
 * (top-level spec fields, and each label and annotation key) with managedFields rendered from it.
 */

export type Json = Record<string, any>;

export interface ResourceType {
  resource: string;
  kind: string;
  apiVersion: string;
  /** URL prefix: /api/v1 or /apis/<group>/<version>. */
  prefix: string;
  namespaced: boolean;
}

export const NAMESPACE_TYPE: ResourceType = {
  resource: 'namespaces',
  kind: 'Namespace',
  apiVersion: 'v1',
  prefix: '/api/v1',
  namespaced: false,
};
export const POD_TYPE: ResourceType = { resource: 'pods', kind: 'Pod', apiVersion: 'v1', prefix: '/api/v1', namespaced: true };

/** The cluster-scoped policies of network-policy-api (served only when the server is started with their CRDs). */
export const CLUSTER_POLICY_TYPES: ResourceType[] = [
  {
    resource: 'clusternetworkpolicies',
    kind: 'ClusterNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha2',
    prefix: '/apis/policy.networking.k8s.io/v1alpha2',
    namespaced: false,
  },
  {
    resource: 'adminnetworkpolicies',
    kind: 'AdminNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    prefix: '/apis/policy.networking.k8s.io/v1alpha1',
    namespaced: false,
  },
  {
    resource: 'baselineadminnetworkpolicies',
    kind: 'BaselineAdminNetworkPolicy',
    apiVersion: 'policy.networking.k8s.io/v1alpha1',
    prefix: '/apis/policy.networking.k8s.io/v1alpha1',
    namespaced: false,
  },
];

export const RESOURCES: ResourceType[] = [
  NAMESPACE_TYPE,
  POD_TYPE,
  { resource: 'deployments', kind: 'Deployment', apiVersion: 'apps/v1', prefix: '/apis/apps/v1', namespaced: true },
  { resource: 'statefulsets', kind: 'StatefulSet', apiVersion: 'apps/v1', prefix: '/apis/apps/v1', namespaced: true },
  { resource: 'daemonsets', kind: 'DaemonSet', apiVersion: 'apps/v1', prefix: '/apis/apps/v1', namespaced: true },
  { resource: 'replicasets', kind: 'ReplicaSet', apiVersion: 'apps/v1', prefix: '/apis/apps/v1', namespaced: true },
  { resource: 'jobs', kind: 'Job', apiVersion: 'batch/v1', prefix: '/apis/batch/v1', namespaced: true },
  { resource: 'cronjobs', kind: 'CronJob', apiVersion: 'batch/v1', prefix: '/apis/batch/v1', namespaced: true },
  {
    resource: 'networkpolicies',
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    prefix: '/apis/networking.k8s.io/v1',
    namespaced: true,
  },
  { resource: 'nodes', kind: 'Node', apiVersion: 'v1', prefix: '/api/v1', namespaced: false },
  ...CLUSTER_POLICY_TYPES,
];

/** An API error, answered as a Status object. */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

/** Field paths a manager can own: `spec.<field>`, `metadata.labels.<key>`, `metadata.annotations.<key>`. */
function fieldPaths(object: Json): string[] {
  const paths: string[] = [];
  for (const key of Object.keys(object.spec ?? {})) paths.push(`spec.${key}`);
  for (const key of Object.keys(object.metadata?.labels ?? {})) paths.push(`metadata.labels.${key}`);
  for (const key of Object.keys(object.metadata?.annotations ?? {})) paths.push(`metadata.annotations.${key}`);
  return paths;
}

/** A field path's parts: `spec` and the field, or `metadata`, the map (labels or annotations) and the key's parts. */
function pathParts(path: string): [top: string, second: string, rest: string[]] {
  const [top, second, ...rest] = path.split('.');
  if (top === undefined || second === undefined) throw new Error(`not a field path: ${path}`);
  return [top, second, rest];
}

function getPath(object: Json, path: string): unknown {
  const [top, second, rest] = pathParts(path);
  if (top === 'spec') return object.spec?.[[second, ...rest].join('.')];
  return object.metadata?.[second]?.[rest.join('.')];
}

function setPath(object: Json, path: string, value: unknown): void {
  const [top, second, rest] = pathParts(path);
  if (top === 'spec') {
    object.spec = object.spec ?? {};
    if (value === undefined) delete object.spec[[second, ...rest].join('.')];
    else object.spec[[second, ...rest].join('.')] = clone(value);
    return;
  }
  object.metadata = object.metadata ?? {};
  const map = (object.metadata[second] = object.metadata[second] ?? {});
  if (value === undefined) delete map[rest.join('.')];
  else map[rest.join('.')] = value;
  if (Object.keys(map).length === 0) delete object.metadata[second];
}

/** What the API server defaults in a NetworkPolicy: policyTypes, and TCP on every port. */
export function defaultNetworkPolicy(object: Json): void {
  const spec = (object.spec = object.spec ?? {});
  spec.podSelector = spec.podSelector ?? {};
  for (const rule of [...(spec.ingress ?? []), ...(spec.egress ?? [])]) {
    for (const port of rule?.ports ?? []) if (port && port.protocol === undefined) port.protocol = 'TCP';
  }
  if (!spec.policyTypes || spec.policyTypes.length === 0)
    spec.policyTypes = spec.egress && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

interface Managers {
  [manager: string]: { operation: 'Apply' | 'Update'; paths: Set<string>; time: string };
}

export class Store {
  private version = 1000;
  private readonly objects = new Map<string, Json>();
  private readonly managers = new Map<string, Managers>();

  constructor(
    /** Admission: throws a StatusError (422) for an object the API server would refuse. Runs on the final object of every write. */
    private readonly validate: (type: ResourceType, object: Json) => void = () => undefined,
    private readonly now: () => number = () => Date.now(),
  ) {}

  get resourceVersion(): string {
    return String(this.version);
  }

  private key(type: ResourceType, namespace: string | undefined, name: string): string {
    return `${type.resource}/${type.namespaced ? namespace : ''}/${name}`;
  }

  private stamp(): string {
    return new Date(this.now()).toISOString().replace(/\.\d+Z$/, 'Z');
  }

  /** The object as the server answers it: with apiVersion, kind and managedFields. */
  private render(type: ResourceType, key: string, object: Json): Json {
    const out = clone(object);
    const managers = this.managers.get(key);
    if (managers && Object.keys(managers).length > 0) {
      out.metadata.managedFields = Object.entries(managers).map(([manager, m]) => ({
        manager,
        operation: m.operation,
        apiVersion: type.apiVersion,
        time: m.time,
        fieldsType: 'FieldsV1',
        fieldsV1: Object.fromEntries([...m.paths].sort().map((p) => [`f:${p}`, {}])),
      }));
    }
    return { apiVersion: type.apiVersion, kind: type.kind, ...out };
  }

  find(type: ResourceType, namespace: string | undefined, name: string): Json | undefined {
    const key = this.key(type, namespace, name);
    const object = this.objects.get(key);
    return object ? this.render(type, key, object) : undefined;
  }

  list(type: ResourceType, namespace?: string): Json[] {
    const out: Json[] = [];
    for (const [key, object] of this.objects) {
      if (!key.startsWith(`${type.resource}/`)) continue;
      if (namespace !== undefined && object.metadata.namespace !== namespace) continue;
      out.push(this.render(type, key, object));
    }
    return out.sort((a, b) => `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`));
  }

  get(type: ResourceType, namespace: string | undefined, name: string): Json {
    const found = this.find(type, namespace, name);
    if (!found) throw new StatusError(404, 'NotFound', `${type.resource} "${name}" not found`);
    return found;
  }

  private ensureNamespace(type: ResourceType, namespace: string | undefined): void {
    if (type.namespaced && !this.objects.has(this.key(NAMESPACE_TYPE, undefined, namespace ?? ''))) {
      throw new StatusError(404, 'NotFound', `namespaces "${namespace}" not found`);
    }
  }

  private stored(type: ResourceType, namespace: string | undefined, body: Json, defaults = true): Json {
    const object = clone(body);
    delete object.apiVersion;
    delete object.kind;
    delete object.status;
    object.metadata = { ...(object.metadata ?? {}) };
    delete object.metadata.managedFields;
    if (type.namespaced) object.metadata.namespace = namespace;
    if (type.kind === 'NetworkPolicy' && defaults) defaultNetworkPolicy(object);
    if (type.kind === 'Namespace')
      object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name };
    return object;
  }

  /** Seeds or creates an object (POST). A seed may carry its uid and creationTimestamp; the driver never sends them. */
  create(type: ResourceType, namespace: string | undefined, body: Json, manager?: string, status?: Json): Json {
    const name = body?.metadata?.name;
    if (typeof name !== 'string' || name === '') throw new StatusError(422, 'Invalid', `${type.kind} "": metadata.name: Required value`);
    if (type.namespaced && body.metadata.namespace !== undefined && body.metadata.namespace !== namespace) {
      throw new StatusError(400, 'BadRequest', 'the namespace of the provided object does not match the namespace sent on the request');
    }
    this.ensureNamespace(type, namespace);
    const key = this.key(type, namespace, name);
    if (this.objects.has(key)) throw new StatusError(409, 'AlreadyExists', `${type.resource} "${name}" already exists`);
    const object = this.stored(type, namespace, body);
    this.validate(type, object);
    object.metadata.uid = body.metadata.uid ?? randomUUID();
    object.metadata.creationTimestamp = body.metadata.creationTimestamp ?? this.stamp();
    object.metadata.resourceVersion = String(++this.version);
    if (type.kind !== 'Pod' && type.kind !== 'Namespace') object.metadata.generation = 1;
    if (status !== undefined || body.status !== undefined) object.status = clone(status ?? body.status);
    this.objects.set(key, object);
    if (manager) this.managers.set(key, { [manager]: { operation: 'Update', paths: new Set(fieldPaths(object)), time: this.stamp() } });
    return this.render(type, key, object);
  }

  /** Stores a changed object: a new resourceVersion (and generation when the spec changed), none when nothing changed. */
  private commit(type: ResourceType, key: string, before: Json, after: Json): Json {
    if (!isDeepStrictEqual(before, after)) {
      after.metadata.resourceVersion = String(++this.version);
      if (!isDeepStrictEqual(before.spec, after.spec) && typeof before.metadata.generation === 'number')
        after.metadata.generation = before.metadata.generation + 1;
      this.objects.set(key, after);
    }
    return this.render(type, key, this.objects.get(key) as Json);
  }

  /** PUT: a replace, guarded by the resourceVersion the client read (when it sends one). */
  replace(type: ResourceType, namespace: string | undefined, name: string, body: Json, manager = 'unknown'): Json {
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw new StatusError(404, 'NotFound', `${type.resource} "${name}" not found`);
    if (body?.metadata?.name !== name)
      throw new StatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    // No resourceVersion is an unconditional update (NetworkPolicy and Pod allow it); a stale one is a conflict.
    const expected = body.metadata.resourceVersion;
    if (expected !== undefined && expected !== '' && expected !== current.metadata.resourceVersion) {
      throw new StatusError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on ${type.resource} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      );
    }
    const next = this.stored(type, namespace, body);
    this.validate(type, next);
    for (const field of ['uid', 'creationTimestamp', 'generation', 'resourceVersion']) next.metadata[field] = current.metadata[field];
    if (current.status !== undefined) next.status = current.status;
    // The writer owns what it changed; a field gone is owned by nobody.
    const managers = this.managers.get(key) ?? {};
    const present = new Set(fieldPaths(next));
    const changed = [...present].filter((p) => !isDeepStrictEqual(getPath(current, p), getPath(next, p)));
    for (const m of Object.values(managers)) for (const p of [...m.paths]) if (!present.has(p) || changed.includes(p)) m.paths.delete(p);
    if (changed.length > 0) {
      const mine = managers[manager] ?? { operation: 'Update' as const, paths: new Set<string>(), time: this.stamp() };
      changed.forEach((p) => mine.paths.add(p));
      managers[manager] = { ...mine, time: this.stamp() };
    }
    this.managers.set(key, Object.fromEntries(Object.entries(managers).filter(([, m]) => m.paths.size > 0)));
    return this.commit(type, key, current, next);
  }

  /** Server-side apply (application/apply-patch+yaml): creates, or merges what the manager owns, with conflicts unless forced. */
  apply(
    type: ResourceType,
    namespace: string | undefined,
    name: string,
    applied: Json,
    manager: string,
    force: boolean,
  ): { object: Json; created: boolean } {
    if (applied?.apiVersion !== type.apiVersion || applied?.kind !== type.kind) {
      throw new StatusError(400, 'BadRequest', `apply patch needs apiVersion "${type.apiVersion}" and kind "${type.kind}"`);
    }
    if (applied.metadata?.name !== name)
      throw new StatusError(400, 'BadRequest', 'the name of the object does not match the name on the URL');
    if (applied.metadata?.managedFields !== undefined) throw new StatusError(400, 'BadRequest', 'metadata.managedFields must be nil');
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    // The applier owns the fields it sent; the server's defaults are owned by nobody.
    const intent = this.stored(type, namespace, applied, false);
    const paths = fieldPaths(intent);
    if (!current) {
      this.create(type, namespace, intent);
      this.managers.set(key, { [manager]: { operation: 'Apply', paths: new Set(paths), time: this.stamp() } });
      return { object: this.render(type, key, this.objects.get(key) as Json), created: true };
    }
    if (applied.metadata.resourceVersion !== undefined && applied.metadata.resourceVersion !== current.metadata.resourceVersion) {
      throw new StatusError(409, 'Conflict', `Operation cannot be fulfilled on ${type.resource} "${name}": the object has been modified`);
    }
    const managers = this.managers.get(key) ?? {};
    const conflicts: string[] = [];
    for (const [other, m] of Object.entries(managers)) {
      if (other === manager) continue;
      for (const p of paths)
        if (m.paths.has(p) && !isDeepStrictEqual(getPath(current, p), getPath(intent, p)))
          conflicts.push(`conflict with "${other}": .${p}`);
    }
    if (conflicts.length > 0 && !force)
      throw new StatusError(409, 'Conflict', `Apply failed with ${conflicts.length} conflict(s): ${conflicts.join(', ')}`);
    const next = clone(current);
    const previous = managers[manager]?.paths ?? new Set<string>();
    const ownedByOthers = (p: string) => Object.entries(managers).some(([other, m]) => other !== manager && m.paths.has(p));
    for (const p of previous) if (!paths.includes(p) && !ownedByOthers(p)) setPath(next, p, undefined);
    for (const p of paths) setPath(next, p, getPath(intent, p));
    if (type.kind === 'NetworkPolicy') defaultNetworkPolicy(next);
    this.validate(type, next);
    if (force) for (const [other, m] of Object.entries(managers)) if (other !== manager) for (const p of paths) m.paths.delete(p);
    managers[manager] = { operation: 'Apply', paths: new Set(paths), time: managers[manager]?.time ?? this.stamp() };
    if (!isDeepStrictEqual(current, next)) managers[manager].time = this.stamp();
    this.managers.set(key, Object.fromEntries(Object.entries(managers).filter(([, m]) => m.paths.size > 0)));
    return { object: this.commit(type, key, current, next), created: false };
  }

  /** Changes an object's status (the kubelet's job), with a new resourceVersion. */
  setStatus(type: ResourceType, namespace: string, name: string, status: Json): void {
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) return;
    this.objects.set(key, {
      ...current,
      status: clone(status),
      metadata: { ...current.metadata, resourceVersion: String(++this.version) },
    });
  }

  delete(type: ResourceType, namespace: string | undefined, name: string): Json {
    const key = this.key(type, namespace, name);
    const current = this.objects.get(key);
    if (!current) throw new StatusError(404, 'NotFound', `${type.resource} "${name}" not found`);
    const rendered = this.render(type, key, current);
    this.objects.delete(key);
    this.managers.delete(key);
    this.version++;
    return rendered;
  }
}
