import { z } from 'zod';

/**
 * How a rollout's changes reach a cluster: `direct`, through the cluster's driver (server-side apply),
 * or `git`, as commits to a repository that Argo CD or Flux applies, read back through the driver.
 */
export const DELIVERY_KINDS = ['direct', 'git'] as const;

/** The user name sent with a token when none is given: what GitHub expects of app and personal tokens alike. */
export const DEFAULT_GIT_USERNAME = 'x-access-token';

/**
 * Why a branch name is refused, or null. Stricter than `git check-ref-format --branch`: letters,
 * digits and `._/-`, no component that starts with `.` or `-` or ends with `.lock`, no `..`, no empty
 * component. A name that starts with `-` could pass for an option of the git command line.
 */
export function gitBranchProblem(branch: string): string | null {
  if (!/^[A-Za-z0-9._/-]+$/.test(branch)) return 'may hold only letters, digits and . _ / -';
  if (branch.includes('..')) return 'may not hold ".."';
  const components = branch.split('/');
  if (components.some((c) => c === '')) return 'may not start or end with "/" nor hold "//"';
  if (components.some((c) => c.startsWith('.') || c.startsWith('-'))) return 'may not have a part that starts with "." or "-"';
  if (components.some((c) => c.endsWith('.lock')) || branch.endsWith('.')) return 'may not end with "." or have a part ending in ".lock"';
  if (branch === 'HEAD') return 'may not be HEAD';
  return null;
}

/**
 * Why a folder of the repository is refused, or null: a relative path of parts made of letters, digits
 * and `._-`, none of them `.`, `..` or `.git`, none starting with `-`.
 */
export function gitFolderProblem(path: string): string | null {
  if (!/^[A-Za-z0-9._/-]+$/.test(path)) return 'may hold only letters, digits and . _ / -';
  const parts = path.split('/');
  if (parts.some((p) => p === '')) return 'is relative to the repository (no leading "/"), without "//" or a trailing "/"';
  if (parts.some((p) => p === '.' || p === '..')) return 'may not hold "." or ".." parts';
  if (parts.some((p) => p.toLowerCase() === '.git')) return 'may not reach into .git';
  if (parts.some((p) => p.startsWith('-'))) return 'may not have a part that starts with "-"';
  return null;
}

const refined = (check: (value: string) => string | null) => (value: string, ctx: z.RefinementCtx) => {
  const problem = check(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
};

export const gitBranchSchema = z.string().min(1).max(200).superRefine(refined(gitBranchProblem));
export const gitFolderSchema = z.string().min(1).max(200).superRefine(refined(gitFolderProblem));

export const gitCredentialsSchema = z
  .strictObject({
    username: z
      .string()
      .min(1)
      .max(200)
      .regex(/^[A-Za-z0-9._@+-]+$/, 'may hold only letters, digits and . _ @ + -')
      .default(DEFAULT_GIT_USERNAME),
    token: z
      .string()
      .min(1)
      .max(4096)
      .regex(/^[\x21-\x7e]+$/, 'may hold only printable ASCII characters, without spaces')
      .describe('An access token allowed to push to the branch (sent over https). Stored sealed, never returned'),
  })
  .describe('How to sign in to an https:// repository');
export type GitCredentials = z.infer<typeof gitCredentialsSchema>;

const gitDeliveryFields = {
  kind: z.literal('git'),
  repoUrl: z
    .string()
    .min(1)
    .max(2000)
    .describe('https:// (without credentials in it), or file:// with BULKHEAD_GIT_ALLOW_FILE_URLS (tests)'),
  branch: gitBranchSchema.describe('The branch Argo CD or Flux applies'),
  path: gitFolderSchema.describe('The folder of the repository that holds one folder per namespace, one file per policy'),
  syncTimeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(3600)
    .default(120)
    .describe(
      'How long an apply waits for the cluster to show the committed policies before it fails. A wait longer than BULKHEAD_ROLLOUT_STALL_SECONDS shows as a stall meanwhile',
    ),
};

export const deliverySchema = z
  .discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('direct') }),
    z.strictObject({
      ...gitDeliveryFields,
      credentials: gitCredentialsSchema
        .nullable()
        .optional()
        .describe('Absent: the stored credentials stay (while the host does not change); null: drops them'),
    }),
  ])
  .describe('direct: the driver applies; git: commits to a branch that Argo CD or Flux applies');
export type DeliveryBody = z.infer<typeof deliverySchema>;

export const deliveryViewSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('direct') }),
  z.strictObject({
    ...gitDeliveryFields,
    credentialsSet: z.boolean().describe('Whether credentials are stored (sealed). They are never returned'),
  }),
]);
export type DeliveryView = z.infer<typeof deliveryViewSchema>;

/** A cluster's delivery as stored, without its credentials. */
export type ClusterDelivery = { kind: 'direct' } | Omit<Extract<DeliveryView, { kind: 'git' }>, 'credentialsSet'>;
