import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { useAuth } from '../../../app/auth';
import '../sign-in.css';

/** The only page a signed-out person sees. Wrong credentials get one answer, in words. */
export function SignInPage({ reason }: { reason?: string }) {
  const { signIn } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setError('That user name and password do not match. Check both and try again.');
      else if (err instanceof ApiError && err.status === 400) setError('Enter both your user name and your password.');
      else setError(describeError(err));
      setPassword('');
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="signin">
      <form className="signin-card" onSubmit={(event) => void submit(event)} aria-labelledby="signin-title" noValidate>
        <div className="brand brand-large">
          <span className="brand-mark" aria-hidden="true">
            <span />
            <span />
            <span />
          </span>
          Bulkhead
        </div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">From a flat network to zero-trust NetworkPolicy, one reviewed stage at a time.</p>
        {reason && !error && (
          <div className="note note-info" role="status">
            {reason}
          </div>
        )}
        {error && (
          <div className="note note-error" role="alert">
            {error}
          </div>
        )}
        <div className="field">
          <label htmlFor="username">User name</label>
          <input
            id="username"
            name="username"
            autoComplete="username"
            autoFocus
            value={username}
            onChange={(e) => setUsername(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor="password">Password</label>
          <input
            id="password"
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            required
          />
        </div>
        <button type="submit" className="btn btn-primary btn-block" disabled={busy || !username.trim() || !password}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <p className="signin-foot muted">
          First start? The API printed the <code>admin</code> password once on its console (or set <code>BULKHEAD_ADMIN_PASSWORD</code>).
        </p>
      </form>
    </div>
  );
}
