import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import { Empty, Field, PageHeader } from '../../../shared/ui';
import { useChangeOwnPassword } from '../api';

/** Anyone signed in: their own password. An API token has no password to change. */
export function AccountPage() {
  const { me } = useAuth();
  if (me?.kind !== 'user') return <Empty title="Signed in with a token">An API token has no password; its owner changes theirs.</Empty>;
  return (
    <div className="page">
      <PageHeader title="My account" subtitle={`Signed in as ${me.name}, ${me.role}.`} />
      <ChangePassword />
    </div>
  );
}

function ChangePassword() {
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [done, setDone] = useState(false);
  const change = useChangeOwnPassword();
  const { error } = change;
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    change.mutate(
      { current, next },
      {
        onSuccess: () => {
          setDone(true);
          setCurrent('');
          setNext('');
        },
      },
    );
  };

  return (
    <form className="card narrow" onSubmit={submit} aria-labelledby="password-title" noValidate>
      <div className="card-head">
        <h2 id="password-title">Change my password</h2>
      </div>
      <Field label="Current password" htmlFor="current-password" problem={problem('current')}>
        <input
          id="current-password"
          type="password"
          value={current}
          onChange={(e) => setCurrent(e.target.value)}
          autoComplete="current-password"
        />
      </Field>
      <Field label="New password" htmlFor="next-password" problem={problem('next')} hint="At least 10 characters.">
        <input id="next-password" type="password" value={next} onChange={(e) => setNext(e.target.value)} autoComplete="new-password" />
      </Field>
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      {done && (
        <div className="saved" role="status">
          Your password has changed. Your other sessions have ended.
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={change.isPending}>
          {change.isPending ? 'Changing…' : 'Change password'}
        </button>
      </div>
    </form>
  );
}
