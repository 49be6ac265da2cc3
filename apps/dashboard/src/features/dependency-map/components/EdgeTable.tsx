import type { EdgeView, FlowImportView } from '@bulkhead/contracts';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from '../../../api/client';
import { formatAgo, formatDate, formatNumber, personName } from '../../../shared/format';
import { Badge } from '../../../shared/ui';
import { reviewEdge } from '../api';

type SortKey = 'risk' | 'connections' | 'lastSeen' | 'from';
const PAGE = 50;

const REVIEW_TONE = { unreviewed: 'neutral', confirmed: 'good', rejected: 'bad' } as const;

function sortEdges(edges: EdgeView[], key: SortKey): EdgeView[] {
  const risk = (e: EdgeView) =>
    e.crossTier && e.review !== 'rejected' ? 0 : e.review === 'unreviewed' ? 1 : e.review === 'confirmed' ? 2 : 3;
  const byName = (a: EdgeView, b: EdgeView) => a.from.localeCompare(b.from) || a.to.localeCompare(b.to) || a.port - b.port;
  const copy = [...edges];
  if (key === 'risk') copy.sort((a, b) => risk(a) - risk(b) || byName(a, b));
  if (key === 'connections') copy.sort((a, b) => b.connections - a.connections || byName(a, b));
  if (key === 'lastSeen') copy.sort((a, b) => (b.lastSeen ?? '').localeCompare(a.lastSeen ?? '') || byName(a, b));
  if (key === 'from') copy.sort(byName);
  return copy;
}

/** Every dependency in view, riskiest first, with its evidence and, for operators, confirm/reject. */
export function EdgeTable({
  clusterId,
  edges,
  imports,
  canReview,
  onChanged,
  selected,
}: {
  clusterId: string;
  edges: EdgeView[];
  imports: FlowImportView[];
  canReview: boolean;
  onChanged(edge: EdgeView): void;
  selected: Set<string>;
}) {
  const [sort, setSort] = useState<SortKey>('risk');
  const [open, setOpen] = useState<{ id: string; verdict: 'confirm' | 'reject' } | null>(null);
  const [limit, setLimit] = useState(PAGE);
  const sorted = useMemo(() => sortEdges(edges, sort), [edges, sort]);
  // Selected rows (a line clicked in the drawing) are always in the page shown.
  const rows = useMemo(() => {
    const head = sorted.slice(0, limit);
    const extra = sorted.slice(limit).filter((e) => selected.has(e.id));
    return [...head, ...extra];
  }, [sorted, limit, selected]);
  const fileOf = useMemo(() => new Map(imports.map((i) => [i.id, i.fileName ?? `import ${i.id.slice(0, 8)}`])), [imports]);

  const header = (key: SortKey, label: string, className?: string) => (
    <th className={className} aria-sort={sort === key ? (key === 'from' ? 'ascending' : 'descending') : 'none'}>
      <button type="button" className={`th-sort${sort === key ? ' on' : ''}`} onClick={() => setSort(key)}>
        {label}
      </button>
    </th>
  );

  return (
    <div className="table-wrap">
      <table className="table edge-table" data-testid="edge-table">
        <thead>
          <tr>
            {header('from', 'From')}
            <th>To</th>
            <th>Port</th>
            {header('connections', 'Conns', 'num')}
            {header('lastSeen', 'Last seen')}
            <th>Sources</th>
            {header('risk', 'Review')}
            {canReview && (
              <th className="actions-col">
                <span className="sr-only">Actions</span>
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => (
            <EdgeRow
              key={e.id}
              edge={e}
              clusterId={clusterId}
              fileOf={fileOf}
              canReview={canReview}
              selected={selected.has(e.id)}
              open={open?.id === e.id ? open.verdict : null}
              onOpen={(verdict) => setOpen(verdict ? { id: e.id, verdict } : null)}
              onChanged={(edge) => {
                setOpen(null);
                onChanged(edge);
              }}
            />
          ))}
        </tbody>
      </table>
      {sorted.length > rows.length && (
        <div className="table-more">
          <span className="muted">
            Showing {rows.length} of {sorted.length}.
          </span>
          <button type="button" className="btn btn-small" onClick={() => setLimit((l) => l + PAGE)}>
            Show {Math.min(PAGE, sorted.length - rows.length)} more
          </button>
          <button type="button" className="btn btn-small btn-ghost" onClick={() => setLimit(sorted.length)}>
            Show all
          </button>
        </div>
      )}
    </div>
  );
}

