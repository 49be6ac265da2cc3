import type { ClusterView, RolloutCoverage, Tier } from '@bulkhead/contracts';
import { type FormEvent, useEffect, useState } from 'react';
import { ApiError } from '../../../api/client';
import { navigate } from '../../../app/router';
import { formatAgo, personName } from '../../../shared/format';
import { ErrorNote, Field } from '../../../shared/ui';
import { usePlans } from '../../plans/api';
import { useCreateRollout, useRolloutCoverage } from '../api';
import { configOfSchedule, EMPTY_SCHEDULE, WindowsEditor } from './WindowsEditor';

const parseWaves = (text: string): number[] | null => {
  const parts = text.split(/[\s,]+/).filter(Boolean);
  if (parts.length === 0) return null;
  const nums = parts.map(Number);
  return nums.every((n) => Number.isInteger(n) && n >= 1) ? nums : null;
};

/** What the form does with a namespace without a tier: a stage, or an exclusion; '' until the user chooses. */
type Placement = Tier | 'exclude' | '';

/** The first choice offered: system namespaces excluded, as recommended; others wait for the user. */
const initialPlacements = (coverage: RolloutCoverage): Record<string, Placement> =>
  Object.fromEntries(coverage.namespaces.filter((ns) => ns.tier === null).map((ns) => [ns.namespace, ns.system ? 'exclude' : '']));

