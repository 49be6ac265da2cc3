/** The query keys of the rollouts feature: the list of rollouts (every page of it), each rollout, and where a plan's namespaces would go. */
export const rolloutKeys = {
  list: ['rollouts', 'list'] as const,
  one: (rolloutId: string) => ['rollouts', 'one', rolloutId] as const,
  coverage: (planId: string) => ['rollouts', 'coverage', planId] as const,
};
