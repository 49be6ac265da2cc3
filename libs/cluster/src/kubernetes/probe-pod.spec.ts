import type { ConnectivityProbe } from '@bulkhead/rollout';
import type { Pod } from './kube-types';
import {
  NEVER_READY_GATE,
  PROBE_LABEL,
  PROBE_SPEC_ANNOTATION,
  probeCommand,
  probePodManifest,
  probePodName,
  readProbePod,
} from './probe-pod';

const request: ConnectivityProbe = {
  id: 'rollout-7/step-3/probe-12',
  attempt: 1,
  from: { namespace: 'web', workload: 'frontend' },
  to: { kind: 'ip', ip: '10.0.0.7' },
  port: 8080,
  protocol: 'TCP',
  timeoutMs: 2500,
};
const target = { kind: 'ip' as const, ip: '10.0.0.7' };
const manifest = (over: Partial<Parameters<typeof probePodManifest>[0]> = {}) =>
  probePodManifest({
    request,
    target,
    labels: { app: 'frontend' },
    image: 'busybox:1.36',
    namespaceUid: 'ns-uid',
    activeDeadlineSeconds: 90,
    ...over,
  }) as any;
const terminated = (exitCode: number, message?: string): Pod => ({
  metadata: { name: 'p' },
  status: {
    phase: exitCode === 0 ? 'Succeeded' : 'Failed',
    containerStatuses: [{ state: { terminated: { exitCode, ...(message ? { message } : {}) } } }],
  },
});

describe('probe pod', () => {
  it('is named from the probe id, the same every time, within 63 characters', () => {
    expect(probePodName(request.id)).toBe(probePodName(request.id));
    expect(probePodName(request.id)).not.toBe(probePodName('other'));
    expect(probePodName(request.id)).toMatch(/^bulkhead-probe-[0-9a-f]{20}$/);
  });

  it('carries the source labels plus the probe label, never becomes Ready, never restarts, and is owned by its namespace', () => {
    const pod = manifest();
    expect(pod.metadata.labels).toEqual({ app: 'frontend', [PROBE_LABEL]: probePodName(request.id).slice('bulkhead-probe-'.length) });
    expect(pod.metadata.namespace).toBe('web');
    expect(pod.spec.restartPolicy).toBe('Never');
    expect(pod.spec.readinessGates).toEqual([{ conditionType: NEVER_READY_GATE }]);
    expect(pod.metadata.ownerReferences).toEqual([{ apiVersion: 'v1', kind: 'Namespace', name: 'web', uid: 'ns-uid', controller: true }]);
    expect(pod.spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pod.spec.containers[0].securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      capabilities: { drop: ['ALL'] },
    });
  });

  it('has a spec hash that changes with the labels or the command, not with the deadline', () => {
    const hash = (m: any) => m.metadata.annotations[PROBE_SPEC_ANNOTATION];
    expect(hash(manifest({ activeDeadlineSeconds: 500 }))).toBe(hash(manifest()));
    expect(hash(manifest({ labels: { app: 'other' } }))).not.toBe(hash(manifest()));
    expect(hash(manifest({ target: { kind: 'ip', ip: '10.0.0.8' } }))).not.toBe(hash(manifest()));
  });

  it.each([
    [target, 'TCP', 2500, ['nc', '-z', '-w', '3', '10.0.0.7', '8080']],
    [target, 'UDP', 100, ['nc', '-u', '-z', '-w', '1', '10.0.0.7', '8080']],
    [{ kind: 'dns', name: 'api.shop.svc.cluster.local' }, 'UDP', 1000, ['nslookup', 'api.shop.svc.cluster.local']],
  ] as const)('runs %j over %s as a command whose exit code is the verdict', (t, protocol, timeoutMs, command) => {
    expect(probeCommand(t, 8080, protocol, timeoutMs)).toEqual(command);
  });

  it('reads the verdict from the terminated container, and says when it has none', () => {
    expect(readProbePod(terminated(0), request, target)).toEqual({
      done: true,
      outcome: { connected: true, detail: 'connected to 10.0.0.7:8080/TCP' },
    });
    expect(readProbePod(terminated(1, 'nc: 10.0.0.7 (10.0.0.7:8080): Connection refused\n'), request, target)).toEqual({
      done: true,
      outcome: {
        connected: false,
        detail: 'could not connect to 10.0.0.7:8080/TCP: nc: 10.0.0.7 (10.0.0.7:8080): Connection refused (exit 1)',
      },
    });
    expect(readProbePod(terminated(1), request, target)).toMatchObject({
      outcome: { connected: false, detail: expect.stringContaining('no connection within 2500 ms') },
    });
    expect(readProbePod({ metadata: { name: 'p' }, status: { phase: 'Failed', reason: 'DeadlineExceeded' } }, request, target)).toEqual({
      done: true,
      outcome: { connected: false, error: true, detail: 'probe pod ended Failed without a result (DeadlineExceeded)' },
    });
    expect(
      readProbePod(
        {
          metadata: { name: 'p' },
          status: { phase: 'Pending', containerStatuses: [{ state: { waiting: { reason: 'ImagePullBackOff' } } }] },
        },
        request,
        target,
      ),
    ).toEqual({
      done: false,
      waiting: 'ImagePullBackOff',
    });
  });

  it('says a UDP verdict is best effort', () => {
    expect(readProbePod(terminated(0), { ...request, protocol: 'UDP' }, target)).toMatchObject({
      outcome: { connected: true, detail: expect.stringContaining('best effort') },
    });
  });
});
