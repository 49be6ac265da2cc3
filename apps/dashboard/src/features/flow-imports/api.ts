import type { FlowImportView } from '@bulkhead/contracts';
import { api } from '../../api/client';
import { paths } from '../../api/paths';

export const fetchImports = (clusterId: string, signal?: AbortSignal) => api.get<FlowImportView[]>(paths.flowImports(clusterId), signal);
export const fetchImport = (id: string, signal?: AbortSignal) => api.get<FlowImportView>(paths.flowImport(id), signal);
export const uploadFlows = (clusterId: string, file: File, onProgress: (sent: number, total: number) => void) => api.upload<FlowImportView>(paths.flowUpload(clusterId, file.name), file, onProgress);
