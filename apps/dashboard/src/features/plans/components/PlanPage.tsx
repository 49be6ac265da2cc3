import { useEffect } from 'react';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link, setQuery, useLocation } from '../../../app/router';
import type { PlanReview } from '@bulkhead/contracts';
import { formatDate, formatNumber, personName, plural } from '../../../shared/format';
import { ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { useCluster } from '../../../shared/use-clusters';
import { usePlan } from '../api';
import { FindingsTab } from './FindingsTab';
import { ImpactTab } from './ImpactTab';
import { PoliciesTab } from './PoliciesTab';
import { DiffTab } from './DiffTab';
import { GuardrailsTab } from './GuardrailsTab';
import { CoverageTab } from './CoverageTab';
import '../plans.css';

const TABS = [
  { key: 'impact', label: 'Impact' },
  { key: 'findings', label: 'Lint findings' },
  { key: 'policies', label: 'Policies' },
  { key: 'guardrails', label: 'Cluster guardrails' },
  { key: 'coverage', label: 'Coverage' },
  { key: 'diff', label: 'Diff' },
] as const;

/** One plan version as a reviewer reads it: what it blocks, what lint says, its YAML, and what changes. */
export function PlanPage({ planId }: { planId: string }) {
  const plan = usePlan(planId);
  const { query } = useLocation();
  const tab = TABS.find((t) => t.key === query.get('tab'))?.key ?? 'impact';
  const clusterId = plan.data?.clusterId;
  useEffect(() => {
    if (clusterId) rememberCluster(clusterId);
  }, [clusterId]);

  if (plan.isPending) return <Loading what="the plan" />;
  if (!plan.data)
    return (
      <div className="page">
        <ErrorNote error={plan.error} title="The plan could not be loaded." onRetry={() => void plan.refetch()} />
        <p>
          <Link to="/">Back to the overview</Link>
        </p>
      </div>
    );
  const p = plan.data;
  return (
    <div className="page">
      <PlanHeader plan={p} />
      <Counters plan={p} />
      <div className="tabs" role="tablist" aria-label="Plan review">
        {TABS.map((t) => (
          <button
            key={t.key}
            type="button"
            role="tab"
            aria-selected={tab === t.key}
            className={`tab${tab === t.key ? ' active' : ''}`}
            onClick={() => setQuery({ tab: t.key === 'impact' ? null : t.key })}
          >
            {t.label}
            {t.key === 'findings' && <span className="tab-count">{p.report.plan.findings.length + p.report.existingFindings.length}</span>}
            {t.key === 'policies' && <span className="tab-count">{p.summary.policies}</span>}
            {t.key === 'guardrails' && <span className="tab-count">{p.report.plan.clusterLayer.policies.length}</span>}
            {t.key === 'coverage' && p.report.coverage && (
              <span className="tab-count" title="namespaces observed for less than the minimum">
                {p.report.coverage.filter((ns) => ns.underObserved).length}
              </span>
            )}
          </button>
        ))}
      </div>
      <div role="tabpanel">
        {tab === 'impact' && <ImpactTab plan={p} />}
        {tab === 'findings' && <FindingsTab plan={p} />}
        {tab === 'policies' && <PoliciesTab plan={p} />}
        {tab === 'guardrails' && <GuardrailsTab plan={p} />}
        {tab === 'coverage' && <CoverageTab plan={p} />}
        {tab === 'diff' && <DiffTab plan={p} />}
      </div>
    </div>
  );
}

function PlanHeader({ plan: p }: { plan: PlanReview }) {
  const { can } = useAuth();
  const cluster = useCluster(p.clusterId);
  return (
    <PageHeader
      title={
        <>
          Plan v{p.version}
          <span className="cluster-name">
            <Link to={`/clusters/${p.clusterId}/plans`}>{cluster.data?.name ?? 'cluster'}</Link>
          </span>
        </>
      }
      subtitle={`Made ${formatDate(p.createdAt)} by ${personName(p.createdBy)} · ${plural(p.summary.policies, 'policy', 'policies')} in ${plural(p.summary.namespaces, 'namespace')}`}
      actions={
        <>
          <Link to={`/clusters/${p.clusterId}/plans`} className="btn">
            All versions
          </Link>
          {can('rollouts.create') && (
            <Link to={`/rollouts?new=${p.id}&cluster=${p.clusterId}`} className="btn btn-primary">
              Roll out this plan
            </Link>
          )}
        </>
      }
    />
  );
}

function Counters({ plan: p }: { plan: PlanReview }) {
  const s = p.summary;
  const before = s.blastRadius.before;
  const after = s.blastRadius.after;
  return (
    <dl className="stats">
      <div className="stat">
        <dt>Policies</dt>
        <dd>{formatNumber(s.policies)}</dd>
      </div>
      <div className="stat">
        <dt>Errors · warnings</dt>
        <dd>
          <span className={s.findings.error ? 'bad-text' : undefined}>{s.findings.error}</span> <span className="muted">·</span>{' '}
          <span className={s.findings.warning ? 'warn-text' : undefined}>{s.findings.warning}</span>
        </dd>
      </div>
      <div className="stat">
        <dt>Observed flows blocked</dt>
        <dd className={s.newlyBlocked ? 'bad-text' : undefined}>{formatNumber(s.newlyBlocked)}</dd>
      </div>
      <div className="stat">
        <dt>Edges not allowed</dt>
        <dd>{formatNumber(s.blockedEdges)}</dd>
      </div>
      <div className="stat">
        <dt>Risks</dt>
        <dd className={s.risks ? 'warn-text' : undefined}>{formatNumber(s.risks)}</dd>
      </div>
      <div className="stat" title="Workloads a compromised pod can reach, on average">
        <dt>Mean reach</dt>
        <dd>
          {before.meanReachableWorkloads.toFixed(1)} <span className="arrow-sep">→</span>{' '}
          <span className="good-text">{after.meanReachableWorkloads.toFixed(1)}</span>
        </dd>
      </div>
    </dl>
  );
}
