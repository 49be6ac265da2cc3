import type { DeliveryBody, DeliveryView } from '@bulkhead/contracts';
import { Field } from '../../../shared/ui';

/** The delivery as the form edits it: every field as typed, the token empty unless a new one is given. */
export interface DeliveryDraft {
  kind: 'direct' | 'git';
  repoUrl: string;
  branch: string;
  path: string;
  syncTimeoutSeconds: string;
  token: string;
}

/** The form's starting point: the cluster's delivery, or direct with the usual git defaults ready. */
export function draftOf(view: DeliveryView | undefined): DeliveryDraft {
  if (view?.kind === 'git')
    return {
      kind: 'git',
      repoUrl: view.repoUrl,
      branch: view.branch,
      path: view.path,
      syncTimeoutSeconds: String(view.syncTimeoutSeconds),
      token: '',
    };
  return { kind: 'direct', repoUrl: '', branch: 'main', path: 'clusters', syncTimeoutSeconds: '120', token: '' };
}

/** What the API is sent: without a token the stored credentials stay (the API refuses that for a new server). */
export function deliveryBody(draft: DeliveryDraft): DeliveryBody {
  if (draft.kind === 'direct') return { kind: 'direct' };
  return {
    kind: 'git',
    repoUrl: draft.repoUrl.trim(),
    branch: draft.branch.trim(),
    path: draft.path.trim(),
    syncTimeoutSeconds: Number(draft.syncTimeoutSeconds),
    ...(draft.token ? { credentials: { username: 'x-access-token', token: draft.token } } : {}),
  };
}

/**
 * How rollouts reach the cluster (admins only): directly through its driver, or as commits to a git
 * branch that Argo CD or Flux applies, one folder per namespace and one file per policy, each step
 * waiting until the cluster shows them. The token is write-only: the form never has it back.
 */
export function DeliveryFields({
  id,
  draft,
  credentialsSet,
  problem,
  onChange,
}: {
  id: string;
  draft: DeliveryDraft;
  credentialsSet: boolean;
  problem(field: string): string | undefined;
  onChange(draft: DeliveryDraft): void;
}) {
  const set = (field: keyof DeliveryDraft) => (e: { target: { value: string } }) => onChange({ ...draft, [field]: e.target.value });
  return (
    <fieldset className="driver-choice">
      <legend>How rollouts deliver changes</legend>
      <label className="check">
        <input type="radio" name={`${id}-kind`} checked={draft.kind === 'direct'} onChange={() => onChange({ ...draft, kind: 'direct' })} />
        Directly, through the cluster&apos;s driver
      </label>
      <label className="check">
        <input type="radio" name={`${id}-kind`} checked={draft.kind === 'git'} onChange={() => onChange({ ...draft, kind: 'git' })} />
        Through git, applied by Argo CD or Flux
      </label>
      {draft.kind === 'git' && (
        <>
          <Field
            label="Repository URL"
            htmlFor={`${id}-repo`}
            problem={problem('delivery.repoUrl')}
            hint="https:// only. Each step commits its namespace's policies here, then waits until the cluster shows them."
          >
            <input
              id={`${id}-repo`}
              value={draft.repoUrl}
              onChange={set('repoUrl')}
              autoComplete="off"
              placeholder="https://github.com/team/policies.git"
            />
          </Field>
          <div className="split-even">
            <Field label="Branch" htmlFor={`${id}-branch`} problem={problem('delivery.branch')}>
              <input id={`${id}-branch`} value={draft.branch} onChange={set('branch')} autoComplete="off" />
            </Field>
            <Field label="Folder" htmlFor={`${id}-path`} problem={problem('delivery.path')} hint="One folder per namespace under it.">
              <input id={`${id}-path`} value={draft.path} onChange={set('path')} autoComplete="off" />
            </Field>
          </div>
          <div className="split-even">
            <Field
              label="Sync timeout (seconds)"
              htmlFor={`${id}-timeout`}
              problem={problem('delivery.syncTimeoutSeconds')}
              hint="A step whose commit the cluster does not show by then halts, with what it shows."
            >
              <input
                id={`${id}-timeout`}
                type="number"
                min={1}
                max={3600}
                value={draft.syncTimeoutSeconds}
                onChange={set('syncTimeoutSeconds')}
              />
            </Field>
            <Field
              label="Access token"
              htmlFor={`${id}-token`}
              problem={problem('delivery.credentials.token') ?? problem('delivery.credentials')}
              hint={
                credentialsSet
                  ? 'A token is stored (sealed, never shown). Leave empty to keep it.'
                  : 'Allowed to push to the branch. Stored sealed, never shown.'
              }
            >
              <input id={`${id}-token`} type="password" value={draft.token} onChange={set('token')} autoComplete="new-password" />
            </Field>
          </div>
        </>
      )}
    </fieldset>
  );
}
