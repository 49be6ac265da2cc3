import {
  type CallInput,
  type ClusterView,
  type CreateClusterBody,
  type FlowSourceView,
  type NamespaceView,
  routes,
  type Tier,
  type UpdateClusterBody,
  type UpdateFlowSourceBody,
} from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, upload } from '../../api/client';
import { clusterKeys } from '../../shared/use-clusters';
import { mapKeys } from '../dependency-map/keys';

/** The content type the API reads a snapshot file as: YAML by its name or type, JSON otherwise. */
export const snapshotContentType = (file: File): 'application/yaml' | 'application/json' =>
  /\.ya?ml$/i.test(file.name) || file.type.includes('yaml') ? 'application/yaml' : 'application/json';

/** Registers a cluster; the list of clusters shows it once read again. */
export function useCreateCluster() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: CreateClusterBody) => api.call(routes.createCluster, { body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: clusterKeys.list }),
  });
}

/** Changes a cluster's CNI, description or kubeconfig; its page and the list show the answer at once. */
export function useUpdateCluster(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: UpdateClusterBody) => api.call(routes.updateCluster, { params: { clusterId }, body }),
    onSuccess: (cluster) => {
      queryClient.setQueryData(clusterKeys.one(clusterId), cluster);
      void queryClient.invalidateQueries({ queryKey: clusterKeys.list });
    },
  });
}

/** Deletes a cluster with everything known about it (the API refuses while a rollout is active). */
export function useDeleteCluster(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: () => api.call(routes.deleteCluster, { params: { clusterId } }),
    onSuccess: () => {
      queryClient.removeQueries({ queryKey: clusterKeys.one(clusterId) });
      void queryClient.invalidateQueries({ queryKey: clusterKeys.list });
    },
  });
}

/** What the inventory of a cluster feeds: its counts, its namespaces, the map. Read again after an import or a sync. */
function refreshInventory(queryClient: ReturnType<typeof useQueryClient>, clusterId: string) {
  void queryClient.invalidateQueries({ queryKey: clusterKeys.one(clusterId) });
  void queryClient.invalidateQueries({ queryKey: clusterKeys.list });
  void queryClient.invalidateQueries({ queryKey: ['map', clusterId] });
}

/** Sends a snapshot file (JSON or YAML) as the raw body, reporting how much is sent; the import is done when it answers. */
export function useUploadSnapshot(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ file, onProgress }: { file: File; onProgress: (sent: number, total: number) => void }) =>
      upload(routes.importSnapshot, { params: { clusterId } }, new Blob([file], { type: snapshotContentType(file) }), onProgress),
    onSuccess: () => refreshInventory(queryClient, clusterId),
  });
}

const SYNC_POLL_MS = 1000;
const SYNC_PATIENCE_MS = 60_000;

/** How a sync ended, as far as the API tells: the inventory it wrote, or that none came in time. */
export type SyncOutcome = { status: 'done'; cluster: ClusterView } | { status: 'waiting' };

/**
 * Asks the worker to read the cluster through its driver, then reads the cluster every second until
 * its inventory is newer than when the sync was asked (done), or a minute passed (still waiting).
 */
export function useSyncCluster(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async (): Promise<SyncOutcome> => {
      const before = await api.call(routes.getCluster, { params: { clusterId } });
      await api.call(routes.syncInventory, { params: { clusterId } });
      const giveUpAt = Date.now() + SYNC_PATIENCE_MS;
      while (Date.now() < giveUpAt) {
        await new Promise((resolve) => setTimeout(resolve, SYNC_POLL_MS));
        const cluster = await api.call(routes.getCluster, { params: { clusterId } });
        if (cluster.inventoryImportedAt && cluster.inventoryImportedAt !== before.inventoryImportedAt) return { status: 'done', cluster };
      }
      return { status: 'waiting' };
    },
    onSuccess: () => refreshInventory(queryClient, clusterId),
  });
}

/** What setting tiers did: the namespaces changed, and those the API refused with its reason. */
export interface TierChanges {
  changed: NamespaceView[];
  refused: Array<{ namespace: string; error: unknown }>;
}

/**
 * Sets the tier of one or several namespaces, one PATCH each (the API audits each), all at once.
 * A refusal of one (moving out of an approval tier needs an approver) does not stop the others.
 */
export function useSetTiers(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: async ({ namespaces, tier }: { namespaces: string[]; tier: Tier | null }): Promise<TierChanges> => {
      const answers = await Promise.allSettled(
        namespaces.map((namespace) => api.call(routes.setNamespaceTier, { params: { clusterId, namespace }, body: { tier } })),
      );
      const changes: TierChanges = { changed: [], refused: [] };
      answers.forEach((answer, i) => {
        if (answer.status === 'fulfilled') changes.changed.push(answer.value);
        else changes.refused.push({ namespace: namespaces[i]!, error: answer.reason });
      });
      return changes;
    },
    onSuccess: ({ changed }) => {
      queryClient.setQueryData<NamespaceView[]>(mapKeys.namespaces(clusterId), (list) =>
        list?.map((ns) => changed.find((c) => c.name === ns.name) ?? ns),
      );
      void queryClient.invalidateQueries({ queryKey: ['map', clusterId] });
    },
  });
}

/** A source's state moves by itself (connecting, lagging, failing): its card reads it again this often. */
const FLOW_SOURCES_REFRESH_MS = 2000;

const flowSourceKeys = { list: (clusterId: string) => ['flow-sources', clusterId] as const };

/** A cluster's live flow sources with their state, read again every few seconds while shown. */
export function useFlowSources(clusterId: string) {
  return useQuery({
    queryKey: flowSourceKeys.list(clusterId),
    queryFn: ({ signal }) => api.call(routes.listFlowSources, { params: { clusterId }, signal }),
    refetchInterval: FLOW_SOURCES_REFRESH_MS,
  });
}

/** A new flow source as sent: the API fills in what is left out (enabled, the simulated stream's defaults). */
export type NewFlowSource = CallInput<typeof routes.createFlowSource>['body'];

/** Adds a flow source; a worker starts collecting it, and the list shows it at once. */
export function useCreateFlowSource(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: NewFlowSource) => api.call(routes.createFlowSource, { params: { clusterId }, body }),
    onSuccess: (created) =>
      queryClient.setQueryData<FlowSourceView[]>(flowSourceKeys.list(clusterId), (list) => [...(list ?? []), created]),
  });
}

/** Changes a flow source (here: enables or disables it); its row shows the answer at once. */
export function useUpdateFlowSource(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ sourceId, body }: { sourceId: string; body: UpdateFlowSourceBody }) =>
      api.call(routes.updateFlowSource, { params: { clusterId, sourceId }, body }),
    onSuccess: (updated) =>
      queryClient.setQueryData<FlowSourceView[]>(flowSourceKeys.list(clusterId), (list) =>
        list?.map((source) => (source.id === updated.id ? updated : source)),
      ),
  });
}

/** Removes a flow source; the edges it observed stay in the map. */
export function useDeleteFlowSource(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (sourceId: string) => api.call(routes.deleteFlowSource, { params: { clusterId, sourceId } }),
    onSuccess: (_answer, sourceId) =>
      queryClient.setQueryData<FlowSourceView[]>(flowSourceKeys.list(clusterId), (list) =>
        list?.filter((source) => source.id !== sourceId),
      ),
  });
}
