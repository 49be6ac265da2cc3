import type { UseInfiniteQueryResult } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { ApiError, describeError } from '../api/client';

/** Worth trying again: the API was unreachable, failed or was busy; a 4xx will answer the same. */
const retryable = (error: unknown) =>
  !(error instanceof ApiError) || error.status === 0 || error.status >= 500 || error.status === 408 || error.status === 429;

export function Loading({ what }: { what: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" /> Loading {what}…
    </div>
  );
}

export function ErrorNote({ error, title, onRetry }: { error: unknown; title?: string; onRetry?: () => void }) {
  return (
    <div className="note note-error" role="alert">
      <div>
        {title && <strong>{title} </strong>}
        {describeError(error)}
      </div>
      {onRetry && retryable(error) && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="state state-empty">
      <div className="state-title">{title}</div>
      {children && <div className="state-body">{children}</div>}
    </div>
  );
}

export function PageHeader({ title, subtitle, actions }: { title: ReactNode; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <div>
        <h1>{title}</h1>
        {subtitle && <p className="page-subtitle">{subtitle}</p>}
      </div>
      {actions && <div className="page-actions">{actions}</div>}
    </header>
  );
}

export type Tone = 'neutral' | 'good' | 'warn' | 'bad' | 'info' | 'accent';

export function Badge({ tone = 'neutral', children, title }: { tone?: Tone; children: ReactNode; title?: string }) {
  return (
    <span className={`badge badge-${tone}`} title={title}>
      {children}
    </span>
  );
}

/** A field with its label and, when the API refused it, the reason right under it. */
export function Field({
  label,
  problem,
  hint,
  children,
  htmlFor,
}: {
  label: string;
  problem?: string;
  hint?: string;
  children: ReactNode;
  htmlFor: string;
}) {
  return (
    <div className={`field${problem ? ' field-invalid' : ''}`}>
      <label htmlFor={htmlFor}>{label}</label>
      {children}
      {problem ? (
        <div className="field-problem" role="alert" id={`${htmlFor}-problem`}>
          {problem}
        </div>
      ) : hint ? (
        <div className="field-hint">{hint}</div>
      ) : null}
    </div>
  );
}

/** Below a list the API serves in pages: how many are shown, and a button for the next page while more follow. */
export function LoadMore({
  shown,
  noun,
  list,
}: {
  shown: number;
  noun: string;
  list: Pick<UseInfiniteQueryResult, 'hasNextPage' | 'isFetchingNextPage' | 'isFetchNextPageError' | 'error' | 'fetchNextPage'>;
}) {
  const hasMore = list.hasNextPage;
  const error = list.isFetchNextPageError ? list.error : null;
  const more = () => void list.fetchNextPage();
  if (!hasMore && !error) return null;
  return (
    <div className="table-more">
      {hasMore && (
        <button type="button" className="btn btn-small" onClick={more} disabled={list.isFetchingNextPage} data-testid="load-more">
          {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
        </button>
      )}
      <span className="muted small">
        {shown} {noun} shown{hasMore ? ', more follow' : ''}
      </span>
      {error ? <ErrorNote error={error} title="The next page could not be loaded." onRetry={more} /> : null}
    </div>
  );
}

/**
 * A secret the API answers once (a new token, a reset password): shown with a copy button, and gone
 * once the person dismisses it, since nothing can show it again.
 */
export function ShownOnce({ label, secret, onDismiss }: { label: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<'yes' | 'failed' | null>(null);
  const copy = () =>
    navigator.clipboard.writeText(secret).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
  return (
    <div className="shown-once" role="region" aria-label={label}>
      <div className="shown-once-head">
        <strong>{label}</strong> <span className="muted">Shown this once: copy it now.</span>
      </div>
      <code className="shown-once-secret mono" data-testid="shown-once-secret">
        {secret}
      </code>
      <div className="form-actions">
        <button type="button" className="btn btn-small btn-primary" onClick={() => void copy()}>
          Copy
        </button>
        <button type="button" className="btn btn-small" onClick={onDismiss}>
          Done
        </button>
        {copied && (
          <span className="muted small" role="status">
            {copied === 'yes' ? 'Copied.' : 'The browser refused to copy: select it instead.'}
          </span>
        )}
      </div>
    </div>
  );
}
