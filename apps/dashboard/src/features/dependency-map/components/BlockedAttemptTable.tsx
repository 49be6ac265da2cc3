import { type BlockedAttemptView, type EdgeView, type FlowImportView, PROTOCOLS } from '@bulkhead/contracts';
import { type FormEvent, useMemo, useState } from 'react';
import { describeError } from '../../../api/client';
import { formatDate, formatNumber, plural } from '../../../shared/format';
import { Badge, Empty, ErrorNote, Loading, LoadMore } from '../../../shared/ui';
import { useBlockedAttempts, useDeclareEdge } from '../api';
import { blockedMatchesSearch } from '../filters';

/** The key an edge and a blocked attempt between the same ends on the same port share. */
const lineKey = (e: Pick<EdgeView, 'fromKey' | 'toKey' | 'port' | 'protocol'>) => `${e.fromKey}>${e.toKey}:${e.port}/${e.protocol}`;

const EDGE_STATE: Record<EdgeView['origin'], string> = {
  manual: 'declared',
  declared: 'declared by a source',
  observed: 'also observed',
};

/**
 * The refused attempts of the cluster, apart from its dependencies, a page at a time from the API (from or to
 * the namespace picked, when one is). The search and the focus narrow the pages loaded. An operator declares an
 * attempt that is wanted: it becomes a dependency of the map, and the row says so.
 */
export function BlockedAttemptTable({
  clusterId,
  namespace,
  search,
  focus,
  edges,
  imports,
  canDeclare,
  onDeclared,
}: {
  clusterId: string;
  namespace: string;
  search: string;
  focus: string | null;
  edges: EdgeView[];
  imports: FlowImportView[];
  canDeclare: boolean;
  onDeclared(edge: EdgeView): void;
}) {
  const list = useBlockedAttempts(clusterId, namespace);
  const [declaring, setDeclaring] = useState<string | null>(null);
  const edgeOf = useMemo(() => new Map(edges.map((e) => [lineKey(e), e])), [edges]);
  const fileOf = useMemo(() => new Map(imports.map((i) => [i.id, i.fileName ?? `import ${i.id.slice(0, 8)}`])), [imports]);
  const loaded = list.items ?? [];
  const rows = loaded.filter((b) => (!focus || b.fromKey === focus || b.toKey === focus) && blockedMatchesSearch(b, search));

  if (list.isPending) return <Loading what="the blocked attempts" />;
  if (list.loadError !== null)
    return <ErrorNote error={list.loadError} title="The blocked attempts could not be loaded." onRetry={() => void list.refetch()} />;
  if (loaded.length === 0)
    return (
      <Empty title={namespace ? `No blocked attempt from or to ${namespace}` : 'No blocked attempt'}>
        Flows a policy dropped or denied (Hubble DROPPED, Calico deny) are listed here, apart from the dependencies: a plan never allows
        them on its own.
      </Empty>
    );

  return (
    <div className="table-wrap">
      <p className="muted small blocked-intro">
        Refused flows are no dependencies: no plan allows them unless someone declares them.{' '}
        {rows.length < loaded.length && `${rows.length} of the ${plural(loaded.length, 'attempt')} loaded match the search or focus.`}
      </p>
      {rows.length > 0 && (
        <table className="table blocked-table" data-testid="blocked-table">
          <thead>
            <tr>
              <th>From</th>
              <th>To</th>
              <th>Port</th>
              <th className="num">Attempts</th>
              <th>First seen</th>
              <th>Last seen</th>
              <th>Reason</th>
              <th>Evidence</th>
              <th className="actions-col">{canDeclare ? <span className="sr-only">Actions</span> : 'On the map'}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((b) => (
              <BlockedRow
                key={b.id}
                attempt={b}
                clusterId={clusterId}
                edge={edgeOf.get(lineKey(b))}
                evidence={b.lastSource && (fileOf.get(b.lastSource.importId) ?? `import ${b.lastSource.importId.slice(0, 8)}`)}
                canDeclare={canDeclare}
                declaring={declaring === b.id}
                onDeclaring={(open) => setDeclaring(open ? b.id : null)}
                onDeclared={(edge) => {
                  setDeclaring(null);
                  onDeclared(edge);
                }}
              />
            ))}
          </tbody>
        </table>
      )}
      <LoadMore shown={loaded.length} noun="blocked attempts" list={list} />
    </div>
  );
}

