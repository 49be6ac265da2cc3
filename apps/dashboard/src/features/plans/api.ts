import { routes, type CreatePlan } from '@bulkhead/contracts';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api } from '../../api/client';
import { usePagedList } from '../../shared/pages';
import { planKeys } from './keys';

/**
 * A cluster's plan versions, newest first, a page at a time (the overview and the new-rollout form read
 * the first page); none is asked for while no cluster is chosen.
 */
export const usePlans = (clusterId: string) =>
  usePagedList(
    planKeys.ofCluster(clusterId),
    (cursor, signal) => api.call(routes.listPlans, { params: { clusterId }, query: { cursor }, signal }),
    { enabled: clusterId !== '' },
  );

/** A plan as its page reviews it: without its manifests, evidence and every edge's replay (see planReviewSchema). */
export const usePlan = (planId: string) =>
  useQuery({ queryKey: planKeys.one(planId), queryFn: ({ signal }) => api.call(routes.planReview, { params: { planId }, signal }) });

/** The YAML of one namespace's policies; none is asked for while no namespace is chosen. */
export const usePlanYaml = (planId: string, namespace: string | undefined) =>
  useQuery({
    queryKey: planKeys.yaml(planId, namespace ?? ''),
    queryFn: ({ signal }) => api.call(routes.planYaml, { params: { planId }, query: { namespace: namespace ?? '' }, signal }),
    enabled: namespace !== undefined,
  });

export const usePlanDiff = (planId: string, against: 'previous' | 'live') =>
  useQuery({
    queryKey: planKeys.diff(planId, against),
    queryFn: ({ signal }) => api.call(routes.planDiff, { params: { planId }, query: { against }, signal }),
  });

/** A new version heads the cluster's list of plans. */
export function useMakePlan(clusterId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (request: CreatePlan) => api.call(routes.createPlan, { params: { clusterId }, body: request }),
    onSuccess: (plan) => {
      queryClient.setQueryData(planKeys.one(plan.id), plan);
      void queryClient.invalidateQueries({ queryKey: planKeys.ofCluster(clusterId) });
    },
  });
}