function EdgeRow({
  edge: e,
  clusterId,
  fileOf,
  canReview,
  selected,
  open,
  onOpen,
  onChanged,
}: {
  edge: EdgeView;
  clusterId: string;
  fileOf: Map<string, string>;
  canReview: boolean;
  selected: boolean;
  open: 'confirm' | 'reject' | null;
  onOpen(v: 'confirm' | 'reject' | null): void;
  onChanged(edge: EdgeView): void;
}) {
  const cols = canReview ? 9 : 8;
  const sources = [
    ...e.sources.map(
      (s) =>
        `${fileOf.get(s.importId) ?? s.importId.slice(0, 8)}${s.format ? ` (${s.format})` : ''}: ${formatNumber(s.connections)} connections`,
    ),
    ...(e.createdBy ? [`declared by ${personName(e.createdBy)}`] : []),
  ];
  const sourceText =
    [
      e.sources.length ? `${e.sources.length} import${e.sources.length === 1 ? '' : 's'}` : '',
      e.createdBy && e.origin === 'manual' ? `by ${personName(e.createdBy)}` : '',
    ]
      .filter(Boolean)
      .join(', ') || '—';
  return (
    <>
      <tr
        className={`edge-row${e.crossTier ? ' cross-tier' : ''}${e.review === 'rejected' ? ' rejected' : ''}${selected ? ' selected' : ''}`}
        data-edge-id={e.id}
        data-from={e.from}
        data-to={e.to}
        data-review={e.review}
      >
        <td className="end mono" title={e.from}>
          {e.from}
        </td>
        <td className="end mono" title={e.to}>
          {e.to}
        </td>
        <td className="mono nowrap">
          {e.port}/{e.protocol}
        </td>
        <td className="num">{formatNumber(e.connections)}</td>
        <td className="nowrap" title={e.firstSeen ? `first seen ${formatDate(e.firstSeen)}` : undefined}>
          {e.lastSeen ? formatAgo(e.lastSeen) : '—'}
        </td>
        <td className="sources" title={sources.join('\n')}>
          {sourceText}
        </td>
        <td className="review-cell">
          <div className="badges">
            <Badge tone={REVIEW_TONE[e.review]}>{e.review}</Badge>
            {e.crossTier && (
              <Badge tone="bad" title="The two ends sit in different tiers">
                cross-tier
              </Badge>
            )}
            {e.origin === 'manual' && <Badge tone="info">declared</Badge>}
            {e.origin === 'declared' && (
              <Badge tone="info" title={`Declared by an import: ${e.sources.map((s) => s.format ?? 'unknown format').join(', ')}`}>
                declared by a source
              </Badge>
            )}
          </div>
          {e.reviewedBy && (
            <div className="review-note" title={e.reviewComment ?? undefined}>
              by {personName(e.reviewedBy)}
              {e.reviewComment ? `: “${e.reviewComment}”` : ''}
            </div>
          )}
        </td>
        {canReview && (
          <td className="actions-col nowrap">
            <button
              type="button"
              className={`btn btn-small${open === 'confirm' ? ' pressed' : ''}`}
              disabled={e.review === 'confirmed'}
              onClick={() => onOpen(open === 'confirm' ? null : 'confirm')}
            >
              Confirm
            </button>
            <button
              type="button"
              className={`btn btn-small btn-danger-ghost${open === 'reject' ? ' pressed' : ''}`}
              disabled={e.review === 'rejected'}
              onClick={() => onOpen(open === 'reject' ? null : 'reject')}
            >
              Reject
            </button>
          </td>
        )}
      </tr>
      {open && (
        <tr className="review-row">
          <td colSpan={cols}>
            <ReviewForm clusterId={clusterId} edge={e} verdict={open} onDone={onChanged} onCancel={() => onOpen(null)} />
          </td>
        </tr>
      )}
    </>
  );
}

function ReviewForm({
  clusterId,
  edge,
  verdict,
  onDone,
  onCancel,
}: {
  clusterId: string;
  edge: EdgeView;
  verdict: 'confirm' | 'reject';
  onDone(edge: EdgeView): void;
  onCancel(): void;
}) {
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const id = `review-${edge.id}`;

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onDone(await reviewEdge(clusterId, edge.id, verdict, comment));
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  };

  return (
    <form className="review-form" onSubmit={(event) => void submit(event)} onKeyDown={(e) => e.key === 'Escape' && !busy && onCancel()}>
      <label htmlFor={id}>
        {verdict === 'reject' ? 'Why should this dependency not be allowed?' : 'Why is this dependency needed?'}{' '}
        <span className="muted">(optional, kept with the review)</span>
      </label>
      <div className="review-form-row">
        <input
          id={id}
          value={comment}
          maxLength={2000}
          onChange={(e) => setComment(e.target.value)}
          placeholder={verdict === 'reject' ? 'e.g. debug pod left over from an incident' : 'e.g. checkout calls payments'}
          autoFocus
        />
        <button type="submit" className={`btn ${verdict === 'reject' ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
          {busy ? 'Saving…' : verdict === 'reject' ? 'Reject dependency' : 'Confirm dependency'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      {error !== null && (
        <div className="field-problem" role="alert">
          {describeError(error)}
        </div>
      )}
    </form>
  );
}
