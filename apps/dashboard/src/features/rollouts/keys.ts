/** The query keys of the rollouts feature: the list of rollouts (every page of it), and each rollout. */
export const rolloutKeys = {
  list: ['rollouts', 'list'] as const,
  one: (rolloutId: string) => ['rollouts', 'one', rolloutId] as const,
};
