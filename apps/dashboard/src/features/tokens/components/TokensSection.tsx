import type { Role, TokenView } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { ROLE_HINT } from '../../../app/permissions';
import { formatDate } from '../../../shared/format';
import { Badge, ErrorNote, Field, Loading, ShownOnce } from '../../../shared/ui';
import { useCreateToken, useRevokeToken, useTokens } from '../api';

const ROLES: Role[] = ['viewer', 'operator', 'approver', 'admin'];

/** API tokens for pipelines and scripts: who owns each, when it was last used, and the way to end it. */
export function TokensSection() {
  const tokens = useTokens();
  const live = tokens.data?.filter((t) => !t.revokedAt) ?? [];
  return (
    <div className="split">
      <section className="card" aria-labelledby="tokens-title">
        <div className="card-head">
          <h2 id="tokens-title">API tokens {tokens.data && <span className="muted">{live.length}</span>}</h2>
        </div>
        {tokens.isPending && <Loading what="tokens" />}
        {tokens.isError && <ErrorNote error={tokens.error} title="The tokens could not be loaded." onRetry={() => void tokens.refetch()} />}
        {tokens.data && (
          <table className="table" aria-label="API tokens">
            <thead>
              <tr>
                <th>Token</th>
                <th>Role</th>
                <th>Owner</th>
                <th>Last used</th>
                <th>Expires</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {tokens.data.map((t) => (
                <tr key={t.id}>
                  <td>
                    <div>{t.name}</div>
                    <div className="mono muted small">{t.prefix}…</div>
                  </td>
                  <td>
                    <Badge tone={t.role === 'admin' ? 'accent' : t.role === 'viewer' ? 'neutral' : 'info'}>{t.role}</Badge>
                  </td>
                  <td className="mono">{t.owner.username}</td>
                  <td className="nowrap">{t.lastUsedAt ? formatDate(t.lastUsedAt) : <span className="muted">never</span>}</td>
                  <td className="nowrap">{t.expiresAt ? formatDate(t.expiresAt) : <span className="muted">never</span>}</td>
                  <td className="nowrap">
                    <Revoke token={t} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <NewToken />
    </div>
  );
}

function Revoke({ token }: { token: TokenView }) {
  const revoke = useRevokeToken();
  if (token.revokedAt) return <Badge tone="neutral">revoked {formatDate(token.revokedAt)}</Badge>;
  return (
    <span>
      <button
        type="button"
        className="btn btn-small btn-danger-ghost"
        disabled={revoke.isPending}
        onClick={() => revoke.mutate(token.id)}
        aria-label={`Revoke ${token.name}`}
      >
        {revoke.isPending ? 'Revoking…' : 'Revoke'}
      </button>
      {revoke.error !== null && (
        <span className="note note-error" role="alert">
          {describeError(revoke.error)}
        </span>
      )}
    </span>
  );
}

function NewToken() {
  const [name, setName] = useState('');
  const [role, setRole] = useState<Role>('operator');
  const [expiresOn, setExpiresOn] = useState('');
  const [made, setMade] = useState<{ name: string; token: string } | null>(null);
  const create = useCreateToken();
  const { error } = create;
  const problem = (f: string) => (error instanceof ApiError ? error.problemFor(f) : undefined);
  const general = error instanceof ApiError && error.problems.length > 0 ? null : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setMade(null);
    const expiresAt = expiresOn ? new Date(`${expiresOn}T23:59:59`).toISOString() : undefined;
    create.mutate(
      { name: name.trim(), role, ...(expiresAt ? { expiresAt } : {}) },
      {
        onSuccess: (answer) => {
          setMade({ name: answer.name, token: answer.token });
          setName('');
          setExpiresOn('');
        },
      },
    );
  };

  return (
    <form className="card" onSubmit={submit} aria-labelledby="new-token-title" noValidate>
      <div className="card-head">
        <h2 id="new-token-title">Create a token</h2>
      </div>
      {made && <ShownOnce label={`Token ${made.name}`} secret={made.token} onDismiss={() => setMade(null)} />}
      <Field label="Name" htmlFor="new-token-name" problem={problem('name')} hint="What uses it, such as ci-deploy.">
        <input id="new-token-name" value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
      </Field>
      <Field label="Role" htmlFor="new-token-role" problem={problem('role')} hint={ROLE_HINT[role]}>
        <select id="new-token-role" value={role} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => (
            <option key={r}>{r}</option>
          ))}
        </select>
      </Field>
      <Field
        label="Expires on"
        htmlFor="new-token-expiry"
        problem={problem('expiresAt')}
        hint="Leave empty for a token that lasts until revoked."
      >
        <input id="new-token-expiry" type="date" value={expiresOn} onChange={(e) => setExpiresOn(e.target.value)} />
      </Field>
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={create.isPending}>
          {create.isPending ? 'Creating…' : 'Create token'}
        </button>
      </div>
    </form>
  );
}
