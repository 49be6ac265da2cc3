import { routes } from '@bulkhead/contracts';
import { api } from '../../api/client';

export const fetchPlans = (clusterId: string, cursor: string | undefined, signal?: AbortSignal) =>
  api.call(routes.listPlans, { params: { clusterId }, query: { cursor }, signal });
export const fetchPlan = (planId: string, signal?: AbortSignal) => api.call(routes.getPlan, { params: { planId }, signal });
export const makePlan = (clusterId: string) => api.call(routes.createPlan, { params: { clusterId } });
export const fetchPlanYaml = (planId: string, namespace: string, signal?: AbortSignal) =>
  api.call(routes.planYaml, { params: { planId }, query: { namespace }, signal });
export const fetchPlanDiff = (planId: string, against: string, signal?: AbortSignal) =>
  api.call(routes.planDiff, { params: { planId }, query: { against }, signal });
