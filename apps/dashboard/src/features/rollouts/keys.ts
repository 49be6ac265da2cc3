/** The query keys of the rollouts feature: the list of rollouts (every page of it), each rollout, and window previews. */
export const rolloutKeys = {
  list: ['rollouts', 'list'] as const,
  one: (rolloutId: string) => ['rollouts', 'one', rolloutId] as const,
  /** the openings a config's windows would give, by the config as JSON text */
  windowPreview: (config: string) => ['rollouts', 'window-preview', config] as const,
};
