import { routes } from '@bulkhead/contracts';
import { api, upload } from '../../api/client';

export const fetchImports = (clusterId: string, cursor: string | undefined, signal?: AbortSignal) =>
  api.call(routes.listFlowImports, { params: { clusterId }, query: { cursor }, signal });
export const fetchImport = (importId: string, signal?: AbortSignal) => api.call(routes.getFlowImport, { params: { importId }, signal });
export const uploadFlows = (clusterId: string, file: File, onProgress: (sent: number, total: number) => void) =>
  upload(routes.uploadFlows, { params: { clusterId }, query: { fileName: file.name } }, file, onProgress);
