import { z } from 'zod';
import { tierSchema } from './common';
import { identifierSchema } from './text';

const windowBase = {
  name: z.string().max(200).optional(),
  durationMinutes: z.number().int().min(1).max(7 * 24 * 60),
  timeZone: identifierSchema(100).min(1).describe('IANA time zone, e.g. Europe/Berlin'),
};

const CRON_DESCRIPTION = '5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * MON-FRI"; also L, W and #, e.g. "0 2 * * FRI#2" (the second Friday)';
const RRULE_DESCRIPTION =
  'RFC 5545: a DTSTART, one RRULE (FREQ YEARLY, MONTHLY, WEEKLY or DAILY, any BYxxx part but BYSECOND), and any EXDATE and RDATE lines. ' +
  'Every second Tuesday at 22:00 except two holidays: DTSTART;TZID=Europe/Berlin:20260113T220000\\nRRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2\\nEXDATE;VALUE=DATE:20260414,20261110';

/**
 * A window of each kind (cron, RFC 5545 RRULE, once) with a duration and a time zone, plus `extra`
 * fields; strict, so an unknown key (`__proto__` included) is refused and named.
 */
const windowOf = <E extends z.ZodRawShape>(extra: E) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('cron'), expression: identifierSchema(200).min(9).describe(CRON_DESCRIPTION), ...windowBase, ...extra }),
    z.strictObject({ kind: z.literal('rrule'), rule: z.string().min(5).max(2000).describe(RRULE_DESCRIPTION), ...windowBase, ...extra }),
    z.strictObject({ kind: z.literal('once'), start: z.iso.datetime({ offset: true }), ...windowBase, ...extra }),
  ]);

/** A maintenance window (allow). */
export const timeWindowSchema = windowOf({});

/** A freeze (deny): a window, for some tiers (all when not given), with a reason. */
export const freezeSchema = windowOf({ tiers: z.array(tierSchema).optional(), reason: z.string().max(500).optional() });

const windowList = z.array(timeWindowSchema).max(20).optional();

export const rolloutConfigSchema = z.strictObject({
  waves: z.array(z.number().int().min(1).max(1000)).min(1).max(20).optional().describe('Namespaces per wave within a tier; the last size repeats. Default [1, 2, 4]'),
  settleMs: z.number().int().min(0).max(24 * 3600 * 1000).optional(),
  restoreRetryMs: z.number().int().min(0).max(3600 * 1000).optional(),
  probe: z
    .strictObject({
      retries: z.number().int().min(0).max(20).optional(),
      timeoutMs: z.number().int().min(100).max(300_000).optional(),
      retryDelayMs: z.number().int().min(0).max(3600 * 1000).optional(),
    })
    .optional(),
  windows: z.strictObject({ dev: windowList, staging: windowList, prod: windowList }).optional().describe('Allow windows per tier'),
  freezes: z.array(freezeSchema).max(50).optional(),
});

export const createRolloutSchema = z.strictObject({
  planId: z.uuid(),
  namespaces: z.array(identifierSchema(253).min(1)).min(1).max(10_000).optional().describe('Default: every namespace of the plan that has a tier'),
  config: rolloutConfigSchema.optional(),
  start: z.boolean().default(false).describe('Start at once instead of leaving a draft'),
  scheduledAt: z.iso.datetime({ offset: true }).optional().describe('Start at this time'),
});
export type CreateRolloutBody = z.infer<typeof createRolloutSchema>;

export const reasonSchema = z.strictObject({ reason: z.string().max(2000).optional() });

export const abortSchema = z.strictObject({
  reason: z.string().max(2000).optional(),
  restore: z
    .enum(['in_flight', 'everything'])
    .default('in_flight')
    .describe('in_flight: put back the namespaces under way, leave the verified ones enforced; everything: put back every namespace the rollout changed'),
});

export const rollbackSchema = z.strictObject({
  scope: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('stage'), tier: tierSchema }),
    z.strictObject({ kind: z.literal('namespace'), namespace: identifierSchema(253).min(1) }),
  ]),
  reason: z.string().max(2000).optional(),
});

export const decisionSchema = z.strictObject({
  tier: tierSchema,
  comment: z.string().max(2000).optional(),
});

export const listRolloutsQuerySchema = z.strictObject({
  clusterId: z.uuid().optional(),
  status: identifierSchema(50).optional(),
});
