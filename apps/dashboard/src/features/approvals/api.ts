import { routes, type StageTier } from '@bulkhead/contracts';
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { acceptRollout } from '../rollouts/api';
import { rolloutKeys } from '../rollouts/keys';
import { approvalKeys } from './keys';

const inbox = queryOptions({ queryKey: approvalKeys.inbox, queryFn: ({ signal }) => api.call(routes.listApprovals, { signal }) });

const PAGE_REFRESH_MS = 10_000;
const BADGE_REFRESH_MS = 15_000;

/** Stages waiting for a decision, read again every 10 s while the page is open. */
export const useApprovals = () => useQuery({ ...inbox, refetchInterval: PAGE_REFRESH_MS });

/**
 * How many stages wait for the signed-in approver (not their own rollouts): for the nav badge, from the
 * same query as the page, so that a decision there counts here at once. Null when not asked; a badge
 * that is a little stale after a failed read is fine (the inbox says errors in words).
 */
export function useApprovalCount(enabled: boolean): number | null {
  const count = useQuery({
    ...inbox,
    refetchInterval: BADGE_REFRESH_MS,
    enabled,
    select: (items) => items.filter((i) => !i.mine).length,
  });
  return enabled ? (count.data ?? null) : null;
}

/** A decision takes the stage out of the inbox (and the badge) and moves the rollout on. */
export function useDecide() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({
      rolloutId,
      verdict,
      tier,
      comment,
    }: {
      rolloutId: string;
      verdict: 'approve' | 'reject';
      tier: StageTier;
      comment: string;
    }) =>
      api.call(verdict === 'approve' ? routes.approveStage : routes.rejectStage, {
        params: { rolloutId },
        query: { view: 'digest' },
        body: comment.trim() ? { tier, comment: comment.trim() } : { tier },
      }),
    onSuccess: (rollout) => {
      acceptRollout(queryClient, rollout);
      void queryClient.invalidateQueries({ queryKey: rolloutKeys.list });
      return queryClient.invalidateQueries({ queryKey: approvalKeys.inbox });
    },
  });
}