/** Operators: a rollout of one plan version, with its waves, settle time, probe patience, windows and freezes, and where each namespace goes. */
export function NewRolloutForm({
  clusters,
  initialCluster,
  initialPlan,
  onCancel,
}: {
  clusters: ClusterView[];
  initialCluster?: string;
  initialPlan?: string;
  onCancel(): void;
}) {
  const [clusterId, setClusterId] = useState(
    initialCluster && clusters.some((c) => c.id === initialCluster) ? initialCluster : (clusters[0]?.id ?? ''),
  );
  // The newest plan versions (the first page): the ones worth rolling out.
  const planList = usePlans(clusterId);
  const plans = planList.data?.pages[0]?.items;
  const [planId, setPlanId] = useState(initialPlan ?? '');
  const [waves, setWaves] = useState('1, 2, 4');
  const [settle, setSettle] = useState('30');
  const [retries, setRetries] = useState('2');
  const [timeout, setTimeoutMs] = useState('5000');
  const [retryDelay, setRetryDelay] = useState('10000');
  const [start, setStart] = useState(true);
  const [schedule, setSchedule] = useState(EMPTY_SCHEDULE);
  const create = useCreateRollout();
  // Busy from the click until the new rollout's page opens.
  const busy = create.isPending || create.isSuccess;
  const { error } = create;
  const [local, setLocal] = useState<Record<string, string>>({});
  const coverage = useRolloutCoverage(planId);
  const [placements, setPlacements] = useState<Record<string, Placement>>({});
  const [reasons, setReasons] = useState<Record<string, string>>({});
  useEffect(() => {
    if (coverage.data) setPlacements(initialPlacements(coverage.data));
  }, [coverage.data]);
  const defaultReason = (namespace: string) =>
    coverage.data?.namespaces.find((ns) => ns.namespace === namespace)?.system ? 'system namespace' : '';

  useEffect(() => {
    if (plans && !plans.some((p) => p.id === planId)) setPlanId(plans[0]?.id ?? '');
  }, [plans, planId]);

  const problem = (f: string) => local[f] ?? (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const w = parseWaves(waves);
    const numbers = { settle: Number(settle), retries: Number(retries), timeoutMs: Number(timeout), retryDelayMs: Number(retryDelay) };
    const found: Record<string, string> = {};
    if (!planId) found.planId = 'choose a plan (make one on the Plans page first)';
    if (!w) found.waves = 'whole numbers of namespaces, e.g. "1, 2, 4"';
    if (!(numbers.settle >= 0)) found.settleMs = 'seconds, 0 or more';
    if (!Number.isInteger(numbers.retries) || numbers.retries < 0) found.retries = 'a whole number, 0 or more';
    if (!Number.isInteger(numbers.timeoutMs) || numbers.timeoutMs < 100) found.timeoutMs = 'milliseconds, 100 or more';
    if (!Number.isInteger(numbers.retryDelayMs) || numbers.retryDelayMs < 0) found.retryDelayMs = 'milliseconds, 0 or more';
    for (const [namespace, placement] of Object.entries(placements)) {
      if (placement === '') found[`assign.${namespace}`] = 'choose a stage, or exclude it';
      else if (placement === 'exclude' && !(reasons[namespace] ?? defaultReason(namespace)).trim())
        found[`assign.${namespace}`] = 'say why it is left out';
    }
    setLocal(found);
    if (Object.keys(found).length) return;
    const assign = Object.fromEntries(
      Object.entries(placements).filter((entry): entry is [string, Tier] => entry[1] !== 'exclude' && entry[1] !== ''),
    );
    const exclude = Object.entries(placements)
      .filter(([, placement]) => placement === 'exclude')
      .map(([namespace]) => ({ namespace, reason: (reasons[namespace] ?? defaultReason(namespace)).trim() }));
    create.mutate(
      {
        planId,
        start,
        assign,
        exclude,
        config: {
          waves: w!,
          settleMs: Math.round(numbers.settle * 1000),
          probe: { retries: numbers.retries, timeoutMs: numbers.timeoutMs, retryDelayMs: numbers.retryDelayMs },
          ...configOfSchedule(schedule),
        },
      },
      { onSuccess: (created) => navigate(`/rollouts/${created.id}`) },
    );
  };

  return (
    <form className="card new-rollout" onSubmit={submit} aria-labelledby="new-rollout-title" noValidate>
      <div className="card-head">
        <h2 id="new-rollout-title">New rollout</h2>
        <span className="muted small">dev first, then staging and prod, each after an approval</span>
      </div>
      <div className="form-grid form-grid-rollout">
        <Field label="Cluster" htmlFor="ro-cluster">
          <select id="ro-cluster" value={clusterId} onChange={(e) => setClusterId(e.target.value)}>
            {clusters.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name}
              </option>
            ))}
          </select>
        </Field>
        <Field
          label="Plan"
          htmlFor="ro-plan"
          problem={problem('planId')}
          hint={planList.isLoading ? 'Loading plans…' : plans?.length === 0 || !clusterId ? 'This cluster has no plan yet.' : undefined}
        >
          <select id="ro-plan" value={planId} onChange={(e) => setPlanId(e.target.value)} disabled={!plans?.length}>
            {plans?.map((p, i) => (
              <option key={p.id} value={p.id}>
                v{p.version}
                {i === 0 ? ' (latest)' : ''} · {personName(p.createdBy)}, {formatAgo(p.createdAt)}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Waves" htmlFor="ro-waves" problem={problem('waves')} hint="Namespaces per wave; the last repeats">
          <input id="ro-waves" value={waves} onChange={(e) => setWaves(e.target.value)} />
        </Field>
        <Field label="Settle time (s)" htmlFor="ro-settle" problem={problem('settleMs')} hint="Wait after applying">
          <input id="ro-settle" inputMode="decimal" value={settle} onChange={(e) => setSettle(e.target.value)} />
        </Field>
        <Field label="Probe retries" htmlFor="ro-retries" problem={problem('retries')}>
          <input id="ro-retries" inputMode="numeric" value={retries} onChange={(e) => setRetries(e.target.value)} />
        </Field>
        <Field label="Probe timeout (ms)" htmlFor="ro-timeout" problem={problem('timeoutMs')}>
          <input id="ro-timeout" inputMode="numeric" value={timeout} onChange={(e) => setTimeoutMs(e.target.value)} />
        </Field>
        <Field label="Retry delay (ms)" htmlFor="ro-delay" problem={problem('retryDelayMs')}>
          <input id="ro-delay" inputMode="numeric" value={retryDelay} onChange={(e) => setRetryDelay(e.target.value)} />
        </Field>
      </div>
      {coverage.data && (
        <fieldset className="coverage" data-testid="coverage">
          <legend>
            Namespaces of the plan <span className="muted small">each goes to a stage or is excluded with a reason</span>
          </legend>
          <ul className="plain-list">
            {coverage.data.namespaces.map((ns) => (
              <li key={ns.namespace} data-namespace={ns.namespace}>
                <strong>{ns.namespace}</strong> <span className="muted small">{ns.policies} policies</span>{' '}
                {ns.tier ? (
                  <span className="muted">{ns.tier} stage</span>
                ) : (
                  <>
                    <select
                      aria-label={`Stage of ${ns.namespace}`}
                      value={placements[ns.namespace] ?? ''}
                      onChange={(e) => setPlacements({ ...placements, [ns.namespace]: e.target.value as Placement })}
                    >
                      <option value="">no tier: choose…</option>
                      <option value="dev">dev stage</option>
                      <option value="staging">staging stage</option>
                      <option value="prod">last, with prod</option>
                      <option value="exclude">exclude</option>
                    </select>
                    {placements[ns.namespace] === 'exclude' && (
                      <input
                        aria-label={`Why ${ns.namespace} is excluded`}
                        placeholder="why it is left out"
                        value={reasons[ns.namespace] ?? defaultReason(ns.namespace)}
                        onChange={(e) => setReasons({ ...reasons, [ns.namespace]: e.target.value })}
                      />
                    )}
                    <div className="small muted">Recommended: {ns.recommended}</div>
                    {problem(`assign.${ns.namespace}`) && <div className="field-problem">{problem(`assign.${ns.namespace}`)}</div>}
                  </>
                )}
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <WindowsEditor draft={schedule} onChange={setSchedule} createError={error} />
      {general !== null && <ErrorNote error={general} title="The rollout was not created." />}
      <div className="form-actions">
        <label className="check">
          <input type="checkbox" checked={start} onChange={(e) => setStart(e.target.checked)} /> Start now (otherwise a draft to start
          later)
        </label>
        <button type="button" className="btn btn-ghost" onClick={onCancel}>
          Cancel
        </button>
        <button type="submit" className="btn btn-primary" disabled={busy || !planId}>
          {busy ? 'Creating…' : start ? 'Create and start' : 'Create draft'}
        </button>
      </div>
    </form>
  );
}
