import { type FormEvent, Fragment, useState } from 'react';
import { useAuth } from '../../../app/auth';
import { Link } from '../../../app/router';
import type { ApprovalItem, StageTier } from '@bulkhead/contracts';
import { formatAgo, formatDate, personName, plural } from '../../../shared/format';
import { PHASE_TONE, PROBE_KIND_WORDS, STAGE_NAME } from '../../../shared/rollout-words';
import { ProbeTable, rowsOfEvidence } from '../../../shared/ProbeTable';
import { Badge, Empty, ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { useClusters } from '../../../shared/use-clusters';
import { useApprovals, useDecide } from '../api';
import '../approvals.css';

/** Stages waiting for a decision, with the probes of the tier before them as evidence. */
export function ApprovalsPage() {
  const { can } = useAuth();
  const items = useApprovals();
  const clusters = useClusters();
  const names = new Map((clusters.data ?? []).map((c) => [c.id, c.name]));
  const [done, setDone] = useState<string | null>(null);

  const list = items.data ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Approvals"
        subtitle={
          can('rollouts.approve')
            ? 'Each later tier of a rollout starts only once an approver has looked at how the tier before it went. Nobody approves a rollout they created.'
            : 'What waits for an approver. Your role can read the evidence but not decide.'
        }
      />
      {done && (
        <div className="note note-info" role="status">
          {done}
        </div>
      )}
      {items.isPending && <Loading what="approvals" />}
      {items.isError && <ErrorNote error={items.error} title="The approvals could not be loaded." onRetry={() => void items.refetch()} />}
      {items.data && list.length === 0 && (
        <Empty title="Nothing waits for an approval">When a rollout finishes a tier, its next tier appears here with the evidence.</Empty>
      )}
      {list.map((item) => (
        <ApprovalCard key={`${item.rolloutId}.${item.tier}`} item={item} clusterName={names.get(item.clusterId)} onDecided={setDone} />
      ))}
    </div>
  );
}

function ApprovalCard({ item, clusterName, onDecided }: { item: ApprovalItem; clusterName?: string; onDecided(text: string): void }) {
  const { can } = useAuth();
  const [comment, setComment] = useState('');
  const decide = useDecide();
  // Busy from the click until the card leaves the inbox.
  const busy = decide.isPending || decide.isSuccess ? (decide.variables?.verdict ?? null) : null;
  const { error } = decide;
  const probes = item.evidence.steps.flatMap((s) => s.probes);
  const passed = probes.filter((p) => p.outcome === 'passed').length;
  const allVerified = item.evidence.steps.every((s) => s.phase === 'verified');
  const { previousTier } = item.evidence;
  const fieldId = `comment-${item.rolloutId}-${item.tier}`;

  const send = (verdict: 'approve' | 'reject') =>
    decide.mutate(
      { rolloutId: item.rolloutId, verdict, tier: item.tier, comment },
      {
        onSuccess: () =>
          onDecided(
            `${STAGE_NAME[item.tier]} of plan v${item.planVersion} ${verdict === 'approve' ? 'approved: it starts now' : 'rejected: the rollout stops there'}.`,
          ),
      },
    );
  const submit = (e: FormEvent) => {
    e.preventDefault();
    send('approve');
  };

  return (
    <section
      className="card approval"
      data-testid="approval"
      data-tier={item.tier}
      data-rollout={item.rolloutId}
      aria-label={`${STAGE_NAME[item.tier]} of plan v${item.planVersion}`}
    >
      <div className="approval-head">
        <div>
          <h2>
            <Badge tone="accent">{STAGE_NAME[item.tier]}</Badge> of plan v{item.planVersion} on {clusterName ?? 'a cluster'}
          </h2>
          <div className="muted small">
            Rollout by {personName(item.createdBy)} · asked {formatAgo(item.requestedAt)} ({formatDate(item.requestedAt)}) ·{' '}
            <Link to={`/rollouts/${item.rolloutId}`}>Open the rollout</Link> · <Link to={`/plans/${item.planId}?tab=diff`}>Plan diff</Link>
          </div>
        </div>
        {previousTier ? (
          <div className={`evidence-verdict ${allVerified && passed === probes.length ? 'good-text' : 'warn-text'}`}>
            {STAGE_NAME[previousTier]}:{' '}
            {previousTier === 'cluster'
              ? allVerified
                ? 'verified'
                : 'not verified'
              : `${plural(item.evidence.steps.length, 'namespace')} ${allVerified ? 'verified' : 'not all verified'}`}
            , {passed}/{probes.length} probes passed
          </div>
        ) : (
          <div className="evidence-verdict warn-text">First stage of this rollout: no earlier tier has proven the plan</div>
        )}
      </div>

      {previousTier ? (
        <Evidence item={item} previousTier={previousTier} />
      ) : (
        <p className="muted small" data-testid="no-evidence">
          {STAGE_NAME[item.tier]} is where this rollout begins, and its policy asks for an approval before anything is applied. Read the
          plan diff before you decide.
        </p>
      )}

      {!can('rollouts.approve') ? (
        <p className="muted small">Only approvers and admins decide.</p>
      ) : item.mine ? (
        <div className="note note-warn" data-testid="own-rollout">
          You created this rollout, so someone else must approve it: every change to a tier is seen by two people.
        </div>
      ) : (
        <form className="decision" onSubmit={submit}>
          <label htmlFor={fieldId}>Comment (kept in the audit log)</label>
          <div className="decision-row">
            <input
              id={fieldId}
              value={comment}
              onChange={(e) => setComment(e.target.value)}
              placeholder={
                previousTier
                  ? `e.g. ${previousTier} probes all green, change window agreed`
                  : 'e.g. plan diff reviewed, change window agreed'
              }
              maxLength={2000}
            />
            <button type="submit" className="btn btn-primary" disabled={!!busy}>
              {busy === 'approve' ? 'Approving…' : `Approve ${STAGE_NAME[item.tier].toLowerCase()}`}
            </button>
            <button type="button" className="btn btn-danger-ghost" disabled={!!busy} onClick={() => send('reject')}>
              {busy === 'reject' ? 'Rejecting…' : 'Reject'}
            </button>
          </div>
        </form>
      )}
      {error !== null && <ErrorNote error={error} title="The decision was not recorded." />}
    </section>
  );
}

