import { api } from '../../api/client';
import { paths } from '../../api/paths';
import type { PlanDiff, PlanListItem, PlanView } from '../../api/wire';

export const fetchPlans = (clusterId: string, signal?: AbortSignal) => api.get<PlanListItem[]>(paths.plans(clusterId), signal);
export const fetchPlan = (id: string, signal?: AbortSignal) => api.get<PlanView>(paths.plan(id), signal);
export const makePlan = (clusterId: string) => api.post<PlanView>(paths.plans(clusterId));
export const fetchPlanYaml = (id: string, namespace: string, signal?: AbortSignal) => api.text(paths.planYaml(id, namespace), signal);
export const fetchPlanDiff = (id: string, against: string, signal?: AbortSignal) => api.get<PlanDiff>(paths.planDiff(id, against), signal);
