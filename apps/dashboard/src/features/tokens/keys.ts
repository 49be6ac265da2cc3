/** The query keys of the tokens feature. */
export const tokenKeys = {
  all: ['tokens'] as const,
};
