import { useState } from 'react';
import { useAuth } from '../../../app/auth';
import { Link } from '../../../app/router';
import { type RolloutDigest, type StageDigest, type StageDisplay, stageDisplaysOf, type StepDigest } from '@bulkhead/contracts';
import { formatAgo, formatDate, personName } from '../../../shared/format';
import { formatDuration, PHASE_TONE, STAGE_TONE, STATUS_TONE, statusWords, STAGE_NAME } from '../../../shared/rollout-words';
import { ProbeTable, rowsOfProbes } from '../../../shared/ProbeTable';
import { Badge, ErrorNote, LoadMore, Loading, PageHeader } from '../../../shared/ui';
import { useCluster } from '../../../shared/use-clusters';
import { useStepProbes } from '../api';
import { type Liveness, useRolloutStream } from '../hooks/use-rollout-stream';
import { HaltActions } from './HaltActions';
import { RolloutControls } from './RolloutControls';
import '../rollouts.css';

const LIVENESS: Record<Liveness, { text: string; title: string }> = {
  connecting: { text: 'Connecting…', title: 'Opening the live stream of changes' },
  live: { text: 'Live', title: 'Changes appear as they happen (server-sent events)' },
  polling: {
    text: 'Reconnecting · checking every 2 s',
    title: 'The live stream is down: the page asks for the state every 2 seconds until it is back',
  },
  ended: { text: 'Ended', title: 'The rollout has ended: nothing will change unless someone rolls it back' },
};

