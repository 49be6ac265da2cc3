/** Every API address the dashboard calls, in one place: ids are escaped here and nowhere else. */
const e = encodeURIComponent;

export const paths = {
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  me: '/api/v1/auth/me',
  users: '/api/v1/users',
  clusters: '/api/v1/clusters',
  cluster: (id: string) => `/api/v1/clusters/${e(id)}`,
  namespaces: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/namespaces`,
  workloads: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/workloads`,
  edges: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/edges`,
  edgeReview: (clusterId: string, edgeId: string, verdict: 'confirm' | 'reject') => `/api/v1/clusters/${e(clusterId)}/edges/${e(edgeId)}/${verdict}`,
  flowImports: (clusterId: string) => `/api/v1/clusters/${e(clusterId)}/flow-imports`,
  flowUpload: (clusterId: string, fileName: string) => `/api/v1/clusters/${e(clusterId)}/flow-imports?fileName=${e(fileName)}`,
  flowImport: (id: string) => `/api/v1/flow-imports/${e(id)}`,
};
