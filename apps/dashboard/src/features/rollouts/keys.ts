/** The query keys of the rollouts feature: the list of rollouts (every page of it), each rollout (its light view), a step's probes, where a plan's namespaces would go, and window previews. */
export const rolloutKeys = {
  list: ['rollouts', 'list'] as const,
  one: (rolloutId: string) => ['rollouts', 'one', rolloutId] as const,
  /** a step's probes, as of a version of the rollout */
  probes: (rolloutId: string, namespace: string, version: number) => ['rollouts', 'probes', rolloutId, namespace, version] as const,
  coverage: (planId: string) => ['rollouts', 'coverage', planId] as const,
  /** the openings a config's windows would give, by the config as JSON text */
  windowPreview: (config: string) => ['rollouts', 'window-preview', config] as const,
};
