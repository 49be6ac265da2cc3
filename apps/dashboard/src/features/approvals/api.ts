import { routes, type Tier } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchApprovals = (signal?: AbortSignal) => api.call(routes.listApprovals, { signal });
export const decide = (rolloutId: string, verdict: 'approve' | 'reject', tier: Tier, comment: string) =>
  api.call(verdict === 'approve' ? routes.approveStage : routes.rejectStage, {
    params: { rolloutId },
    body: comment.trim() ? { tier, comment: comment.trim() } : { tier },
  });

/** Said when the inbox changes here, so that the nav badge counts again at once. */
export const APPROVALS_CHANGED = 'bh:approvals-changed';
export const announceApprovalsChanged = () => window.dispatchEvent(new Event(APPROVALS_CHANGED));
