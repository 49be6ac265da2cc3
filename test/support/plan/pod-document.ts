// For the specs only: a running pod, as `kubectl get pods -o json` lists one.
export const pod = (
  namespace: string,
  name: string,
  labels: Record<string, string>,
  ports: { containerPort: number; protocol?: string; name?: string }[],
  ip: string,
) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace, name, labels },
  spec: { containers: [{ name: 'c', ports }] },
  status: { phase: 'Running', podIP: ip },
});
