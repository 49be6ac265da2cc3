/** A realistic `kubectl get namespaces,pods,networkpolicies,deployments,services -A -o json` dump, end to end. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildEngine } from '../matrix/engine';
import { assertValidPolicies } from '../validation/validate';
import { buildInventory } from './inventory';
import { parseSnapshot } from './parse';

const text = readFileSync(join(__dirname, '../../../../test/fixtures/netpol/kubectl-snapshot.json'), 'utf8');

describe('a kubectl dump', () => {
  const inventory = buildInventory(parseSnapshot(text));

  test('gives the workloads, with their pod counts, labels and ports', () => {
    expect(inventory.workloads).toEqual([
      {
        namespace: 'kube-system',
        name: 'coredns',
        kind: 'Deployment',
        labels: { 'k8s-app': 'kube-dns', 'pod-template-hash': '668d6bf9bc' },
        ports: [
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'dns', port: 53, protocol: 'UDP' },
        ],
        podCount: 1,
      },
      {
        namespace: 'kube-system',
        name: 'kube-proxy',
        kind: 'DaemonSet',
        labels: { 'k8s-app': 'kube-proxy', 'controller-revision-hash': '7d5c8f6b9', 'pod-template-generation': '1' },
        ports: [],
        podCount: 1,
      },
      {
        namespace: 'shop',
        name: 'api',
        kind: 'Deployment',
        labels: { app: 'api', 'pod-template-hash': '7c9d8b6f5d' },
        ports: [
          { name: 'http', port: 8080, protocol: 'TCP' },
          { name: 'metrics', port: 9090, protocol: 'TCP' },
        ],
        podCount: 2,
      },
      { namespace: 'shop', name: 'debug', kind: 'Pod', labels: { run: 'debug' }, ports: [], podCount: 1 },
      {
        namespace: 'shop',
        name: 'postgres',
        kind: 'StatefulSet',
        labels: { app: 'postgres', 'apps.kubernetes.io/pod-index': '0', 'statefulset.kubernetes.io/pod-name': 'postgres-0' },
        ports: [{ name: 'postgres', port: 5432, protocol: 'TCP' }],
        podCount: 1,
      },
      {
        namespace: 'shop',
        name: 'report',
        kind: 'CronJob',
        labels: { app: 'report', 'batch.kubernetes.io/job-name': 'report-29400480', 'job-name': 'report-29400480' },
        ports: [],
        podCount: 1,
      },
      {
        namespace: 'shop',
        name: 'worker',
        kind: 'Deployment',
        labels: { app: 'worker' },
        ports: [{ name: 'queue', port: 7000, protocol: 'TCP' }],
        podCount: 1,
        fromTemplate: true,
      },
    ]);
  });

  test('gives the pods with their IPs, phase and workload', () => {
    expect(
      inventory.pods.map((p) => [`${p.namespace}/${p.name}`, p.ips.join(','), p.phase ?? '-', `${p.workload.kind}/${p.workload.name}`]),
    ).toEqual([
      ['kube-system/coredns-668d6bf9bc-5qv2n', '10.244.0.3', 'Running', 'Deployment/coredns'],
      ['kube-system/kube-proxy-x7t2m', '172.18.0.2', 'Running', 'DaemonSet/kube-proxy'],
      ['shop/api-7c9d8b6f5d-2xkqz', '10.244.1.12', 'Running', 'Deployment/api'],
      ['shop/api-7c9d8b6f5d-8mfvw', '10.244.2.7', 'Running', 'Deployment/api'],
      ['shop/debug', '', 'Pending', 'Pod/debug'],
      ['shop/postgres-0', '10.244.1.30', 'Running', 'StatefulSet/postgres'],
      ['shop/report-29400480-k8s2p', '10.244.2.19', 'Succeeded', 'CronJob/report'],
      ['shop/worker-template', '', '-', 'Deployment/worker'],
    ]);
  });

  test('its policies are valid and evaluate as written', () => {
    expect(() => assertValidPolicies(inventory.policies)).not.toThrow();
    const engine = buildEngine(inventory);
    const pod = (name: string) => ({ pod: inventory.pods.find((p) => p.name === name)! });
    const allowed = (from: string, to: string | { ip: string }, port: number, protocol: 'TCP' | 'UDP' = 'TCP') =>
      engine.evaluate({ from: pod(from), to: typeof to === 'string' ? pod(to) : to, port, protocol }).allowed;
    expect(allowed('api-7c9d8b6f5d-2xkqz', 'postgres-0', 5432)).toBe(true);
    expect(allowed('debug', 'postgres-0', 5432)).toBe(false);
    expect(allowed('worker-template', 'coredns-668d6bf9bc-5qv2n', 53, 'UDP')).toBe(true);
    expect(allowed('worker-template', 'coredns-668d6bf9bc-5qv2n', 53, 'TCP')).toBe(true);
    expect(allowed('api-7c9d8b6f5d-2xkqz', { ip: '1.1.1.1' }, 443)).toBe(false);
    expect(allowed('coredns-668d6bf9bc-5qv2n', { ip: '1.1.1.1' }, 53, 'UDP')).toBe(true);
    // kube-proxy runs with hostNetwork: its address is the node's, so it is not the pod.
    expect(engine.podOf({ ip: '172.18.0.2' })).toBeUndefined();
    expect(engine.podOf({ ip: '10.244.1.30' })?.name).toBe('postgres-0');
  });
});
