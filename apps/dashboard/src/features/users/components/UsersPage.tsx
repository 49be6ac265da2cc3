import type { Role, UserView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { ROLE_HINT } from '../../../app/permissions';
import { formatDate } from '../../../shared/format';
import { Badge, ErrorNote, Field, Loading, PageHeader } from '../../../shared/ui';
import { useAsync } from '../../../shared/use-async';
import { createUser, disableUser, fetchUsers } from '../api';
import '../users.css';

const ROLES: Role[] = ['viewer', 'operator', 'approver', 'admin'];

/** Admins only: who can sign in to the dashboard, and with which role. */
export function UsersPage() {
  const users = useAsync((signal) => fetchUsers(signal), []);
  return (
    <div className="page">
      <PageHeader title="Users" subtitle="People who sign in to the dashboard. Pipelines use API tokens instead." />
      <div className="split">
        <section className="card" aria-labelledby="users-title">
          <div className="card-head">
            <h2 id="users-title">Everyone {users.data && <span className="muted">{users.data.length}</span>}</h2>
          </div>
          {users.status === 'loading' && !users.data && <Loading what="users" />}
          {users.status === 'failed' && <ErrorNote error={users.error} title="The users could not be loaded." onRetry={users.reload} />}
          {users.data && (
            <table className="table">
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
                      <Badge tone={u.role === 'admin' ? 'accent' : u.role === 'viewer' ? 'neutral' : 'info'}>{u.role}</Badge>
                    </td>
                    <td className="nowrap">{formatDate(u.createdAt)}</td>
                    <td className="nowrap">
                      <Access user={u} onDisabled={users.reload} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        <NewUser onCreated={users.reload} />
      </div>
    </div>
  );
}

/** A user's access, and the way to end it: disabling ends their sessions, tokens and open views at once. */
function Access({ user, onDisabled }: { user: UserView; onDisabled(): void }) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  if (user.disabledAt) return <Badge tone="neutral">disabled {formatDate(user.disabledAt)}</Badge>;
  if (!confirming) {
    return (
      <button type="button" className="btn btn-small btn-danger-ghost" onClick={() => setConfirming(true)}>
        Disable
      </button>
    );
  }
  const disable = async () => {
    setBusy(true);
    setError(null);
    try {
      await disableUser(user.id);
      onDisabled();
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };
  return (
    <span role="group" aria-label={`Disable ${user.username}`}>
      <span className="muted">Ends their sessions and tokens now. </span>
      <button type="button" className="btn btn-small btn-danger-ghost" disabled={busy} onClick={() => void disable()}>
        {busy ? 'Disabling…' : `Disable ${user.username}`}
      </button>{' '}
      <button type="button" className="btn btn-small" disabled={busy} onClick={() => setConfirming(false)}>
        Cancel
      </button>
      {error !== null && (
        <span className="note note-error" role="alert">
          {describeError(error)}
        </span>
      )}
    </span>
  );
}

function NewUser({ onCreated }: { onCreated(): void }) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const user = await createUser({ username: username.trim(), password, role });
      setDone(`${user.username} can now sign in as ${user.role}.`);
      setUsername('');
      setPassword('');
      onCreated();
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form className="card" onSubmit={(event) => void submit(event)} aria-labelledby="new-user-title" noValidate>
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
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add user'}
        </button>
      </div>
    </form>
  );
}
