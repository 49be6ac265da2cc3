import { z } from 'zod';
import { stageTierSchema, tierSchema } from './common';
import { PROTOCOLS } from './edges';
import { pageOf, pageQueryShape } from './pages';
import { idParam, instantSchema, queuedSchema, route } from './route';
import { identifierSchema } from './text';
import { STAGE_DISPLAY_STATUSES } from './rollout-display';

const windowBase = {
  name: z.string().max(200).optional(),
  durationMinutes: z
    .number()
    .int()
    .min(1)
    .max(7 * 24 * 60),
  timeZone: identifierSchema(100).min(1).describe('IANA time zone, e.g. Europe/Berlin'),
};

const CRON_DESCRIPTION =
  '5 fields (minute hour day-of-month month day-of-week), e.g. "0 2 * * MON-FRI"; also L, W and #, e.g. "0 2 * * FRI#2" (the second Friday)';
const RRULE_DESCRIPTION =
  'RFC 5545: a DTSTART, one RRULE (FREQ YEARLY, MONTHLY, WEEKLY or DAILY, any BYxxx part but BYSECOND), and any EXDATE and RDATE lines. ' +
  'Every second Tuesday at 22:00 except two holidays: DTSTART;TZID=Europe/Berlin:20260113T220000\\nRRULE:FREQ=MONTHLY;BYDAY=TU;BYSETPOS=2\\nEXDATE;VALUE=DATE:20260414,20261110';

/**
 * A window of each kind (cron, RFC 5545 RRULE, once) with a duration and a time zone, plus `extra`
 * fields; strict, so an unknown key (`__proto__` included) is refused and named.
 */
const windowOf = <E extends z.ZodRawShape>(extra: E) =>
  z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('cron'),
      expression: identifierSchema(200).min(9).describe(CRON_DESCRIPTION),
      ...windowBase,
      ...extra,
    }),
    z.strictObject({ kind: z.literal('rrule'), rule: z.string().min(5).max(2000).describe(RRULE_DESCRIPTION), ...windowBase, ...extra }),
    z.strictObject({ kind: z.literal('once'), start: z.iso.datetime({ offset: true }), ...windowBase, ...extra }),
  ]);

/** A maintenance window (allow). */
export const timeWindowSchema = windowOf({});

/** A freeze (deny): a window, for some tiers (all when not given), with a reason. */
export const freezeSchema = windowOf({ tiers: z.array(tierSchema).optional(), reason: z.string().max(500).optional() });

const windowList = z.array(timeWindowSchema).max(20).optional();
const observedDays = z.number().min(0).max(365).optional();

export const rolloutConfigSchema = z.strictObject({
  waves: z
    .array(z.number().int().min(1).max(1000))
    .min(1)
    .max(20)
    .optional()
    .describe('Namespaces per wave within a tier; the last size repeats. Default [1, 2, 4]'),
  settleMs: z
    .number()
    .int()
    .min(0)
    .max(24 * 3600 * 1000)
    .optional(),
  restoreRetryMs: z
    .number()
    .int()
    .min(0)
    .max(3600 * 1000)
    .optional(),
  probe: z
    .strictObject({
      retries: z.number().int().min(0).max(20).optional(),
      timeoutMs: z.number().int().min(100).max(300_000).optional(),
      retryDelayMs: z
        .number()
        .int()
        .min(0)
        .max(3600 * 1000)
        .optional(),
    })
    .optional(),
  windows: z.strictObject({ dev: windowList, staging: windowList, prod: windowList }).optional().describe('Allow windows per tier'),
  freezes: z.array(freezeSchema).max(50).optional(),
  minObservedDays: z
    .strictObject({ dev: observedDays, staging: observedDays, prod: observedDays })
    .optional()
    .describe(
      'Days each of a tier\'s namespaces must have been observed without a gap (live sources, imports) before its step starts, e.g. {"prod": 7}; the rollout waits (waiting_coverage) until they have',
    ),
});

const excludedNamespaceSchema = z.strictObject({
  namespace: identifierSchema(253).min(1),
  reason: z.string().trim().min(1).max(500).describe('why the rollout leaves this namespace alone'),
});
export type ExcludedNamespace = z.infer<typeof excludedNamespaceSchema>;

