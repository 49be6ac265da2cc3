import { type FormEvent, useState } from 'react';
import { useAuth } from '../../../app/auth';
import type { AbortRestore, RollbackScope, RolloutDigest, StageTier } from '@bulkhead/contracts';
import { ACTIVE_STATUSES } from '@bulkhead/contracts';
import { STAGE_NAME } from '../../../shared/rollout-words';
import { ErrorNote } from '../../../shared/ui';
import { type RolloutCommand, useRolloutCommand } from '../api';

type Panel = null | 'abort' | 'rollback';

/** Start, pause, resume, abort and roll back: for operators, and only the moves the rollout's status allows. */
export function RolloutControls({ rollout: r }: { rollout: RolloutDigest }) {
  const { can } = useAuth();
  const command = useRolloutCommand(r.id);
  const busy = command.isPending ? command.variables.kind : null;
  const { error } = command;
  const [panel, setPanel] = useState<Panel>(null);
  const [reason, setReason] = useState('');
  const [scope, setScope] = useState('all');
  const [restore, setRestore] = useState<AbortRestore>('in_flight');
  if (!can('rollouts.control')) return null;

  const applied = r.steps.some((s) => s.phase !== 'pending' && s.phase !== 'restored');
  const canStart = r.status === 'draft' || r.status === 'scheduled';
  const canPause = ['running', 'waiting_approval', 'waiting_window', 'waiting_coverage', 'scheduled'].includes(r.status);
  const canResume = r.status === 'paused';
  const canAbort = r.status === 'draft' || ACTIVE_STATUSES.includes(r.status);
  const canRollback = !canStart && applied;
  if (!canStart && !canPause && !canResume && !canAbort && !canRollback) return null;

  const run = (next: RolloutCommand) =>
    command.mutate(next, {
      onSuccess: () => {
        setPanel(null);
        setReason('');
      },
    });

  const scopeOf = (value: string): RollbackScope => {
    if (value === 'all') return { kind: 'all' };
    if (value.startsWith('stage:')) return { kind: 'stage', tier: value.slice(6) as StageTier };
    return { kind: 'namespace', namespace: value.slice(3) };
  };

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (panel === 'abort') run({ kind: 'abort', restore, reason: reason.trim() || undefined });
    if (panel === 'rollback') run({ kind: 'rollback', scope: scopeOf(scope), reason: reason.trim() || undefined });
  };

  const touched = r.steps.filter((s) => s.phase !== 'pending' && s.phase !== 'restored');
  // The cluster stage's step is the guardrails, not a namespace: told apart where the namespaces are counted.
  const verified = r.steps.filter((s) => s.phase === 'verified' && s.tier !== 'cluster').map((s) => s.namespace);
  const guardrailsVerified = r.steps.some((s) => s.phase === 'verified' && s.tier === 'cluster');
  return (
    <section className="card controls" aria-label="Rollout controls">
      <div className="controls-row">
        <span className="toolbar-label">Operator</span>
        {canStart && (
          <button type="button" className="btn btn-primary btn-small" disabled={!!busy} onClick={() => run({ kind: 'start' })}>
            {busy === 'start' ? 'Starting…' : 'Start'}
          </button>
        )}
        {canPause && (
          <button type="button" className="btn btn-small" disabled={!!busy} onClick={() => run({ kind: 'pause' })}>
            {busy === 'pause' ? 'Pausing…' : 'Pause'}
          </button>
        )}
        {canResume && (
          <button type="button" className="btn btn-primary btn-small" disabled={!!busy} onClick={() => run({ kind: 'resume' })}>
            {busy === 'resume' ? 'Resuming…' : 'Resume'}
          </button>
        )}
        {canRollback && (
          <button
            type="button"
            className={`btn btn-small${panel === 'rollback' ? ' pressed' : ''}`}
            disabled={!!busy}
            onClick={() => setPanel(panel === 'rollback' ? null : 'rollback')}
            aria-expanded={panel === 'rollback'}
          >
            Roll back…
          </button>
        )}
        {canAbort && (
          <button
            type="button"
            className={`btn btn-small btn-danger-ghost${panel === 'abort' ? ' pressed' : ''}`}
            disabled={!!busy}
            onClick={() => setPanel(panel === 'abort' ? null : 'abort')}
            aria-expanded={panel === 'abort'}
          >
            Abort…
          </button>
        )}
        <span className="muted small controls-hint">
          Pause holds new steps; abort stops and puts back what is under way; roll back restores the snapshots taken before each namespace
          changed.
        </span>
      </div>
      {panel && (
        <form className="controls-panel" onSubmit={submit}>
          {panel === 'rollback' && (
            <label className="inline-field">
              <span>Roll back</span>
              <select value={scope} onChange={(e) => setScope(e.target.value)} aria-label="What to roll back">
                <option value="all">everything this rollout applied</option>
                {r.stages
                  .filter((st) => touched.some((s) => s.tier === st.tier))
                  .map((st) => (
                    <option key={st.tier} value={`stage:${st.tier}`}>
                      the {STAGE_NAME[st.tier].toLowerCase()} stage
                    </option>
                  ))}
                {/* the cluster stage's one step is rolled back as its stage */}
                {touched
                  .filter((s) => s.tier !== 'cluster')
                  .map((s) => (
                    <option key={s.id} value={`ns:${s.namespace}`}>
                      namespace {s.namespace}
                    </option>
                  ))}
              </select>
            </label>
          )}
          {panel === 'abort' && (
            <label className="inline-field">
              <span>Put back</span>
              <select value={restore} onChange={(e) => setRestore(e.target.value as AbortRestore)} aria-label="What the abort puts back">
                <option value="in_flight">
                  only what is under way
                  {enforcedWords(verified.length, guardrailsVerified)}
                </option>
                <option value="everything">everything this rollout changed</option>
              </select>
            </label>
          )}
          <label className="inline-field inline-grow">
            <span>Reason</span>
            <input
              value={reason}
              onChange={(e) => setReason(e.target.value)}
              placeholder="Said in the audit log (optional)"
              maxLength={2000}
            />
          </label>
          <button type="submit" className="btn btn-danger btn-small" disabled={!!busy}>
            {busy
              ? 'Sending…'
              : panel === 'abort'
                ? restore === 'everything'
                  ? 'Abort and restore everything'
                  : 'Abort the rollout'
                : 'Roll back'}
          </button>
          <button type="button" className="btn btn-ghost btn-small" onClick={() => setPanel(null)}>
            Cancel
          </button>
        </form>
      )}
      {error !== null && <ErrorNote error={error} title="The rollout refused this." />}
    </section>
  );
}

/** What an abort that puts back only what is under way leaves enforced: the verified namespaces, and the guardrails once verified. */
function enforcedWords(namespaces: number, guardrails: boolean): string {
  const parts = [
    ...(namespaces > 0 ? [`${namespaces} verified ${namespaces === 1 ? 'namespace' : 'namespaces'}`] : []),
    ...(guardrails ? ['the verified guardrails'] : []),
  ];
  if (parts.length === 0) return '';
  return ` (${parts.join(' and ')} ${namespaces + (guardrails ? 1 : 0) === 1 ? 'stays' : 'stay'} enforced)`;
}
