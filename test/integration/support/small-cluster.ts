import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** A file of test/fixtures, as text. */
export const fixture = (name: string) => readFileSync(join(__dirname, '..', '..', 'fixtures', name), 'utf8');

/** The small cluster (web, api and db, one legacy policy in db), with the cluster DNS its pods resolve names through. */
export const SMALL_CLUSTER_WITH_DNS = `${fixture('small-snapshot.yaml')}
---
apiVersion: v1
kind: Pod
metadata:
  name: coredns-5d78c9869d-abcde
  namespace: kube-system
  labels: { k8s-app: kube-dns, pod-template-hash: 5d78c9869d }
  ownerReferences: [{ apiVersion: apps/v1, kind: ReplicaSet, name: coredns-5d78c9869d, controller: true }]
spec: { containers: [{ name: coredns, ports: [{ name: dns, containerPort: 53, protocol: UDP }, { name: dns-tcp, containerPort: 53 }] }] }
status: { phase: Running, podIP: 10.244.0.10 }
`;
