import { api } from '../../api/client';
import { paths } from '../../api/paths';
import type { ApprovalItem, RolloutState, Tier } from '../../api/wire';

export const fetchApprovals = (signal?: AbortSignal) => api.get<ApprovalItem[]>(paths.approvals, signal);
export const decide = (rolloutId: string, verdict: 'approve' | 'reject', tier: Tier, comment: string) =>
  api.post<RolloutState>(paths.rolloutAction(rolloutId, verdict), comment.trim() ? { tier, comment: comment.trim() } : { tier });

/** Said when the inbox changes here, so that the nav badge counts again at once. */
export const APPROVALS_CHANGED = 'bh:approvals-changed';
export const announceApprovalsChanged = () => window.dispatchEvent(new Event(APPROVALS_CHANGED));