export const createRolloutSchema = z.strictObject({
  planId: z.uuid(),
  namespaces: z
    .array(identifierSchema(253).min(1))
    .min(1)
    .max(10_000)
    .optional()
    .describe("Only these namespaces; the plan's others are excluded, saying so. Default: every namespace of the plan"),
  assign: z
    .record(identifierSchema(253).min(1), tierSchema)
    .optional()
    .describe(
      'A stage for namespaces, e.g. {"legacy-reporting": "prod"} (last, with prod); every namespace without a tier needs one, or an exclusion',
    ),
  exclude: z
    .array(excludedNamespaceSchema)
    .max(10_000)
    .optional()
    .describe('Namespaces of the plan left out on purpose, each with its reason'),
  config: rolloutConfigSchema.optional(),
  start: z.boolean().default(false).describe('Start at once instead of leaving a draft'),
  scheduledAt: z.iso.datetime({ offset: true }).optional().describe('Start at this time'),
});
export type CreateRolloutBody = z.infer<typeof createRolloutSchema>;

/** A config to try before creating anything: its windows and freezes, from an instant (default now). */
export const previewWindowsSchema = z.strictObject({
  config: rolloutConfigSchema,
  from: z.iso.datetime({ offset: true }).optional().describe('Openings at or after this time; default now'),
});
export type PreviewWindowsBody = z.infer<typeof previewWindowsSchema>;

const openingSchema = z.strictObject({
  start: instantSchema,
  end: instantSchema
    .nullable()
    .describe('null: nothing closes it within a year (no windows and no freeze to come), or windows that chain keep it open over 31 days'),
});
export const windowPreviewSchema = z.strictObject({
  from: instantSchema,
  tiers: z
    .strictObject({ dev: z.array(openingSchema), staging: z.array(openingSchema), prod: z.array(openingSchema) })
    .describe('Per tier, the next openings of its windows minus the freezes that apply to it; fewer when the schedule runs out'),
});
export type WindowPreview = z.infer<typeof windowPreviewSchema>;

export const reasonSchema = z.strictObject({ reason: z.string().max(2000).optional() });

export const abortSchema = z.strictObject({
  reason: z.string().max(2000).optional(),
  restore: z
    .enum(['in_flight', 'everything'])
    .default('in_flight')
    .describe(
      'in_flight: put back the namespaces under way, leave the verified ones enforced; everything: put back every namespace the rollout changed',
    ),
});

export const rollbackSchema = z.strictObject({
  scope: z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('all') }),
    z.strictObject({ kind: z.literal('stage'), tier: stageTierSchema }),
    z.strictObject({ kind: z.literal('namespace'), namespace: identifierSchema(253).min(1) }),
  ]),
  reason: z.string().max(2000).optional(),
});

export const declareDependencySchema = z.strictObject({
  namespace: identifierSchema(253).min(1).describe('the stopped namespace whose probe failed'),
  probeId: identifierSchema(253).min(1).describe('the failed probe: its blocked call (or its own connection) is declared'),
  comment: z.string().max(2000).optional(),
});

/** Plan versions are a PostgreSQL integer: a larger one names no plan, and must not reach the query. */
const PLAN_VERSION_MAX = 2 ** 31 - 1;

export const continueSchema = z.strictObject({
  planVersion: z
    .number()
    .int()
    .min(1)
    .max(PLAN_VERSION_MAX)
    .describe("a version of the cluster's plans newer than the one the rollout runs"),
});

export const namespaceActionSchema = z.strictObject({ namespace: identifierSchema(253).min(1) });

export const skipSchema = z.strictObject({
  namespace: identifierSchema(253).min(1),
  reason: z.string().trim().min(1).max(2000).describe('why the namespace is left out'),
});

export const approveSkipSchema = z.strictObject({ namespace: identifierSchema(253).min(1), comment: z.string().max(2000).optional() });

export const rejectSkipSchema = z.strictObject({
  namespace: identifierSchema(253).min(1),
  comment: z.string().trim().min(1).max(2000).describe('why the namespace may not be left out, for the person who asked'),
});

export const decisionSchema = z.strictObject({
  tier: stageTierSchema.describe('the stage: a tier, or cluster for the guardrails'),
  comment: z.string().max(2000).optional(),
});

// ---------------------------------------------------------------- answers: a rollout as the API shows it

export const ROLLOUT_STATUSES = [
  'draft',
  'scheduled',
  'running',
  'waiting_approval',
  'waiting_window',
  'waiting_coverage',
  'paused',
  'halted',
  'aborted',
  'rolling_back',
  'rolled_back',
  'completed',
] as const;
/**
 * Statuses in which a rollout holds its cluster: the one definition of an active rollout. The rollout
 * domain, the API's `status=active` and the dashboard read it from here; the one-active-rollout-per-cluster
 * index (a migration) is held to it by test/integration/rollout-active-index.spec.ts.
 */
