import { type EdgeView, PROTOCOLS } from '@bulkhead/contracts';
import { type FormEvent, useState } from 'react';
import { ApiError, describeError } from '../../../api/client';
import { Field } from '../../../shared/ui';
import { useDeclareEdge } from '../api';

/**
 * Declares a dependency the flows did not show (a nightly job, a failover path). The API checks
 * the ends against the inventory; its reasons appear under the fields they concern.
 */
export function AddEdgeForm({
  clusterId,
  endpoints,
  onAdded,
  onClose,
}: {
  clusterId: string;
  endpoints: string[];
  onAdded(edge: EdgeView): void;
  onClose(): void;
}) {
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [port, setPort] = useState('');
  const [protocol, setProtocol] = useState<(typeof PROTOCOLS)[number]>('TCP');
  const [comment, setComment] = useState('');
  const declare = useDeclareEdge(clusterId);
  const { error } = declare;

  const problem = (field: string) => (error instanceof ApiError ? error.problemFor(field) : undefined);
  const fieldsWithProblems = ['from', 'to', 'port', 'protocol', 'comment'];
  const general =
    error instanceof ApiError &&
    error.problems.length &&
    error.problems.every((p) => fieldsWithProblems.some((f) => error.problemFor(f) === p.reason))
      ? null
      : error;

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const n = Number(port);
    declare.mutate(
      {
        from: from.trim(),
        to: to.trim(),
        port: port.trim() !== '' && Number.isFinite(n) ? n : port,
        protocol,
        ...(comment.trim() ? { comment: comment.trim() } : {}),
      },
      { onSuccess: onAdded },
    );
  };

  return (
    <form className="card add-edge" onSubmit={submit} aria-labelledby="add-edge-title" noValidate>
      <div className="card-head">
        <h2 id="add-edge-title">Declare a dependency</h2>
        <button type="button" className="btn btn-ghost btn-small" onClick={onClose}>
          Close
        </button>
      </div>
      <p className="muted small">
        For traffic the flows did not show, such as a monthly job. Ends are <code>namespace/workload</code>, an IP, a CIDR, a DNS name,{' '}
        <code>reserved:kube-apiserver</code> or a node, <code>node:&lt;name&gt;</code>.
      </p>
      <datalist id="endpoint-options">
        {endpoints.map((e) => (
          <option key={e} value={e} />
        ))}
      </datalist>
      <div className="form-grid">
        <Field label="From" htmlFor="edge-from" problem={problem('from')}>
          <input
            id="edge-from"
            list="endpoint-options"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
            placeholder="orders-prod/orders-api"
            aria-invalid={!!problem('from')}
          />
        </Field>
        <Field label="To" htmlFor="edge-to" problem={problem('to')}>
          <input
            id="edge-to"
            list="endpoint-options"
            value={to}
            onChange={(e) => setTo(e.target.value)}
            placeholder="payments-prod/payments-api"
            aria-invalid={!!problem('to')}
          />
        </Field>
        <Field label="Port" htmlFor="edge-port" problem={problem('port')}>
          <input
            id="edge-port"
            inputMode="numeric"
            value={port}
            onChange={(e) => setPort(e.target.value)}
            placeholder="8080"
            aria-invalid={!!problem('port')}
          />
        </Field>
        <Field label="Protocol" htmlFor="edge-protocol" problem={problem('protocol')}>
          <select id="edge-protocol" value={protocol} onChange={(e) => setProtocol(e.target.value as (typeof PROTOCOLS)[number])}>
            {PROTOCOLS.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </Field>
        <Field label="Why" htmlFor="edge-comment" problem={problem('comment')} hint="Optional; kept with the dependency.">
          <input
            id="edge-comment"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            placeholder="nightly settlement run"
            maxLength={2000}
          />
        </Field>
      </div>
      {general !== null && (
        <div className="note note-error" role="alert">
          {describeError(general)}
        </div>
      )}
      <div className="form-actions">
        <button type="submit" className="btn btn-primary" disabled={declare.isPending}>
          {declare.isPending ? 'Adding…' : 'Add dependency'}
        </button>
      </div>
    </form>
  );
}
