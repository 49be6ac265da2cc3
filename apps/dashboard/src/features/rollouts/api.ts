import {
  type AbortRestore,
  type CreateRolloutBody,
  type PreviewWindowsBody,
  type RollbackScope,
  routes,
  type RolloutDigest,
  rolloutDigestOf,
  type RolloutState,
  type RolloutView,
} from '@bulkhead/contracts';
import { keepPreviousData, type QueryClient, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { api } from '../../api/client';
import { usePagedList } from '../../shared/pages';
import { approvalKeys } from '../approvals/keys';
import { planKeys } from '../plans/keys';
import { rolloutKeys } from './keys';

/** Every rollout, newest first, a page at a time. */
export const useRollouts = () =>
  usePagedList(rolloutKeys.list, (cursor, signal) => api.call(routes.listRollouts, { query: { cursor }, signal }));

/** The light view the rollout page shows: a step's probes come with useStepProbes when the step is opened. */
export const fetchRolloutDigest = (rolloutId: string, signal?: AbortSignal) =>
  api.call(routes.getRolloutDigest, { params: { rolloutId }, signal });

/** What the rollout routes answer when the page asks: the light view, not the whole state with every probe. */
const DIGEST = { view: 'digest' } as const;

/** A step's probes, a page at a time, read again when the rollout moves to another version (the step's probes may have run). */
export const useStepProbes = (rolloutId: string, namespace: string, version: number) =>
  usePagedList(
    rolloutKeys.probes(rolloutId, namespace, version),
    (cursor, signal) => api.call(routes.listStepProbes, { params: { rolloutId, namespace }, query: { cursor }, signal }),
    { keepPrevious: true },
  );

/** Where each namespace of a plan would go in a rollout of it: its tier, or none yet (the form then asks). */
export const useRolloutCoverage = (planId: string) =>
  useQuery({
    queryKey: rolloutKeys.coverage(planId),
    queryFn: ({ signal }) => api.call(routes.rolloutCoverage, { params: { planId }, signal }),
    enabled: planId !== '',
  });

/**
 * Puts a rollout's light view in the cache, unless the cache holds a later one (by version): whoever
 * brings it (the event stream, a poll, the answer to a command), an older state is never shown. A whole
 * state (from an API that was not asked for the digest) is made light here.
 */
export function acceptRollout(queryClient: QueryClient, next: RolloutDigest | RolloutView | RolloutState) {
  // A whole state alone lacks its next actions: they come with the view, read again (see useRolloutCommand).
  const digest = 'view' in next ? next : rolloutDigestOf('nextActions' in next ? next : { ...next, nextActions: [] });
  queryClient.setQueryData<RolloutDigest>(rolloutKeys.one(next.id), (shown) => (shown && shown.version > digest.version ? shown : digest));
}

export function useCreateRollout() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (body: Partial<CreateRolloutBody> & { planId: string }) => api.call(routes.createRollout, { query: DIGEST, body }),
    onSuccess: (rollout) => {
      acceptRollout(queryClient, rollout);
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.list });
    },
  });
}

/** How long the config must stay unchanged before its openings are asked for (typing a cron asks once). */
const PREVIEW_DEBOUNCE_MS = 400;

/**
 * The next openings per tier of a config's windows and freezes, asked for once the config has stopped
 * changing; null asks nothing. While a newer answer is on its way, the last one stays shown.
 */
export function useWindowPreview(config: PreviewWindowsBody['config'] | null) {
  const text = config === null ? null : JSON.stringify(config);
  const [settled, setSettled] = useState(text);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(text), PREVIEW_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [text]);
  return useQuery({
    queryKey: rolloutKeys.windowPreview(settled ?? ''),
    queryFn: ({ signal }) =>
      api.call(routes.previewWindows, { body: { config: JSON.parse(settled!) as PreviewWindowsBody['config'] }, signal }),
    enabled: settled !== null,
    retry: false,
    placeholderData: keepPreviousData,
  });
}

/** What an operator can tell a rollout to do. */
export type RolloutCommand =
  | { kind: 'start' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'abort'; restore: AbortRestore; reason?: string }
  | { kind: 'rollback'; scope: RollbackScope; reason?: string };

function send(rolloutId: string, command: RolloutCommand): Promise<RolloutState | RolloutDigest> {
  const params = { rolloutId };
  const query = DIGEST;
  switch (command.kind) {
    case 'start':
      return api.call(routes.startRollout, { params, query });
    case 'pause':
      return api.call(routes.pauseRollout, { params, query, body: {} });
    case 'resume':
      return api.call(routes.resumeRollout, { params, query });
    case 'abort':
      return api.call(routes.abortRollout, {
        params,
        query,
        body: command.reason ? { restore: command.restore, reason: command.reason } : { restore: command.restore },
      });
    case 'rollback':
      return api.call(routes.rollbackRollout, {
        params,
        query,
        body: command.reason ? { scope: command.scope, reason: command.reason } : { scope: command.scope },
      });
  }
}

/** What a person does about a halt, as listed in the rollout's `nextActions` (rollback and abort are RolloutCommands). */
export type HaltAction =
  | { kind: 'declare-dependency'; namespace: string; probeId: string }
  | { kind: 'continue'; planVersion: number }
  | { kind: 'retry'; namespace: string }
  | { kind: 'skip'; namespace: string; reason: string }
  | { kind: 'approve-skip'; namespace: string }
  | { kind: 'reject-skip'; namespace: string; comment: string };

function sendHaltAction(rolloutId: string, action: HaltAction): Promise<RolloutView | RolloutDigest> {
  const params = { rolloutId };
  const query = DIGEST;
  switch (action.kind) {
    case 'declare-dependency':
      return api.call(routes.declareDependency, { params, query, body: { namespace: action.namespace, probeId: action.probeId } });
    case 'continue':
      return api.call(routes.continueRollout, { params, query, body: { planVersion: action.planVersion } });
    case 'retry':
      return api.call(routes.retryStep, { params, query, body: { namespace: action.namespace } });
    case 'skip':
      return api.call(routes.skipNamespace, { params, query, body: { namespace: action.namespace, reason: action.reason } });
    case 'approve-skip':
      return api.call(routes.approveSkip, { params, query, body: { namespace: action.namespace } });
    case 'reject-skip':
      return api.call(routes.rejectSkip, { params, query, body: { namespace: action.namespace, comment: action.comment } });
  }
}

/** A halt action's answer is the rollout with the actions left: shown at once, with the list and the plans (declaring makes one). */
export function useHaltAction(rolloutId: string, clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (action: HaltAction) => sendHaltAction(rolloutId, action),
    onSuccess: (rollout) => {
      acceptRollout(queryClient, rollout);
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.list });
      void queryClient.invalidateQueries({ queryKey: planKeys.ofCluster(clusterId) });
    },
  });
}

/** A command's answer is the rollout's new state: shown at once; the list and the approvals inbox change with it. */
export function useRolloutCommand(rolloutId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (command: RolloutCommand) => send(rolloutId, command),
    onSuccess: (rollout) => {
      acceptRollout(queryClient, rollout);
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.one(rollout.id) });
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.list });
      void queryClient.invalidateQueries({ queryKey: approvalKeys.inbox });
    },
  });
}
