/** The query keys of the users feature. */
export const userKeys = {
  all: ['users'] as const,
};
