/** The query keys of the rollouts feature: the list of rollouts (every page of it), each rollout, where a plan's namespaces would go, and window previews. */
export const rolloutKeys = {
  list: ['rollouts', 'list'] as const,
  one: (rolloutId: string) => ['rollouts', 'one', rolloutId] as const,
  coverage: (planId: string) => ['rollouts', 'coverage', planId] as const,
  /** the openings a config's windows would give, by the config as JSON text */
  windowPreview: (config: string) => ['rollouts', 'window-preview', config] as const,
};