export const ACTIVE_STATUSES: readonly (typeof ROLLOUT_STATUSES)[number][] = [
  'scheduled',
  'running',
  'waiting_approval',
  'waiting_window',
  'waiting_coverage',
  'paused',
  'halted',
  'rolling_back',
];
/** Statuses no event leads out of, except a rollback of what stayed applied. */
export const FINAL_STATUSES: readonly (typeof ROLLOUT_STATUSES)[number][] = ['aborted', 'rolled_back', 'completed'];
export const STEP_PHASES = ['pending', 'snapshotted', 'applied', 'settled', 'probed', 'verified', 'restoring', 'restored'] as const;
export const STAGE_STATUSES = ['pending', 'waiting_approval', 'running', 'completed', 'rejected'] as const;
const probeKindSchema = z.enum(['must-connect', 'must-resolve', 'must-be-blocked']);
const probeOutcomeSchema = z
  .enum(['passed', 'failed', 'not_enforced'])
  .describe('not_enforced: a must-be-blocked probe got through, so the CNI is not enforcing NetworkPolicy');
const protocolSchema = z.enum(PROTOCOLS);

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
/** A NetworkPolicy exactly as read from the API server, whatever it holds (the OpenAPI document says: any object). */
const policyDocumentSchema = z.custom<{ [key: string]: JsonValue }>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value),
  'must be an object',
);

export const haltReasonSchema = z.strictObject({
  code: z.enum(['probe_failed', 'policies_not_enforced', 'apply_failed', 'snapshot_failed', 'approval_rejected', 'rolled_back']),
  message: z.string(),
  at: instantSchema,
  stepId: z.string().optional(),
  namespace: z.string().optional(),
  tier: stageTierSchema.optional(),
  probeId: z.string().optional(),
  by: z.string().optional(),
});
export type HaltReason = z.infer<typeof haltReasonSchema>;

const probeSpecShape = {
  id: z.string(),
  kind: probeKindSchema,
  from: z.string().describe('namespace/workload'),
  to: z.string().describe('namespace/workload, or a DNS name for must-resolve'),
  port: z.number().optional(),
  protocol: protocolSchema.optional(),
  reason: z.string().optional().describe('why this probe was chosen, e.g. "dev reaching a prod data store"'),
};

/** A connection one workload makes to another, as a dependency of the map reads it. */
export const callSpecSchema = z.strictObject({
  from: z.string().describe('namespace/workload'),
  to: z.string().describe('namespace/workload'),
  port: z.number(),
  protocol: protocolSchema,
});
export type CallSpec = z.infer<typeof callSpecSchema>;

export const probeAttemptSchema = z.strictObject({
  attempt: z.number(),
  observed: z.enum(['reached', 'not_reached', 'error']),
  detail: z.string().optional(),
  blockedCall: callSpecSchema
    .optional()
    .describe("the call the driver saw blocked behind this attempt's failure (the target's own call to a dependency, say)"),
  at: instantSchema,
});
export type ProbeAttempt = z.infer<typeof probeAttemptSchema>;

export const probeSchema = z.strictObject({
  ...probeSpecShape,
  expectation: z.enum(['connect', 'resolve', 'blocked']),
  attempts: z.array(probeAttemptSchema),
  outcome: probeOutcomeSchema.optional(),
  nextAttemptAt: instantSchema.optional().describe('a retry is due at this time'),
});
export type Probe = z.infer<typeof probeSchema>;
export type ProbeOutcome = NonNullable<Probe['outcome']>;

