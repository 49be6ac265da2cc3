import type { CreateRolloutBody } from '@bulkhead/contracts';
import { api } from '../../api/client';
import { paths } from '../../api/paths';
import type { AbortRestore, PlanListItem, RollbackScope, RolloutState, RolloutSummary, RolloutView } from '../../api/wire';

export const fetchRollouts = (clusterId: string | undefined, signal?: AbortSignal) => api.get<RolloutSummary[]>(paths.rollouts(clusterId), signal);
export const fetchRollout = (id: string, signal?: AbortSignal) => api.get<RolloutView>(paths.rollout(id), signal);
export const fetchPlans = (clusterId: string, signal?: AbortSignal) => api.get<PlanListItem[]>(paths.plans(clusterId), signal);
export const createRollout = (body: Partial<CreateRolloutBody> & { planId: string }) => api.post<RolloutState>(paths.rollouts(), body);

export const startRollout = (id: string) => api.post<RolloutState>(paths.rolloutAction(id, 'start'));
export const pauseRollout = (id: string, reason?: string) => api.post<RolloutState>(paths.rolloutAction(id, 'pause'), reason ? { reason } : {});
export const resumeRollout = (id: string) => api.post<RolloutState>(paths.rolloutAction(id, 'resume'));
export const abortRollout = (id: string, restore: AbortRestore, reason?: string) => api.post<RolloutState>(paths.rolloutAction(id, 'abort'), reason ? { restore, reason } : { restore });
export const rollbackRollout = (id: string, scope: RollbackScope, reason?: string) => api.post<RolloutState>(paths.rolloutAction(id, 'rollback'), reason ? { scope, reason } : { scope });