function BlockedRow({
  attempt: b,
  clusterId,
  edge,
  evidence,
  canDeclare,
  declaring,
  onDeclaring,
  onDeclared,
}: {
  attempt: BlockedAttemptView;
  clusterId: string;
  edge: EdgeView | undefined;
  evidence: string | null;
  canDeclare: boolean;
  declaring: boolean;
  onDeclaring(open: boolean): void;
  onDeclared(edge: EdgeView): void;
}) {
  const protocol = PROTOCOLS.find((p) => p === b.protocol);
  const declarable = protocol !== undefined && b.port > 0;
  return (
    <>
      <tr className={`blocked-row${edge ? ' on-map' : ''}`} data-blocked-id={b.id} data-from={b.from} data-to={b.to}>
        <td className="end mono" title={b.from}>
          {b.from}
        </td>
        <td className="end mono" title={b.to}>
          {b.to}
        </td>
        <td className="mono nowrap">{b.port > 0 ? `${b.port}/${b.protocol}` : b.protocol}</td>
        <td className="num">{formatNumber(b.attempts)}</td>
        <td className="nowrap">{formatDate(b.firstSeen)}</td>
        <td className="nowrap">{formatDate(b.lastSeen)}</td>
        <td>
          <div className="badges">
            {b.reasons.length > 0 ? (
              b.reasons.map((reason) => (
                <Badge key={reason} tone="bad">
                  {reason}
                </Badge>
              ))
            ) : (
              <span className="muted">not given</span>
            )}
          </div>
        </td>
        <td className="evidence" title={evidence ?? 'The import that reported it was deleted'}>
          {evidence ?? '—'}
          {b.lastSource?.format && <div className="muted small">{b.lastSource.format}</div>}
        </td>
        <td className="actions-col">
          {edge ? (
            <Badge tone={edge.review === 'rejected' ? 'bad' : 'info'} title={`A dependency of the map, ${edge.review}`}>
              {edge.review === 'rejected' ? 'rejected' : EDGE_STATE[edge.origin]}
            </Badge>
          ) : canDeclare ? (
            <button
              type="button"
              className={`btn btn-small${declaring ? ' pressed' : ''}`}
              disabled={!declarable}
              title={declarable ? 'Declare it a dependency: the plan then allows it' : 'Only a TCP, UDP or SCTP port can be declared'}
              onClick={() => onDeclaring(!declaring)}
            >
              Declare
            </button>
          ) : (
            <span className="muted">no</span>
          )}
        </td>
      </tr>
      {declaring && protocol !== undefined && (
        <tr className="review-row">
          <td colSpan={9}>
            <DeclareForm clusterId={clusterId} attempt={b} protocol={protocol} onDone={onDeclared} onCancel={() => onDeclaring(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

/** Declares the attempt's ends and port, named by their keys, with why it is wanted. */
function DeclareForm({
  clusterId,
  attempt,
  protocol,
  onDone,
  onCancel,
}: {
  clusterId: string;
  attempt: BlockedAttemptView;
  protocol: (typeof PROTOCOLS)[number];
  onDone(edge: EdgeView): void;
  onCancel(): void;
}) {
  const [comment, setComment] = useState('');
  const declare = useDeclareEdge(clusterId);
  const busy = declare.isPending || declare.isSuccess;
  const id = `declare-${attempt.id}`;

  const submit = (ev: FormEvent) => {
    ev.preventDefault();
    declare.mutate(
      {
        from: attempt.fromKey,
        to: attempt.toKey,
        port: attempt.port,
        protocol,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      },
      { onSuccess: onDone },
    );
  };

  return (
    <form className="review-form" onSubmit={submit} onKeyDown={(e) => e.key === 'Escape' && !busy && onCancel()}>
      <label htmlFor={id}>
        Why is {attempt.from} → {attempt.to} :{attempt.port}/{attempt.protocol} wanted?{' '}
        <span className="muted">(optional, kept with the dependency)</span>
      </label>
      <div className="review-form-row">
        <input
          id={id}
          value={comment}
          maxLength={2000}
          onChange={(e) => setComment(e.target.value)}
          placeholder="e.g. the new reports job reads the database"
          autoFocus
        />
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Adding…' : 'Add dependency'}
        </button>
        <button type="button" className="btn btn-ghost" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
      </div>
      {declare.error !== null && (
        <div className="field-problem" role="alert">
          {describeError(declare.error)}
        </div>
      )}
    </form>
  );
}