export const stepSchema = z.strictObject({
  id: z.string(),
  round: z.number().optional().describe('how many times the step was run again (retried, or re-run for a newer plan version)'),
  restep: z
    .strictObject({ cause: z.enum(['retry', 'continue']), by: z.string(), at: instantSchema })
    .optional()
    .describe('why the step is on its latest round, and who asked'),
  namespace: z.string().describe('the namespace; (cluster) for the step of the cluster stage'),
  tier: stageTierSchema,
  wave: z.number(),
  dependents: z.number(),
  phase: z.enum(STEP_PHASES),
  startedAt: instantSchema.optional(),
  snapshot: z.strictObject({ takenAt: instantSchema, policies: z.array(policyDocumentSchema) }).optional(),
  appliedAt: instantSchema.optional(),
  settleUntil: instantSchema.optional(),
  settledAt: instantSchema.optional(),
  probedAt: instantSchema.optional(),
  verifiedAt: instantSchema.optional(),
  probes: z.array(probeSchema),
  restore: z
    .strictObject({
      cause: z.enum(['probe_failed', 'apply_failed', 'snapshot_failed', 'rollback', 'abort', 'skip']),
      requestedAt: instantSchema,
      by: z.string().optional(),
      attempt: z.number(),
      retryAt: instantSchema.optional(),
      lastError: z.string().optional(),
    })
    .optional(),
  restoredAt: instantSchema.optional(),
  restoredWithoutChange: z.boolean().optional(),
  haltReason: haltReasonSchema.optional(),
  skip: z
    .strictObject({
      reason: z.string(),
      requestedBy: z.string(),
      requesterId: z.string().describe('the person behind requestedBy, who may neither approve nor reject the skip'),
      requestedAt: instantSchema,
      approvedBy: z.string().optional(),
      approvedAt: instantSchema.optional(),
      rejectedBy: z.string().optional(),
      rejectedAt: instantSchema.optional(),
      comment: z.string().optional().describe("the approver's words with the answer"),
    })
    .optional()
    .describe(
      'a request to leave the namespace out, and the answer of another approver: once approved it counts as excluded; once rejected it stays stopped, and a skip can be asked for again',
    ),
});
export type Step = z.infer<typeof stepSchema>;

export const stepEvidenceSchema = z.strictObject({
  stepId: z.string(),
  namespace: z.string(),
  phase: z.enum(STEP_PHASES),
  probes: z.array(
    z.strictObject({
      id: z.string(),
      kind: probeKindSchema,
      from: z.string(),
      to: z.string(),
      port: z.number().optional(),
      protocol: protocolSchema.optional(),
      attempts: z.number(),
      outcome: probeOutcomeSchema.optional(),
      detail: z.string().optional(),
    }),
  ),
});
export type StepEvidence = z.infer<typeof stepEvidenceSchema>;

export const approvalEvidenceSchema = z.strictObject({
  previousTier: stageTierSchema
    .optional()
    .describe("the tier whose results are shown; absent when the stage asking is the rollout's first"),
  steps: z.array(stepEvidenceSchema),
  diffRef: z.string().optional(),
  planId: z.string(),
  planVersion: z.number(),
});
export type ApprovalEvidence = z.infer<typeof approvalEvidenceSchema>;

