import { type DriftActionRequest, type DriftActionView, routes } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { usePagedList } from '../../shared/pages';
import { driftKeys } from './keys';

const QUEUED_POLL_MS = 1000;

export const useDriftFindings = (clusterId: string) =>
  usePagedList(driftKeys.findings(clusterId), (cursor, signal) =>
    api.call(routes.listDriftFindings, { params: { clusterId }, query: { cursor }, signal }),
  );

/**
 * What was asked about the cluster's drift, newest first, read again every second while an action is
 * queued; once none is, the findings are read again too (the worker checked drift after acting).
 */
export function useDriftActions(clusterId: string) {
  const queryClient = useQueryClient();
  return usePagedList(
    driftKeys.actions(clusterId),
    async (cursor, signal) => {
      const page = await api.call(routes.listDriftActions, { params: { clusterId }, query: { cursor }, signal });
      if (!cursor && !page.items.some(isQueued)) void queryClient.invalidateQueries({ queryKey: driftKeys.findings(clusterId) });
      return page;
    },
    { refetchInterval: (pages) => (pages?.pages[0]?.items.some(isQueued) ? QUEUED_POLL_MS : false) },
  );
}

const isQueued = (action: DriftActionView) => action.status === 'queued';

/** Asks for a re-apply or an acceptance; the list of actions shows it at once, queued. */
export function useDriftAction(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: DriftActionRequest) => api.call(routes.requestDriftAction, { params: { clusterId }, body }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: driftKeys.actions(clusterId) }),
  });
}

/** The cluster's drift checks, newest first; read every second while `polling` (a check was asked for and is not recorded yet). */
export const useDriftChecks = (clusterId: string, polling: boolean) =>
  useQuery({
    queryKey: driftKeys.checks(clusterId),
    queryFn: ({ signal }) => api.call(routes.listDriftChecks, { params: { clusterId }, signal }),
    refetchInterval: polling ? QUEUED_POLL_MS : false,
  });

/** Asks for a drift check now; once a newer check than `newest` is recorded, the findings are read again. */
export function useCheckDrift(clusterId: string) {
  const queryClient = useQueryClient();
  const [waitingAfter, setWaitingAfter] = useState<{ newest: string | null } | null>(null);
  const checks = useDriftChecks(clusterId, waitingAfter !== null);
  const newest = checks.data?.[0]?.id ?? null;
  useEffect(() => {
    if (waitingAfter === null || newest === waitingAfter.newest) return;
    setWaitingAfter(null);
    void queryClient.invalidateQueries({ queryKey: driftKeys.findings(clusterId) });
  }, [newest, waitingAfter, queryClient, clusterId]);
  const request = useMutation({
    mutationFn: () => api.call(routes.checkDrift, { params: { clusterId } }),
    onSuccess: () => setWaitingAfter({ newest }),
  });
  return { checks, request, checking: request.isPending || waitingAfter !== null };
}