/** The tier before, namespace by namespace (its phase and how its probes went), each namespace's probes one click away. */
function Evidence({ item, previousTier }: { item: ApprovalItem; previousTier: StageTier }) {
  const [open, setOpen] = useState<string | null>(null);
  return (
    <table className="table evidence" data-testid="evidence" aria-label={`Evidence from ${STAGE_NAME[previousTier].toLowerCase()}`}>
      <thead>
        <tr>
          <th>{STAGE_NAME[previousTier]} namespace</th>
          <th>Phase</th>
          <th>Probes</th>
          <th>Kinds</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {item.evidence.steps.map((s) => {
          const passed = s.probes.filter((p) => p.outcome === 'passed').length;
          const bad = s.probes.filter((p) => p.outcome && p.outcome !== 'passed');
          const kinds = Object.entries(
            s.probes.reduce<Record<string, number>>((acc, p) => ({ ...acc, [p.kind]: (acc[p.kind] ?? 0) + 1 }), {}),
          );
          const shown = open === s.stepId || bad.length > 0;
          return (
            <Fragment key={s.stepId}>
              <tr className={bad.length ? 'step-failing' : undefined}>
                <td className="mono">{s.namespace}</td>
                <td>
                  <Badge tone={PHASE_TONE[s.phase]}>{s.phase}</Badge>
                </td>
                <td className="nowrap">
                  {s.probes.length === 0 ? (
                    <span className="muted">no probe</span>
                  ) : (
                    <>
                      <span className={passed === s.probes.length ? 'good-text' : undefined}>
                        {passed}/{s.probes.length} passed
                      </span>
                      {bad.length > 0 && <span className="bad-text"> · {bad.length} not</span>}
                    </>
                  )}
                </td>
                <td className="small muted">{kinds.map(([k, n]) => `${n} ${PROBE_KIND_WORDS[k] ?? k}`).join(' · ')}</td>
                <td className="actions-col">
                  {s.probes.length > 0 && (
                    <button
                      type="button"
                      className="linklike"
                      aria-expanded={shown}
                      onClick={() => setOpen(open === s.stepId ? null : s.stepId)}
                    >
                      {shown ? 'Hide probes' : 'Probes'}
                    </button>
                  )}
                </td>
              </tr>
              {shown && (
                <tr className="step-detail">
                  <td colSpan={5}>
                    <ProbeTable rows={rowsOfEvidence(s.probes)} />
                  </td>
                </tr>
              )}
            </Fragment>
          );
        })}
      </tbody>
    </table>
  );
}