export const approvalDecisionSchema = z.strictObject({
  approved: z.boolean(),
  by: z.string(),
  role: z.string(),
  comment: z.string().optional(),
  at: instantSchema,
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export const stageSchema = z.strictObject({
  tier: stageTierSchema.describe("the tier, or cluster: the plan's cluster-scoped guardrails, one step that needs an approval"),
  status: z.enum(STAGE_STATUSES),
  waves: z.array(z.array(z.string())).describe('step ids, wave by wave'),
  approvalRequired: z.boolean(),
  diffRef: z.string().optional(),
  approval: z
    .strictObject({ requestedAt: instantSchema, evidence: approvalEvidenceSchema, decision: approvalDecisionSchema.optional() })
    .optional(),
  startedAt: instantSchema.optional(),
  completedAt: instantSchema.optional(),
});
export type Stage = z.infer<typeof stageSchema>;

/** A window as the rollout keeps it: like the request's, with its text no longer checked. */
const keptWindowShape = { name: z.string().optional(), durationMinutes: z.number(), timeZone: z.string() };
const keptWindowOf = <E extends z.ZodRawShape>(extra: E) =>
  z.discriminatedUnion('kind', [
    z.strictObject({ kind: z.literal('cron'), expression: z.string(), ...keptWindowShape, ...extra }),
    z.strictObject({ kind: z.literal('rrule'), rule: z.string(), ...keptWindowShape, ...extra }),
    z.strictObject({ kind: z.literal('once'), start: instantSchema, ...keptWindowShape, ...extra }),
  ]);
const keptWindows = z.array(keptWindowOf({})).optional();

const rollbackScopeSchema = rollbackSchema.shape.scope;
export type RollbackScope = z.infer<typeof rollbackScopeSchema>;
export type AbortRestore = z.infer<typeof abortSchema>['restore'];

export const rolloutStateSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  planId: z.string(),
  planVersion: z.number(),
  createdBy: z.string(),
  creatorId: z.string().describe('who created it, as a person: the user behind a session or behind a token (never approves it)'),
  createdAt: instantSchema,
  status: z.enum(ROLLOUT_STATUSES),
  scheduledAt: instantSchema.optional(),
  opensAt: instantSchema.optional().describe('while waiting_window: when the window the next wave waits for opens'),
  coverage: z
    .strictObject({
      measuredAt: instantSchema,
      observed: z
        .record(z.string(), z.strictObject({ since: instantSchema, until: instantSchema }).nullable())
        .describe('per namespace: its latest span observed without a gap (null: never observed)'),
    })
    .optional()
    .describe('the latest measurement of the observation coverage of a waiting wave'),
  coverageWait: z
    .strictObject({
      tier: stageTierSchema,
      minObservedDays: z.number(),
      namespaces: z.array(z.string()),
      short: z.array(z.strictObject({ namespace: z.string(), observedSince: instantSchema.nullable(), observedDays: z.number() })),
      measuring: z.boolean(),
      recheckAt: instantSchema.optional(),
    })
    .optional()
    .describe("while waiting_coverage: the wave's namespaces, those observed for less than the minimum, and when it is measured again"),
  startedAt: instantSchema.optional(),
  finishedAt: instantSchema.optional(),
  stages: z.array(stageSchema),
  steps: z.array(stepSchema),
  excluded: z
    .array(z.strictObject({ namespace: z.string(), reason: z.string() }))
    .optional()
    .describe("the plan's namespaces in no stage, each with why (absent on rollouts made before it was recorded)"),
  config: z.strictObject({
    waves: z.array(z.number()),
    settleMs: z.number(),
    probe: z.strictObject({ retries: z.number(), timeoutMs: z.number(), retryDelayMs: z.number() }),
    restoreRetryMs: z.number(),
    windows: z.strictObject({ dev: keptWindows, staging: keptWindows, prod: keptWindows }),
    freezes: z.array(keptWindowOf({ tiers: z.array(tierSchema).optional(), reason: z.string().optional() })),
    minObservedDays: z
      .strictObject({ dev: z.number().optional(), staging: z.number().optional(), prod: z.number().optional() })
      .optional()
      .describe('absent on rollouts made before it was recorded'),
  }),
  halt: haltReasonSchema.optional().describe('why the rollout halted (the first reason; each step keeps its own)'),
  pausedBy: z.string().optional(),
  landing: z
    .enum(['halted', 'completed', 'aborted', 'rolled_back'])
    .optional()
    .describe('while rolling_back: the status to land in once the restores are done'),
  rollbacks: z.array(
    z.strictObject({
      kind: z.enum(['rollback', 'abort']),
      scope: rollbackScopeSchema.optional(),
      by: z.string(),
      at: instantSchema,
      reason: z.string().optional(),
      restore: z.enum(['in_flight', 'everything']).optional(),
      leftEnforced: z
        .array(z.string())
        .optional()
        .describe('of an abort: the namespaces it left verified, whose plan policies stay in force'),
    }),
  ),
  continuations: z
    .array(
      z.strictObject({
        by: z.string(),
        at: instantSchema,
        from: z.strictObject({ planId: z.string(), planVersion: z.number() }),
        to: z.strictObject({ planId: z.string(), planVersion: z.number() }),
        restepped: z
          .array(z.string())
          .describe('the namespaces stepped again: the stopped ones, and the verified ones whose policies change'),
      }),
    )
    .optional()
    .describe('each time the halted rollout went on with a newer plan version'),
  version: z.number().describe('+1 on every change'),
  updatedAt: instantSchema,
});
export type RolloutState = z.infer<typeof rolloutStateSchema>;
export type RolloutStatus = RolloutState['status'];
export type StepPhase = Step['phase'];
export type StageStatus = Stage['status'];

export const rolloutStallSchema = z.strictObject({
  since: instantSchema.describe('when the rollout was last due to move'),
  deadlineMs: z.number(),
  reason: z.string().describe('how long, and which namespaces are under way'),
});
export type RolloutStall = z.infer<typeof rolloutStallSchema>;

const withDescription = { description: z.string().describe('what the action would do, in words') };
export const nextActionSchema = z.discriminatedUnion('action', [
  z.strictObject({
    action: z.literal('declare-dependency'),
    ...withDescription,
    namespace: z.string(),
    probeId: z.string(),
    dependency: callSpecSchema,
  }),
  z.strictObject({ action: z.literal('continue'), ...withDescription, planId: z.string(), planVersion: z.number() }),
  z.strictObject({ action: z.literal('retry'), ...withDescription, namespace: z.string() }),
  z.strictObject({ action: z.literal('skip'), ...withDescription, namespace: z.string() }),
  z.strictObject({
    action: z.literal('approve-skip'),
    ...withDescription,
    namespace: z.string(),
    reason: z.string(),
    requestedBy: z.string(),
  }),
  z.strictObject({
    action: z.literal('reject-skip'),
    ...withDescription,
    namespace: z.string(),
    reason: z.string(),
    requestedBy: z.string(),
  }),
  z.strictObject({ action: z.literal('rollback'), ...withDescription }),
  z.strictObject({ action: z.literal('abort'), ...withDescription }),
]);
export type NextAction = z.infer<typeof nextActionSchema>;

