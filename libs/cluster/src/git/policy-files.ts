import { DocumentError, parseYamlDocuments } from '@bulkhead/documents';
import type { NetworkPolicy } from '@bulkhead/netpol';
import { renderYaml } from '@bulkhead/plan';
import { policyBody } from '../kubernetes/policies';

/**
 * How a namespace's policies lie in the repository: one folder per namespace under the delivery's
 * path, one file per policy named after it, as `kubectl apply -f` (and so Argo CD and Flux) reads them.
 */

const POLICY_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** `<path>/<namespace>`: the folder of one namespace's policies. */
export const namespaceFolder = (path: string, namespace: string): string => `${path}/${namespace}`;

/**
 * The files of a namespace's policies, by their path in the repository: `<folder>/<name>.yaml`, each one
 * policy with its namespace set, server-managed metadata dropped and keys sorted, so that the same
 * policies always give the same bytes (and the same commit tree).
 */
export function policyFiles(folder: string, namespace: string, policies: readonly NetworkPolicy[]): Map<string, string> {
  const files = new Map<string, string>();
  for (const policy of policies) {
    const body = policyBody(policy, namespace);
    const name = body.metadata.name;
    if (!POLICY_NAME.test(name) || name.length > 253) throw new Error(`NetworkPolicy "${name}" has no valid Kubernetes name`);
    const path = `${folder}/${name}.yaml`;
    if (files.has(path)) throw new Error(`two NetworkPolicies named "${name}" for namespace ${namespace}`);
    files.set(path, renderYaml([body]));
  }
  return files;
}

/**
 * The policies a file holds when it is one Bulkhead may replace: a `.yaml` or `.yml` file whose every
 * document is a NetworkPolicy. Any other file (a kustomization.yaml, a README, a Deployment) is null:
 * left as it is.
 */
export function policiesOfFile(path: string, text: string): NetworkPolicy[] | null {
  if (!/\.ya?ml$/.test(path)) return null;
  let documents: unknown[];
  try {
    documents = parseYamlDocuments(text).filter((d) => d !== null);
  } catch (error) {
    if (error instanceof DocumentError) return null;
    throw error;
  }
  const isPolicy = (d: unknown): d is NetworkPolicy =>
    typeof d === 'object' && d !== null && (d as { kind?: unknown }).kind === 'NetworkPolicy' && 'metadata' in d;
  return documents.length > 0 && documents.every(isPolicy) ? documents : null;
}

/** A file of the folder Bulkhead may replace: its path, its text, and the policies it holds. */
export interface PolicyFile {
  path: string;
  text: string;
  policies: NetworkPolicy[];
}

/**
 * The change that makes a folder hold exactly the `desired` policies, touching as little as it can: a
 * file Bulkhead may replace stays as it is when every policy in it is desired exactly so (hand-written
 * files keep their names, and the same policies give the same tree); every other one goes, and each
 * desired policy not in a file that stays gets a file of its own.
 */
export function arrangeFolder(
  folder: string,
  namespace: string,
  owned: readonly PolicyFile[],
  desired: readonly NetworkPolicy[],
): { write: Map<string, string>; remove: string[] } {
  const wanted = policyFiles(folder, namespace, desired);
  const pathOf = (p: NetworkPolicy) => `${folder}/${p.metadata.name}.yaml`;
  const exactly = (p: NetworkPolicy) => {
    const text = wanted.get(pathOf(p));
    if (text === undefined) return false;
    try {
      return text === policyFiles(folder, namespace, [p]).get(pathOf(p));
    } catch {
      return false; // a policy of the folder that names another namespace, say: its file is rewritten
    }
  };
  const candidates = owned.filter((file) => file.policies.every(exactly));
  // A policy stays in one file only, and a file that stays may not lie where a policy outside it must go:
  // such a file is set aside and the others are looked at again, until none is in the way.
  const inTheWay = new Set<PolicyFile>();
  let kept: PolicyFile[];
  for (;;) {
    const placed = new Set<string>();
    kept = candidates.filter((file) => {
      if (inTheWay.has(file) || file.policies.some((p) => placed.has(p.metadata.name))) return false;
      for (const p of file.policies) placed.add(p.metadata.name);
      return true;
    });
    const toWrite = new Set(desired.filter((p) => !placed.has(p.metadata.name)).map(pathOf));
    const clashing = kept.filter((file) => toWrite.has(file.path));
    if (clashing.length === 0) break;
    for (const file of clashing) inTheWay.add(file);
  }
  const keptNames = new Set(kept.flatMap((file) => file.policies.map((p) => p.metadata.name)));
  const keptPaths = new Set(kept.map((file) => file.path));
  const written = new Set(desired.filter((p) => !keptNames.has(p.metadata.name)).map(pathOf));
  const write = new Map([...wanted].filter(([path]) => written.has(path)));
  const remove = owned.map((file) => file.path).filter((path) => !keptPaths.has(path) && !write.has(path));
  return { write, remove };
}
