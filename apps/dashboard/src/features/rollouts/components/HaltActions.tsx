import { type FormEvent, useState } from 'react';
import type { NextAction, RolloutDigest } from '@bulkhead/contracts';
import { useAuth } from '../../../app/auth';
import { ErrorNote } from '../../../shared/ui';
import { usePlans } from '../../plans/api';
import { useHaltAction, useRolloutCommand } from '../api';

/**
 * The halt's next actions, as the API lists them: each with what it would do, and a button (skip asks for
 * a reason, a skip's rejection for a comment, continue for a plan version).
 */
export function HaltActions({ rollout: r }: { rollout: RolloutDigest }) {
  const { can } = useAuth();
  const halt = useHaltAction(r.id, r.clusterId);
  const command = useRolloutCommand(r.id);
  if (r.nextActions.length === 0) return null;
  const busy = halt.isPending || command.isPending;
  return (
    <section className="card halt-actions" aria-label="What to do next" data-testid="halt-actions">
      <h3>What to do next</h3>
      <ul className="plain-list">
        {r.nextActions.map((action) => (
          <li key={`${action.action}:${'namespace' in action ? action.namespace : ''}:${'probeId' in action ? action.probeId : ''}`}>
            <p>{action.description}</p>
            <ActionButton
              action={action}
              rollout={r}
              busy={busy}
              allowed={ANSWERS_SKIP.has(action.action) ? can('rollouts.approve') : can('rollouts.control')}
              onHalt={(next) => halt.mutate(next)}
              onEnd={(kind) => command.mutate(kind === 'rollback' ? { kind, scope: { kind: 'all' } } : { kind, restore: 'in_flight' })}
            />
          </li>
        ))}
      </ul>
      {halt.error && <ErrorNote error={halt.error} title="The action was refused." />}
      {command.error && <ErrorNote error={command.error} title="The action was refused." />}
    </section>
  );
}

interface ButtonProps {
  action: NextAction;
  rollout: RolloutDigest;
  busy: boolean;
  allowed: boolean;
  onHalt: (action: Parameters<ReturnType<typeof useHaltAction>['mutate']>[0]) => void;
  onEnd: (kind: 'rollback' | 'abort') => void;
}

/** The answers to a requested skip, which are an approver's to give. */
const ANSWERS_SKIP = new Set<NextAction['action']>(['approve-skip', 'reject-skip']);

const LABEL: Record<NextAction['action'], string> = {
  'declare-dependency': 'Declare the dependency',
  continue: 'Continue',
  retry: 'Retry',
  skip: 'Ask to skip',
  'approve-skip': 'Approve the skip',
  'reject-skip': 'Reject the skip',
  rollback: 'Roll back',
  abort: 'Abort',
};

function ActionButton({ action, rollout, busy, allowed, onHalt, onEnd }: ButtonProps) {
  const plans = usePlans(rollout.clusterId);
  const [planVersion, setPlanVersion] = useState<number | null>(null);
  const testId = `action-${action.action}`;
  const button = (onClick: () => void, disabled = false) => (
    <button type="button" className="btn btn-small" data-testid={testId} disabled={busy || !allowed || disabled} onClick={onClick}>
      {LABEL[action.action]}
    </button>
  );
  const words = { testId, label: LABEL[action.action], busy, allowed };
  switch (action.action) {
    case 'declare-dependency':
      return button(() => onHalt({ kind: 'declare-dependency', namespace: action.namespace, probeId: action.probeId }));
    case 'retry':
      return button(() => onHalt({ kind: 'retry', namespace: action.namespace }));
    case 'approve-skip':
      return button(() => onHalt({ kind: 'approve-skip', namespace: action.namespace }));
    case 'rollback':
    case 'abort':
      return button(() => onEnd(action.action));
    case 'skip':
      return (
        <WordsForm
          {...words}
          ask={`Why ${action.namespace} is left out`}
          placeholder="Why it is left out"
          onSubmit={(reason) => onHalt({ kind: 'skip', namespace: action.namespace, reason })}
        />
      );
    case 'reject-skip':
      return (
        <WordsForm
          {...words}
          ask={`Why ${action.namespace} may not be left out`}
          placeholder="Why not"
          onSubmit={(comment) => onHalt({ kind: 'reject-skip', namespace: action.namespace, comment })}
        />
      );
    case 'continue': {
      const newer = (plans.items ?? []).filter((p) => p.version > rollout.planVersion).map((p) => p.version);
      const versions = newer.includes(action.planVersion) ? newer : [action.planVersion, ...newer];
      const chosen = planVersion ?? action.planVersion;
      return (
        <div className="controls-row">
          <select aria-label="Plan version" value={chosen} onChange={(e) => setPlanVersion(Number(e.target.value))} disabled={!allowed}>
            {versions.map((version) => (
              <option key={version} value={version}>
                plan v{version}
              </option>
            ))}
          </select>
          {button(() => onHalt({ kind: 'continue', planVersion: chosen }))}
        </div>
      );
    }
  }
}

interface WordsFormProps {
  testId: string;
  label: string;
  /** the field's accessible name: what the words are for */
  ask: string;
  placeholder: string;
  busy: boolean;
  allowed: boolean;
  onSubmit: (words: string) => void;
}

/** An action that needs a person's words (a skip's reason, a rejection's comment): sent trimmed, never empty. */
function WordsForm({ testId, label, ask, placeholder, busy, allowed, onSubmit }: WordsFormProps) {
  const [words, setWords] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    onSubmit(words.trim());
  };
  return (
    <form className="controls-row" onSubmit={submit}>
      <input aria-label={ask} placeholder={placeholder} value={words} onChange={(e) => setWords(e.target.value)} disabled={!allowed} />
      <button type="submit" className="btn btn-small" data-testid={testId} disabled={busy || !allowed || words.trim() === ''}>
        {label}
      </button>
    </form>
  );
}