/** A rollout with its stall when it has stopped moving, and what can be done about a halt (computed when read, never stored). */
export const rolloutViewSchema = rolloutStateSchema.extend({
  stalled: rolloutStallSchema.optional(),
  nextActions: z
    .array(nextActionSchema)
    .describe('what a person can do about the rollout now, each valid as it stands (empty unless it is halted)'),
});
export type RolloutView = z.infer<typeof rolloutViewSchema>;

/** How a step's planned probes stand: what the rollout page shows of them until the step is opened. */
export const probeCountsSchema = z.strictObject({
  total: z.number(),
  passed: z.number(),
  failed: z.number().describe('failed, or not enforced (a must-be-blocked probe got through)'),
});
export type ProbeCounts = z.infer<typeof probeCountsSchema>;

/** A step without its probes (counted instead) and its snapshot: GET /rollouts/{id}/steps/{namespace}/probes pages the probes. */
export const stepDigestSchema = stepSchema.omit({ probes: true, snapshot: true }).extend({ probeCounts: probeCountsSchema });
export type StepDigest = z.infer<typeof stepDigestSchema>;

/** A stage without its approval's evidence (the approvals inbox shows it): when the approval was asked for, and the decision. */
export const stageDigestSchema = stageSchema.omit({ approval: true }).extend({
  approval: z.strictObject({ requestedAt: instantSchema, decision: approvalDecisionSchema.optional() }).optional(),
});
export type StageDigest = z.infer<typeof stageDigestSchema>;

/**
 * A rollout as its page shows it: the view (status, halt, stall, next actions, config) with its stages
 * and steps less what is large and read only on demand: each step's probes, which a rollout of
 * thousands of namespaces carries by the hundred thousand, its snapshot, and the approvals' evidence.
 */
export const rolloutDigestSchema = rolloutViewSchema.omit({ stages: true, steps: true }).extend({
  view: z.literal('digest').describe('this is the light view (GET /rollouts/{id}/digest), not the whole state'),
  stages: z.array(stageDigestSchema),
  steps: z.array(stepDigestSchema),
});
export type RolloutDigest = z.infer<typeof rolloutDigestSchema>;

const phaseCountsSchema = z
  .partialRecord(z.enum(STEP_PHASES), z.number())
  .describe('How many namespaces are in each phase (phases with none are left out)');
export type PhaseCounts = z.infer<typeof phaseCountsSchema>;

/** A rollout as a list shows it: where it is and how far, without its steps (GET /rollouts/{id} has them). */
export const rolloutSummarySchema = rolloutViewSchema
  .pick({
    id: true,
    clusterId: true,
    planId: true,
    planVersion: true,
    createdBy: true,
    createdAt: true,
    status: true,
    scheduledAt: true,
    opensAt: true,
    startedAt: true,
    finishedAt: true,
    updatedAt: true,
    version: true,
    halt: true,
    pausedBy: true,
    stalled: true,
  })
  .extend({
    excluded: z
      .array(z.strictObject({ namespace: z.string(), reason: z.string() }))
      .describe("the plan's namespaces in no stage, each with why (empty on rollouts made before it was recorded)"),
    namespaces: z.number().describe("the namespaces the rollout steps (the cluster stage's step is not one: see guardrails)"),
    phases: phaseCountsSchema,
    guardrails: z
      .enum(STEP_PHASES)
      .optional()
      .describe("the phase of the cluster stage's step, which applies the plan's guardrails; absent without a cluster stage"),
    stages: z.array(
      z.strictObject({
        tier: stageTierSchema,
        status: z.enum(STAGE_STATUSES),
        display: z
          .enum(STAGE_DISPLAY_STATUSES)
          .describe("the stage's badge, read from the rollout's status and the stage's (stageDisplay)"),
        namespaces: z.number().describe('the namespaces of the stage: none for the cluster stage'),
        phases: phaseCountsSchema.describe("How many of the stage's steps are in each phase (phases with none are left out)"),
      }),
    ),
  });
export type RolloutSummary = z.infer<typeof rolloutSummarySchema>;