/** A rollout's timeline, live: stages by tier with their approvals, every namespace step with its probes counted (listed once opened). */
export function RolloutPage({ rolloutId }: { rolloutId: string }) {
  const { rollout, liveness } = useRolloutStream(rolloutId);
  const r = rollout.data;
  if (!r && rollout.isError)
    return (
      <div className="page">
        <ErrorNote error={rollout.error} title="The rollout could not be loaded." onRetry={() => void rollout.refetch()} />
        <p>
          <Link to="/rollouts">All rollouts</Link>
        </p>
      </div>
    );
  if (!r) return <Loading what="the rollout" />;

  // One per stage, in the order of r.stages.
  const displays = stageDisplaysOf(r);
  const excluded = r.excluded ?? [];

  return (
    <div className="page" data-testid="rollout" data-status={r.status}>
      <RolloutHeader rollout={r} liveness={liveness} />
      {r.halt && r.status === 'halted' && (
        <div className="note note-error" role="alert" data-testid="halt">
          <div>
            <strong>Halted{r.halt.namespace ? ` in ${r.halt.namespace}` : ''}: </strong>
            {r.halt.message}
            <div className="small">
              {r.halt.code.replace(/_/g, ' ')} · {formatDate(r.halt.at)}
              {r.halt.by && ` · by ${personName(r.halt.by)}`}
            </div>
          </div>
        </div>
      )}
      {r.halt && r.status !== 'halted' && (
        <div className="note note-info" data-testid="halted-before">
          Halted {formatDate(r.halt.at)}
          {r.halt.namespace ? ` in ${r.halt.namespace}` : ''} ({r.halt.code.replace(/_/g, ' ')}) before it was {statusWords(r.status)}:{' '}
          {r.halt.message}
        </div>
      )}
      <HaltActions rollout={r} />
      {r.stalled && (
        <div className="note note-warn" role="alert" data-testid="stalled">
          <div>
            <strong>Stalled since {formatDate(r.stalled.since)}: </strong>
            {r.stalled.reason}.
            <div className="small">
              Every worker re-checks the rollouts every 30 s and on reconnecting to Redis. If this stays, check that a worker is running and
              can reach Redis and the cluster.
            </div>
          </div>
        </div>
      )}
      {r.status === 'waiting_window' && (
        <div className="note note-info" data-testid="waiting-window">
          Waiting for a maintenance window:{' '}
          {r.opensAt ? `the next wave starts ${formatDate(r.opensAt)}` : 'no window opens within a year; check the windows and freezes'}.
          Steps under way finish.
        </div>
      )}
      {r.status === 'waiting_coverage' && r.coverageWait && (
        <div className="note note-info" data-testid="waiting-coverage">
          Waiting for observation: the {STAGE_NAME[r.coverageWait.tier]} tier asks for {r.coverageWait.minObservedDays} days without a gap
          before a namespace&apos;s step starts.{' '}
          {r.coverageWait.measuring ? (
            'Measuring the next wave now.'
          ) : (
            <>
              Short of it:{' '}
              {r.coverageWait.short
                .map(
                  (s) =>
                    `${s.namespace} (${s.observedSince ? `${s.observedDays} days since ${formatDate(s.observedSince)}` : 'never observed'})`,
                )
                .join(', ')}
              . Measured again {formatDate(r.coverageWait.recheckAt)}; nothing has been applied to them. A source that is down or lagging
              keeps the wait going: check the cluster&apos;s flow sources.
            </>
          )}
        </div>
      )}
      {r.status === 'scheduled' && r.scheduledAt && <div className="note note-info">Scheduled: starts {formatDate(r.scheduledAt)}.</div>}
      {r.status === 'paused' && (
        <div className="note note-warn">
          Paused{r.pausedBy ? ` by ${personName(r.pausedBy)}` : ''}: nothing new starts until an operator resumes it. Steps under way
          finish.
        </div>
      )}
      <RolloutControls rollout={r} />
      <Progress rollout={r} />
      {r.stages.map((stage, i) => (
        <StageCard key={stage.tier} rollout={r} stage={stage} display={displays[i]!} />
      ))}
      {excluded.length > 0 && (
        <section className="card" aria-labelledby="excluded-title" data-testid="excluded">
          <div className="card-head">
            <h2 id="excluded-title">
              Excluded <span className="muted">{excluded.length}</span>
            </h2>
            <span className="muted small">namespaces of the plan this rollout leaves alone, on purpose</span>
          </div>
          <ul className="plain-list">
            {excluded.map((e) => (
              <li key={e.namespace}>
                <strong>{e.namespace}</strong> <span className="muted">· {e.reason}</span>
              </li>
            ))}
          </ul>
        </section>
      )}
      {r.rollbacks.length > 0 && (
        <section className="card" aria-labelledby="rollbacks-title">
          <div className="card-head">
            <h2 id="rollbacks-title">Rollbacks and aborts</h2>
          </div>
          <ul className="plain-list">
            {r.rollbacks.map((b, i) => (
              <li key={i}>
                <Badge tone="warn">{b.kind}</Badge>{' '}
                {b.scope
                  ? b.scope.kind === 'all'
                    ? 'everything'
                    : b.scope.kind === 'stage'
                      ? `the ${b.scope.tier} stage`
                      : b.scope.namespace
                  : 'the rollout'}{' '}
                by {personName(b.by)}, {formatDate(b.at)}
                {b.reason && <span className="muted"> · “{b.reason}”</span>}
                {b.kind === 'abort' && (
                  <div className="small" data-testid="abort-left">
                    {b.restore === 'everything'
                      ? 'Put back every namespace this rollout changed.'
                      : b.leftEnforced && b.leftEnforced.length > 0
                        ? `Left enforced (verified, plan v${r.planVersion} stays): ${b.leftEnforced.join(', ')}. Roll them back to restore them.`
                        : 'Put back what was under way; no namespace was verified, so nothing stays enforced.'}
                  </div>
                )}
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}

function RolloutHeader({ rollout: r, liveness }: { rollout: RolloutDigest; liveness: Liveness }) {
  const cluster = useCluster(r.clusterId);
  const c = r.config;
  return (
    <PageHeader
      title={
        <>
          Rollout of plan <Link to={`/plans/${r.planId}`}>v{r.planVersion}</Link>
          <span className="cluster-name">{cluster.data?.name ?? '…'}</span>
          <Badge tone={STATUS_TONE[r.status]}>
            <span data-testid="rollout-status">{statusWords(r.status)}</span>
          </Badge>
          {r.stalled && (
            <Badge tone="warn" title={r.stalled.reason}>
              <span data-testid="rollout-stalled">stalled</span>
            </Badge>
          )}
        </>
      }
      subtitle={
        <>
          Created {formatDate(r.createdAt)} by {personName(r.createdBy)} · waves of {c.waves.join(', ')} · settle{' '}
          {formatDuration(c.settleMs)} · probes: {c.probe.retries + 1} tries, {formatDuration(c.probe.timeoutMs)} timeout
        </>
      }
      actions={
        <span className={`live live-${liveness}`} title={LIVENESS[liveness].title} data-testid="liveness">
          <span className="live-dot" aria-hidden="true" />
          {LIVENESS[liveness].text}
        </span>
      }
    />
  );
}

function Progress({ rollout: r }: { rollout: RolloutDigest }) {
  // The cluster stage's step is the guardrails, shown apart: it is not one of the namespaces counted.
  const namespaces = r.steps.filter((s) => s.tier !== 'cluster');
  const guardrails = r.steps.find((s) => s.tier === 'cluster');
  const total = namespaces.length;
  const verified = namespaces.filter((s) => s.phase === 'verified').length;
  const restored = namespaces.filter((s) => s.phase === 'restored' || s.phase === 'restoring').length;
  const busy = namespaces.filter((s) => !['pending', 'verified', 'restored', 'restoring'].includes(s.phase)).length;
  const excluded = r.excluded?.length ?? 0;
  const pct = (n: number) => `${total ? (n / total) * 100 : 0}%`;
  return (
    <div className="rollout-progress">
      <div
        className="progress progress-stacked"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={verified}
        aria-label="Namespaces verified"
      >
        <div className="progress-bar progress-succeeded" style={{ width: pct(verified) }} />
        <div className="progress-bar" style={{ width: pct(busy) }} />
        <div className="progress-bar progress-failed" style={{ width: pct(restored) }} />
      </div>
      <span className="small muted nowrap" data-testid="progress">
        {verified} of {total} namespaces verified{busy > 0 && ` · ${busy} under way`}
        {restored > 0 && ` · ${restored} put back`}
        {excluded > 0 && ` · ${excluded} excluded`}
        {guardrails && ` · guardrails ${statusWords(guardrails.phase)}`}
      </span>
    </div>
  );
}

function StageCard({ rollout: r, stage, display }: { rollout: RolloutDigest; stage: StageDigest; display: StageDisplay }) {
  const { can } = useAuth();
  const steps = r.steps.filter((s) => s.tier === stage.tier).sort((a, b) => a.wave - b.wave || a.namespace.localeCompare(b.namespace));
  const decision = stage.approval?.decision;
  return (
    <section
      className={`card stage stage-${stage.tier}`}
      data-testid="stage"
      data-tier={stage.tier}
      data-status={stage.status}
      data-display={display.status}
      aria-labelledby={`stage-${stage.tier}`}
    >
      <div className="stage-head">
        <h2 id={`stage-${stage.tier}`}>
          {STAGE_NAME[stage.tier]}{' '}
          {stage.tier !== 'cluster' && (
            <span className="muted" data-testid="stage-count">
              {display.verified}/{display.namespaces}
            </span>
          )}
        </h2>
        <Badge tone={STAGE_TONE[display.status]}>
          <span data-testid="stage-badge">{statusWords(display.status)}</span>
        </Badge>
        <div className="stage-approval">
          {decision ? (
            <span data-testid="decision">
              {decision.approved ? 'Approved' : 'Rejected'} by {personName(decision.by)} {formatAgo(decision.at)}
              {decision.comment && <span className="muted"> · “{decision.comment}”</span>}
            </span>
          ) : stage.status === 'waiting_approval' ? (
            <span>
              Waiting for an approver since {formatAgo(stage.approval?.requestedAt)}
              {can('rollouts.approve') && (
                <>
                  {' · '}
                  <Link to="/approvals">Decide in the approvals inbox</Link>
                </>
              )}
            </span>
          ) : stage.tier === 'cluster' && stage.status === 'pending' ? (
            <span className="muted">needs an approval: it changes the cluster-scoped policies that every namespace is subject to</span>
          ) : stage.tier !== 'dev' && stage.status === 'pending' ? (
            <span className="muted">needs an approval once the previous tier is verified</span>
          ) : null}
        </div>
      </div>
      {stage.tier === 'cluster' && (
        <p className="muted small" data-testid="cluster-stage-note">
          The plan&apos;s ClusterNetworkPolicies, applied beside those the cluster holds; a failed probe puts back exactly the
          cluster-scoped policies it had before.
        </p>
      )}
      {steps.length === 0 ? (
        <p className="muted">No namespace of this tier is part of the rollout.</p>
      ) : (
        <table className="table steps">
          <thead>
            <tr>
              <th>{stage.tier === 'cluster' ? 'Scope' : 'Namespace'}</th>
              <th>Wave</th>
              <th>Phase</th>
              <th>Probes</th>
              <th>Since</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {steps.map((s) => (
              <StepRows key={s.id} rollout={r} step={s} />
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function StepRows({ rollout: r, step: s }: { rollout: RolloutDigest; step: StepDigest }) {
  const { total, passed, failed } = s.probeCounts;
  const failing = failed > 0 || !!s.haltReason;
  const [toggled, setToggled] = useState<boolean | null>(null);
  const open = toggled ?? failing;
  const since = s.verifiedAt ?? s.restoredAt ?? s.appliedAt ?? s.startedAt;
  return (
    <>
      <tr className={`step-row${failing ? ' step-failing' : ''}`} data-testid="step" data-namespace={s.namespace} data-phase={s.phase}>
        <td className="mono">{s.tier === 'cluster' ? 'cluster-scoped policies' : s.namespace}</td>
        <td className="num">{s.wave + 1}</td>
        <td>
          <Badge tone={PHASE_TONE[s.phase]}>
            <span className="phase">{s.phase}</span>
          </Badge>
          {s.restoredWithoutChange && <span className="muted small"> nothing to put back</span>}
        </td>
        <td className="nowrap">
          {total === 0 ? (
            <span className="muted">—</span>
          ) : passed + failed === 0 ? (
            <span className="muted">{total} planned</span>
          ) : (
            <>
              {passed}/{total} passed{failed > 0 && <span className="bad-text"> · {failed} failed</span>}
            </>
          )}
        </td>
        <td className="nowrap muted small">{since ? formatAgo(since) : 'not started'}</td>
        <td className="actions-col">
          {(total > 0 || s.haltReason) && (
            <button type="button" className="linklike" aria-expanded={open} onClick={() => setToggled(!open)}>
              {open ? 'Hide probes' : 'Probes'}
            </button>
          )}
        </td>
      </tr>
      {open && (
        <tr className="step-detail">
          <td colSpan={6}>
            {s.haltReason && (
              <div className="note note-error small">
                <span>
                  <strong>Halted here: </strong>
                  {s.haltReason.message}
                </span>
              </div>
            )}
            {s.restore?.lastError && (
              <div className="note note-warn small">
                Restore attempt {s.restore.attempt} failed: {s.restore.lastError}
              </div>
            )}
            {total > 0 && <StepProbes rollout={r} step={s} />}
          </td>
        </tr>
      )}
    </>
  );
}

/** An opened step's probes, read a page at a time (a step of a large rollout plans hundreds), again when the rollout moves. */
function StepProbes({ rollout: r, step: s }: { rollout: RolloutDigest; step: StepDigest }) {
  const probes = useStepProbes(r.id, s.namespace, r.version);
  if (probes.loadError)
    return <ErrorNote error={probes.loadError} title="The probes could not be loaded." onRetry={() => void probes.refetch()} />;
  if (!probes.items) return <Loading what="the probes" />;
  return (
    <>
      <ProbeTable rows={rowsOfProbes(probes.items)} testId="probes" />
      <LoadMore shown={probes.items.length} noun="probes" list={probes} />
    </>
  );
}
