import { z } from 'zod';

export const ROLES = ['viewer', 'operator', 'approver', 'admin'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

export const TIERS = ['dev', 'staging', 'prod'] as const;
export const tierSchema = z.enum(TIERS);
export type Tier = z.infer<typeof tierSchema>;

export const CNIS = ['calico', 'cilium', 'flannel', 'canal', 'weave', 'antrea', 'kube-router', 'unknown'] as const;
export const cniSchema = z.enum(CNIS);
export type Cni = z.infer<typeof cniSchema>;

/** The error body of every 4xx/5xx answer. */
export interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  problems?: Array<{ field: string; reason: string }>;
  errorId?: string;
  requestId?: string;
}

export const uuidSchema = z.uuid();
export const k8sNameSchema = z
  .string()
  .min(1)
  .max(253)
  .regex(/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, 'must be a lower-case DNS name (a-z, 0-9, "-" and ".")');

/**
 * Characters a reader cannot see but that change what a name looks like: format characters (Cf:
 * bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069, zero-width spaces and marks
 * U+200B-U+200F, the byte-order mark U+FEFF...) and control characters (Cc).
 */
const INVISIBLE = /[\p{Cf}\p{Cc}]/u;

/** A name people read in lists and in the audit log: it shows exactly what it is. */
export const visibleNameSchema = (maxLength: number) =>
  z
    .string()
    .min(1)
    .max(maxLength)
    .refine((value) => !INVISIBLE.test(value), 'must not contain invisible, control or text-direction characters');