export const driftCheckSchema = z.strictObject({
  id: z.string(),
  clusterId: z.string(),
  rolloutId: z.string(),
  checkedAt: instantSchema,
  namespaces: z.number(),
  findings: z.array(
    z.strictObject({
      namespace: z.string(),
      kind: z.enum(['policy_removed', 'policy_changed', 'policy_added', 'probe_changed']),
      subject: z.string().describe('The policy or probe concerned'),
      message: z.string(),
    }),
  ),
});

export const rolloutCoverageSchema = z.strictObject({
  planId: z.string(),
  planVersion: z.number(),
  namespaces: z.array(
    z.strictObject({
      namespace: z.string(),
      tier: tierSchema.nullable().describe('its tier in the inventory; null: none, so it must be assigned a stage or excluded'),
      policies: z.number().describe('how many policies the plan has for it'),
      system: z.boolean().describe('one of the namespaces Kubernetes and its add-ons run in (kube-system and the like)'),
      recommended: z.string().describe('what to do with it, in words'),
    }),
  ),
});
export type RolloutCoverage = z.infer<typeof rolloutCoverageSchema>;

export const listRolloutsQuerySchema = z.strictObject({
  clusterId: z.uuid().optional(),
  status: z
    .enum([...ROLLOUT_STATUSES, 'active'])
    .optional()
    .describe('One status, or `active`: every status in which a rollout holds its cluster'),
  ...pageQueryShape({ default: 20, max: 100 }),
});

const rolloutParams = z.strictObject({ rolloutId: idParam });
const clusterParams = z.strictObject({ clusterId: idParam });

/** Which rollout a route answers: the whole state (the default, as before), or the light view its page reads. */
export const rolloutViewQuerySchema = z.strictObject({
  view: z
    .enum(['full', 'digest'])
    .default('full')
    .describe(
      'full: the whole state (default); digest: the light view of GET /rollouts/{id}/digest, without probes, snapshots or evidence',
    ),
});
export type RolloutViewChoice = z.output<typeof rolloutViewQuerySchema>['view'];

/** What a command answers: the rollout's state, or with `?view=digest` its light view. */
const stateOrDigest = z.union([rolloutStateSchema, rolloutDigestSchema]);
/** What an action on a halt answers: the rollout as GET /rollouts/{id} does, with the actions left, or with `?view=digest` its light view. */
const viewOrDigest = z.union([rolloutViewSchema, rolloutDigestSchema]);

const act = (action: string, summary: string) =>
  route({
    method: 'POST',
    path: `/api/v1/rollouts/:rolloutId/${action}`,
    summary,
    params: rolloutParams,
    query: rolloutViewQuerySchema,
    success: [200],
    response: stateOrDigest,
  });
const actWith = <B extends z.ZodType>(action: string, summary: string, body: B) =>
  route({
    method: 'POST',
    path: `/api/v1/rollouts/:rolloutId/${action}`,
    summary,
    params: rolloutParams,
    query: rolloutViewQuerySchema,
    body,
    success: [200],
    response: stateOrDigest,
  });
const actOnHalt = <B extends z.ZodType>(action: string, summary: string, body: B) =>
  route({
    method: 'POST',
    path: `/api/v1/rollouts/:rolloutId/${action}`,
    summary,
    params: rolloutParams,
    query: rolloutViewQuerySchema,
    body,
    success: [200],
    response: viewOrDigest,
  });

export const stepProbesQuerySchema = z.strictObject({ ...pageQueryShape({ default: 100, max: 500 }) });

