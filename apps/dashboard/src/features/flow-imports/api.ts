import { type FlowImportView, routes } from '@bulkhead/contracts';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { api, upload } from '../../api/client';
import { type Pages, updatePagedItems, usePagedList } from '../../shared/pages';
import { flowImportKeys } from './keys';

const isLive = (i: FlowImportView) => i.status === 'queued' || i.status === 'running';

const LIVE_POLL_MS = 1000;

/** The cluster's flow imports, newest first, a page at a time, read again every second while one is queued or running. */
export const useFlowImports = (clusterId: string) =>
  usePagedList(
    flowImportKeys.pages(clusterId),
    (cursor, signal) => api.call(routes.listFlowImports, { params: { clusterId }, query: { cursor }, signal }),
    {
      refetchInterval: (pages: Pages<FlowImportView> | undefined) =>
        pages?.pages.some((page) => page.items.some(isLive)) ? LIVE_POLL_MS : false,
    },
  );

/**
 * Sends a flow file, reporting how much is sent. The new import heads the list at once (which then
 * polls it while it runs), and the map's count of imports is read again.
 */
export function useUploadFlows(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress }: { file: File; onProgress: (sent: number, total: number) => void }) =>
      upload(routes.uploadFlows, { params: { clusterId }, query: { fileName: file.name } }, file, onProgress),
    onSuccess: (view) => {
      updatePagedItems<FlowImportView>(queryClient, flowImportKeys.pages(clusterId), (items, pageIndex) => {
        const others = items.filter((i) => i.id !== view.id);
        return pageIndex === 0 ? [view, ...others] : others;
      });
      void queryClient.invalidateQueries({ queryKey: flowImportKeys.every(clusterId) });
    },
  });
}
