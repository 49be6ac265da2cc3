// @bulkhead/rollout: the staged rollout's pure domain. State in, next state and commands out.
export * from './domain/types';
export { DEFAULT_APPROVAL_TIERS } from '@bulkhead/contracts';
export { transition, transitionAll, APPROVER_ROLES } from './domain/machine';
export { outstandingCommands, isCommandCurrent, nextWake } from './domain/commands';
export { stallOf, SELF_DRIVEN_STATUSES } from './domain/stall';
export { nextActionsOf, suggestedDependency, type NewestPlan } from './domain/next-actions';
export { runKeyOf } from './domain/commands';
export { outlineOf, summaryOf, summaryOfOutline } from './domain/summary';
export { buildRollout, validateCreateInput, validateConfig, DEFAULT_CONFIG, stepIdOf, expectationOf, type Problem } from './domain/create';
export { previewWindows, PREVIEW_OPENINGS } from './domain/window-preview';
export {
  decideCoverage,
  isSystemNamespace,
  recommendedHandling,
  type Coverage,
  type CoverageChoice,
  type PlannedNamespace,
} from './domain/coverage';
export { planRollout, DEFAULT_WAVES, type PlanNamespace, type PlannedStage } from './domain/plan';
export {
  selectProbes,
  DEFAULT_DNS_NAMES,
  DEFAULT_BLOCKED_SAMPLE,
  type ProbeSelectionInput,
  type DependencyEdge,
  type WorkloadRef,
  type InventoryNamespaceInput,
  type InventoryWorkloadInput,
} from './domain/probes';
export {
  windowOpen,
  nextOpening,
  nextOpenings,
  windowClosesAt,
  compileWindow,
  DEFAULT_HORIZON_DAYS,
  type TimeWindow,
  type CronWindow,
  type RRuleWindow,
  type OnceWindow,
  type CompiledWindow,
  type Opening,
} from './domain/time/windows';
export { parseCron, cronMatchesDate, type Cron, type CronField } from './domain/time/cron';
export { parseRRule, rruleOccurrences, type RRule, type ByDay, type RRuleFrequency } from './domain/time/rrule';
export { InvalidScheduleError, type ScheduleError, type ParseResult } from './domain/time/schedule-error';
export { toLocal, fromLocal, offsetAt, isValidTimeZone, type LocalDateTime } from './domain/time/zone';
export * from './application';