export const rolloutRoutes = {
  createRollout: route({
    method: 'POST',
    path: '/api/v1/rollouts',
    summary: 'A rollout of a plan: its namespaces in stages dev, staging, prod, in waves, each proved by probes',
    query: rolloutViewQuerySchema,
    body: createRolloutSchema,
    success: [201],
    response: stateOrDigest,
  }),
  rolloutCoverage: route({
    method: 'GET',
    path: '/api/v1/plans/:planId/rollout-coverage',
    summary:
      "Every namespace of the plan with its tier, or none, and a recommended handling: what a rollout's request must place in a stage or exclude",
    params: z.strictObject({ planId: idParam }),
    success: [200],
    response: rolloutCoverageSchema,
  }),
  previewWindows: route({
    method: 'POST',
    path: '/api/v1/rollouts/preview-windows',
    summary: "The next three openings of each tier's maintenance windows minus freezes, for a config not yet used; creates nothing",
    body: previewWindowsSchema,
    success: [200],
    response: windowPreviewSchema,
  }),
  listRollouts: route({
    method: 'GET',
    path: '/api/v1/rollouts',
    summary: 'Newest first, in pages, as summaries: status, halt, stall, namespaces per stage and phase',
    query: listRolloutsQuerySchema,
    success: [200],
    response: pageOf(rolloutSummarySchema),
  }),
  getRollout: route({
    method: 'GET',
    path: '/api/v1/rollouts/:rolloutId',
    summary: 'The whole state of a rollout, with its stall if it has stopped moving',
    params: rolloutParams,
    success: [200],
    response: rolloutViewSchema,
  }),
  getRolloutDigest: route({
    method: 'GET',
    path: '/api/v1/rollouts/:rolloutId/digest',
    summary:
      "The light view of a rollout, as its page reads it: the view with each step's probes counted instead of listed, without snapshots or approval evidence",
    params: rolloutParams,
    success: [200],
    response: rolloutDigestSchema,
  }),
  listStepProbes: route({
    method: 'GET',
    path: '/api/v1/rollouts/:rolloutId/steps/:namespace/probes',
    summary: "A page of a step's probes, in the step's order, with their attempts and outcomes",
    params: z.strictObject({ rolloutId: idParam, namespace: identifierSchema(253).min(1) }),
    query: stepProbesQuerySchema,
    success: [200],
    response: pageOf(probeSchema),
  }),
  rolloutEvents: route({
    method: 'GET',
    path: '/api/v1/rollouts/:rolloutId/events',
    summary:
      "Server-sent events: first `rollout` with the rollout's whole state, then a `patch` each time it changes, stalls or has other next actions (a newer plan to continue with), until the client leaves or its token or session ends (a last `end` event says why)",
    params: rolloutParams,
    query: rolloutViewQuerySchema,
    success: [200],
    response: z
      .string()
      .describe(
        "text/event-stream; the `rollout` event's data is a rollout as GET /rollouts/{id} answers it (with `?view=digest`, as GET /rollouts/{id}/digest does), each `patch` event's data a RolloutPatch: what changed since the state sent before it (`from` names that state's version)",
      ),
    produces: 'text/event-stream',
  }),
  startRollout: act('start', 'Starts a draft'),
  pauseRollout: actWith('pause', 'Pauses before the next step', reasonSchema),
  resumeRollout: act('resume', 'Resumes a paused rollout'),
  abortRollout: actWith('abort', 'Stops the rollout and puts back the namespaces under way (or everything it changed)', abortSchema),
  rollbackRollout: actWith(
    'rollback',
    'Restores one namespace, one stage or everything the rollout applied, from the snapshots it took',
    rollbackSchema,
  ),
  approveStage: actWith('approve', 'Lets the next tier start. An approver, never the person who created the rollout', decisionSchema),
  rejectStage: actWith('reject', 'Refuses the next tier: the rollout halts', decisionSchema),
  declareDependency: actOnHalt(
    'declare-dependency',
    "From a failed probe of a halted rollout: declares the dependency it points at and makes the cluster's next plan version (a repeat finds both made)",
    declareDependencySchema,
  ),
  continueRollout: actOnHalt(
    'continue',
    'Goes on with a newer plan version, without aborting: stopped namespaces and verified ones whose policies change are stepped again',
    continueSchema,
  ),
  retryStep: actOnHalt('retry', "Runs a stopped namespace's step again", namespaceActionSchema),
  skipNamespace: actOnHalt(
    'skip',
    'Asks to leave a stopped namespace out, with a reason; an approver other than the asker must agree',
    skipSchema,
  ),
  approveSkip: actOnHalt(
    'approve-skip',
    'Agrees to a skip: the namespace is put back as it was, counts as excluded with the reason, and the rollout goes on',
    approveSkipSchema,
  ),
  rejectSkip: actOnHalt(
    'reject-skip',
    'Refuses a skip, saying why: the namespace stays stopped and the rollout halted; a skip can be asked for again',
    rejectSkipSchema,
  ),
  listDriftChecks: route({
    method: 'GET',
    path: '/api/v1/clusters/:clusterId/drift-checks',
    summary: "The latest re-checks of the cluster's rolled-out namespaces: policies changed by hand, probes that changed outcome",
    params: clusterParams,
    success: [200],
    response: z.array(driftCheckSchema),
  }),
  checkDrift: route({
    method: 'POST',
    path: '/api/v1/clusters/:clusterId/drift-checks',
    summary: 'Re-checks now instead of at the next scheduled pass',
    params: clusterParams,
    success: [202],
    response: queuedSchema,
  }),
};
