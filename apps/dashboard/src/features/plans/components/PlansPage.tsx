import { useEffect, useState } from 'react';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link, navigate } from '../../../app/router';
import { GUARDRAIL_PIECES, GUARDRAIL_STAGES, type GuardrailPiece, type GuardrailStage, type PlanSummary } from '@bulkhead/contracts';
import { ClusterPicker } from '../../../shared/ClusterPicker';
import { formatAgo, formatDate, personName } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Loading, LoadMore, PageHeader } from '../../../shared/ui';
import { useMakePlan, usePlans } from '../api';
import { GUARDRAIL_STAGE_WORDS, GUARDRAIL_WORDS } from '../guardrail-words';
import '../plans.css';

/** A cluster's plans, newest version first, each with what a reviewer looks at before anything else. */
export function PlansPage({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const plans = usePlans(clusterId);
  const make = useMakePlan(clusterId);
  const [guardrails, setGuardrails] = useState<Partial<Record<GuardrailPiece, boolean>>>({});
  const [stage, setStage] = useState<GuardrailStage>('afterProd');
  const anyGuardrail = GUARDRAIL_PIECES.some((piece) => guardrails[piece] === true);
  // Busy from the click until the new plan's page opens.
  const busy = make.isPending || make.isSuccess;
  useEffect(() => rememberCluster(clusterId), [clusterId]);

  return (
    <div className="page">
      <PageHeader
        title={
          <>
            Plans <ClusterPicker current={clusterId} to={(id) => `/clusters/${id}/plans`} />
          </>
        }
        subtitle="Each version is made from the inventory and the dependency map as they were at that moment: default-deny everywhere, DNS, and one allow per dependency, reviewed or not, except those a person rejected and those that cross tiers without a confirmation."
        actions={
          can('plans.create') && (
            <>
              <fieldset className="guardrail-switches" aria-label="Cluster guardrails">
                {GUARDRAIL_PIECES.map((piece) => (
                  <label key={piece} className="check" title={GUARDRAIL_WORDS[piece].meaning}>
                    <input
                      type="checkbox"
                      checked={guardrails[piece] === true}
                      onChange={(e) => setGuardrails({ ...guardrails, [piece]: e.target.checked })}
                    />{' '}
                    {GUARDRAIL_WORDS[piece].label}
                  </label>
                ))}
                {anyGuardrail && (
                  <label className="check" title="Where a rollout applies the guardrails, as a stage of their own that needs an approval">
                    rolled out{' '}
                    <select value={stage} onChange={(e) => setStage(e.target.value as GuardrailStage)} aria-label="Stage the guardrails">
                      {GUARDRAIL_STAGES.map((option) => (
                        <option key={option} value={option}>
                          {GUARDRAIL_STAGE_WORDS[option]}
                        </option>
                      ))}
                    </select>
                  </label>
                )}
              </fieldset>
              <button
                type="button"
                className="btn btn-primary"
                onClick={() =>
                  make.mutate(
                    { clusterLayer: guardrails, ...(anyGuardrail ? { guardrailStage: stage } : {}) },
                    { onSuccess: (plan) => navigate(`/plans/${plan.id}`) },
                  )
                }
                disabled={busy}
              >
                {busy ? 'Making the plan…' : 'Make a plan'}
              </button>
            </>
          )
        }
      />
      {make.error !== null && <ErrorNote error={make.error} title="The plan could not be made." />}
      {plans.isPending && <Loading what="plans" />}
      {plans.loadError !== null && (
        <ErrorNote error={plans.loadError} title="The plans could not be loaded." onRetry={() => void plans.refetch()} />
      )}
      {plans.items && plans.items.length === 0 && (
        <Empty title="No plan yet">
          {can('plans.create')
            ? 'Make the first plan with the button above. Every observed dependency is allowed unless a person rejects it, so review the map first: reject what should stop, confirm what crosses tiers.'
            : 'An operator makes plans from the dependency map. Every observed dependency is allowed unless a person rejects it.'}
        </Empty>
      )}
      {plans.items && plans.items.length > 0 && (
        <section className="card card-flush" aria-label="Plan versions">
          <div className="table-wrap">
            <table className="table" data-testid="plan-table">
              <thead>
                <tr>
                  <th>Version</th>
                  <th>Made</th>
                  <th className="num">Policies</th>
                  <th>Findings</th>
                  <th className="num">Flows blocked</th>
                  <th className="num">Risks</th>
                  <th>Blast radius (mean reach)</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {plans.items.map((p, i) => (
                  <tr key={p.id} data-testid="plan-row" data-version={p.version}>
                    <td>
                      <Link to={`/plans/${p.id}`} className="strong">
                        v{p.version}
                      </Link>{' '}
                      {i === 0 && <Badge tone="accent">latest</Badge>}
                    </td>
                    <td className="nowrap" title={formatDate(p.createdAt)}>
                      {formatAgo(p.createdAt)} <span className="muted">by {personName(p.createdBy)}</span>
                    </td>
                    <td className="num">
                      {p.summary.policies} <span className="muted">in {p.summary.namespaces} ns</span>
                    </td>
                    <td>
                      <FindingCounts counts={p.summary.findings} />
                    </td>
                    <td className="num">{p.summary.newlyBlocked > 0 ? <span className="bad-text">{p.summary.newlyBlocked}</span> : '0'}</td>
                    <td className="num">{p.summary.risks}</td>
                    <td className="nowrap">
                      <Reach summary={p.summary} />
                    </td>
                    <td className="actions-col">
                      <Link to={`/plans/${p.id}`} className="btn btn-small">
                        Review
                      </Link>
                      {can('rollouts.create') && (
                        <Link to={`/rollouts?new=${p.id}&cluster=${p.clusterId}`} className="btn btn-small">
                          Roll out
                        </Link>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore shown={plans.items.length} noun="plan versions" list={plans} />
        </section>
      )}
    </div>
  );
}

export function FindingCounts({ counts }: { counts: PlanSummary['findings'] }) {
  if (!counts.error && !counts.warning && !counts.info) return <span className="muted">none</span>;
  return (
    <span className="badges">
      {counts.error > 0 && (
        <Badge tone="bad">
          {counts.error} error{counts.error === 1 ? '' : 's'}
        </Badge>
      )}
      {counts.warning > 0 && (
        <Badge tone="warn">
          {counts.warning} warning{counts.warning === 1 ? '' : 's'}
        </Badge>
      )}
      {counts.info > 0 && <Badge tone="neutral">{counts.info} info</Badge>}
    </span>
  );
}

function Reach({ summary }: { summary: PlanSummary }) {
  const { before, after } = summary.blastRadius;
  return (
    <span title="Workloads a compromised pod can reach, on average: before the plan → after it">
      {before.meanReachableWorkloads.toFixed(1)} <span className="arrow-sep">→</span>{' '}
      <strong className="good-text">{after.meanReachableWorkloads.toFixed(1)}</strong>
    </span>
  );
}
