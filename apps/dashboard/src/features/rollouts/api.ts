import { type AbortRestore, type CreateRolloutBody, type RollbackScope, routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchRollouts = (clusterId: string | undefined, cursor: string | undefined, signal?: AbortSignal) =>
  api.call(routes.listRollouts, { query: { clusterId, cursor }, signal });
export const fetchRollout = (rolloutId: string, signal?: AbortSignal) => api.call(routes.getRollout, { params: { rolloutId }, signal });
export { fetchPlans } from '../plans/api';
export const fetchRolloutCoverage = (planId: string, signal?: AbortSignal) =>
  api.call(routes.rolloutCoverage, { params: { planId }, signal });
export const createRollout = (body: Partial<CreateRolloutBody> & { planId: string }) => api.call(routes.createRollout, { body });

export const startRollout = (rolloutId: string) => api.call(routes.startRollout, { params: { rolloutId } });
export const pauseRollout = (rolloutId: string, reason?: string) =>
  api.call(routes.pauseRollout, { params: { rolloutId }, body: reason ? { reason } : {} });
export const resumeRollout = (rolloutId: string) => api.call(routes.resumeRollout, { params: { rolloutId } });
export const abortRollout = (rolloutId: string, restore: AbortRestore, reason?: string) =>
  api.call(routes.abortRollout, { params: { rolloutId }, body: reason ? { restore, reason } : { restore } });
export const rollbackRollout = (rolloutId: string, scope: RollbackScope, reason?: string) =>
  api.call(routes.rollbackRollout, { params: { rolloutId }, body: reason ? { scope, reason } : { scope } });
