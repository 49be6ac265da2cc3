/** Every API address the dashboard calls, in one place: ids are escaped here and nowhere else. */
const e = encodeURIComponent;

export const paths = {
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  users: '/api/v1/users',
  userDisable: (id: string) => `/api/v1/users/${e(id)}/disable`,
  clusters: '/api/v1/clusters',
  cluster: (id: string) => `/api/v1/clusters/${e(id)}`,
  namespaces: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/namespaces`,
  workloads: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/workloads`,
  edges: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/edges`,
  edgeReview: (clusterId: string, edgeId: string, verdict: 'confirm' | 'reject') => `/api/v1/clusters/${e(clusterId)}/edges/${e(edgeId)}/${verdict}`,
  flowImports: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/flow-imports`,
  flowUpload: (clusterId: string, fileName: string) => `/api/v1/clusters/${e(clusterId)}/flow-imports?fileName=${e(fileName)}`,
  flowImport: (id: string) => `/api/v1/flow-imports/${e(id)}`,
  plans: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/plans`,
  plan: (id: string) => `/api/v1/plans/${e(id)}`,
  planYaml: (id: string, namespace?: string) => `/api/v1/plans/${e(id)}/yaml${namespace ? `?namespace=${e(namespace)}` : ''}`,
  planDiff: (id: string, against: string) => `/api/v1/plans/${e(id)}/diff?against=${e(against)}`,
  rollouts: (clusterId?: string) => `/api/v1/rollouts${clusterId ? `?clusterId=${e(clusterId)}` : ''}`,
  rollout: (id: string) => `/api/v1/rollouts/${e(id)}`,
  rolloutEvents: (id: string) => `/api/v1/rollouts/${e(id)}/events`,
  rolloutAction: (id: string, action: 'start' | 'pause' | 'resume' | 'abort' | 'rollback' | 'approve' | 'reject') => `/api/v1/rollouts/${e(id)}/${action}`,
  approvals: '/api/v1/approvals',
  audit: (query: Record<string, string | undefined>) => {
    const q = new URLSearchParams(Object.entries(query).filter((kv): kv is [string, string] => !!kv[1]));
    return `/api/v1/audit${q.size ? `?${q}` : ''}`;
  },
};
