import type { PasswordReset, Role, UserView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { ROLE_HINT } from '../../../app/permissions';
import { formatDate } from '../../../shared/format';
import { Badge, ErrorNote, Field, Loading, PageHeader, ShownOnce } from '../../../shared/ui';
import { TokensSection } from '../../tokens/components/TokensSection';
import { useChangeRole, useCreateUser, useDisableUser, useRemoveUser, useResetPassword, useUsers } from '../api';
import '../users.css';

const ROLES: Role[] = ['viewer', 'operator', 'approver', 'admin'];

/** Admins only: who can sign in to the dashboard and with which role, and the API tokens pipelines use. */
export function AccessPage() {
  const users = useUsers();
  const [reset, setReset] = useState<PasswordReset | null>(null);
  return (
    <div className="page">
      <PageHeader title="Access" subtitle="People sign in to the dashboard; pipelines and scripts use API tokens." />
      <div className="split">
        <section className="card" aria-labelledby="users-title">
          <div className="card-head">
            <h2 id="users-title">Users {users.data && <span className="muted">{users.data.length}</span>}</h2>
          </div>
          {reset && (
            <ShownOnce label={`New password for ${reset.user.username}`} secret={reset.password} onDismiss={() => setReset(null)} />
          )}
          {users.isPending && <Loading what="users" />}
          {users.isError && <ErrorNote error={users.error} title="The users could not be loaded." onRetry={() => void users.refetch()} />}
          {users.data && (
            <table className="table" aria-label="Users">
              <thead>
                <tr>
                  <th>User</th>
                  <th>Role</th>
                  <th>Since</th>
                  <th>Access</th>
                </tr>
              </thead>
              <tbody>
                {users.data.map((u) => (
                  <tr key={u.id}>
                    <td className="mono">{u.username}</td>
                    <td>
                      <RoleOf user={u} />
                    </td>
                    <td className="nowrap">{formatDate(u.createdAt)}</td>
                    <td className="nowrap">
                      <Access user={u} onReset={setReset} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <NewUser />
      </div>
      <TokensSection />
    </div>
  );
}

/** A user's role, changed as soon as another is picked; the API refuses to demote the last admin. */
function RoleOf({ user }: { user: UserView }) {
  const change = useChangeRole();
  if (user.disabledAt)
    return <Badge tone={user.role === 'admin' ? 'accent' : user.role === 'viewer' ? 'neutral' : 'info'}>{user.role}</Badge>;
  return (
    <>
      <select
        aria-label={`Role of ${user.username}`}
        value={change.isPending ? change.variables.role : user.role}
        disabled={change.isPending}
        onChange={(e) => change.mutate({ userId: user.id, role: e.target.value as Role })}
      >
        {ROLES.map((r) => (
          <option key={r}>{r}</option>
        ))}
      </select>
      {change.error !== null && (
        <div className="note note-error" role="alert">
          {describeError(change.error)}
        </div>
      )}
    </>
  );
}

type Confirming = 'disable' | 'remove' | null;

/**
 * A user's access and the ways to end it, each after a confirmation: disabling ends their sessions,
 * tokens and open views at once and keeps the user listed; removing deletes them and their tokens.
 * A reset password is handed to `onReset`, the one place it is shown.
 */
function Access({ user, onReset }: { user: UserView; onReset: (reset: PasswordReset) => void }) {
  const [confirming, setConfirming] = useState<Confirming>(null);
  const disable = useDisableUser();
  const remove = useRemoveUser();
  const reset = useResetPassword();
  const busy = disable.isPending || remove.isPending || reset.isPending;
  const error = disable.error ?? remove.error ?? reset.error;
  const errorNote = error !== null && (
    <span className="note note-error" role="alert">
      {describeError(error)}
    </span>
  );
  const cancel = (
    <button type="button" className="btn btn-small" disabled={busy} onClick={() => setConfirming(null)}>
      Cancel
    </button>
  );
  const removeButton = (
    <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setConfirming('remove')}>
      Remove
    </button>
  );
  if (confirming === 'remove') {
    return (
      <span role="group" aria-label={`Remove ${user.username}`}>
        <span className="muted">Deletes them and their tokens. </span>
        <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={() => remove.mutate(user.id)}>
          {remove.isPending ? 'Removing…' : `Remove ${user.username}`}
        </button>{' '}
        {cancel}
        {errorNote}
      </span>
    );
  }
  if (user.disabledAt) {
    return (
      <span>
        <Badge tone="neutral">disabled {formatDate(user.disabledAt)}</Badge> {removeButton}
      </span>
    );
  }
  if (confirming === 'disable') {
    return (
      <span role="group" aria-label={`Disable ${user.username}`}>
        <span className="muted">Ends their sessions and tokens now. </span>
        <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={() => disable.mutate(user.id)}>
          {disable.isPending ? 'Disabling…' : `Disable ${user.username}`}
        </button>{' '}
        {cancel}
        {errorNote}
      </span>
    );
  }
  return (
    <span>
      <button
        type="button"
        className="btn btn-small"
        disabled={busy}
        onClick={() => reset.mutate(user.id, { onSuccess: onReset })}
        title="Gives them a new password, shown here once, and ends their sessions"
      >
        {reset.isPending ? 'Resetting…' : 'Reset password'}
      </button>{' '}
      <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setConfirming('disable')}>
        Disable
      </button>{' '}
      {removeButton}
      {errorNote}
    </span>
  );
}

function NewUser() {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const create = useCreateUser();
  const { error } = create;
  const [done, setDone] = useState<string | null>(null);
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    create.mutate(
      { username: username.trim(), password, role },
      {
        onSuccess: (user) => {
          setDone(`${user.username} can now sign in as ${user.role}.`);
          setUsername('');
          setPassword('');
        },
      },
    );
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-user-title" noValidate>
      <div className="card-head">
        <h2 id="new-user-title">Add a user</h2>
      </div>
      <Field label="User name" htmlFor="new-username" problem={problem('username')}>
        <input id="new-username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Password" htmlFor="new-password" problem={problem('password')} hint="Share it with them privately.">
        <input
          id="new-password"
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="new-password"
        />
      </Field>
      <Field label="Role" htmlFor="new-role" problem={problem('role')} hint={ROLE_HINT[role]}>
        <select id="new-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      {done && (
        <div className="saved" role="status">
          {done}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}
