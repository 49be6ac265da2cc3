import { useState } from 'react';
import { setQuery, useLocation } from '../../../app/router';
import type { ConnectionChange, PlanReview, PolicyChange } from '@bulkhead/contracts';
import { DiffLines } from '../../../shared/DiffLines';
import { Badge, ErrorNote, Loading } from '../../../shared/ui';
import { usePlanDiff } from '../api';

const CHANGE_TONE = { added: 'good', removed: 'bad', changed: 'info' } as const;

/** What the plan changes against the previous version or the live cluster: policy by policy, and connection by connection. */
export function DiffTab({ plan }: { plan: PlanReview }) {
  const { query } = useLocation();
  const against = query.get('against') === 'live' ? 'live' : 'previous';
  const diff = usePlanDiff(plan.id, against);
  const d = diff.data;
  return (
    <div className="stack">
      <div className="toolbar">
        <div className="toolbar-item" role="radiogroup" aria-label="Compare against">
          <span className="toolbar-label">Compare against</span>
          <button
            type="button"
            role="radio"
            aria-checked={against === 'previous'}
            className={`btn btn-small${against === 'previous' ? ' pressed' : ''}`}
            onClick={() => setQuery({ against: null })}
          >
            Previous version
          </button>
          <button
            type="button"
            role="radio"
            aria-checked={against === 'live'}
            className={`btn btn-small${against === 'live' ? ' pressed' : ''}`}
            onClick={() => setQuery({ against: 'live' })}
          >
            Live cluster
          </button>
        </div>
        {d && (
          <span className="muted small">
            {d.against.kind === 'plan'
              ? `against v${d.against.version}`
              : d.against.kind === 'live'
                ? 'against the policies the cluster has now'
                : 'no previous version: everything is new'}
          </span>
        )}
      </div>
      {diff.isPending && <Loading what="the diff" />}
      {diff.isError && <ErrorNote error={diff.error} title="The diff could not be computed." onRetry={() => void diff.refetch()} />}
      {d && diff.isSuccess && (
        <>
          <p className="muted small" data-testid="diff-counting">
            A connection is a workload pair on a port the destination serves (its container ports, and ports seen in flows), as in the blast
            radius on the Impact tab. Counted for every pair on every port any workload serves ({d.semantic.onEveryPort.ports}), the
            full-port figure: {d.semantic.onEveryPort.blocked} blocked, {d.semantic.onEveryPort.allowed} allowed,{' '}
            {d.semantic.onEveryPort.changed} partly changed.
          </p>
          <Connections title="Connections it blocks" tone="bad" rows={d.semantic.blocked} empty="No connection becomes blocked." />
          <Connections title="Connections it allows" tone="good" rows={d.semantic.allowed} empty="No connection becomes allowed." />
          {d.semantic.changed.length > 0 && (
            <Connections title="Connections partly changed" tone="info" rows={d.semantic.changed} empty="" />
          )}
          <section className="card" aria-labelledby="policy-changes">
            <div className="card-head">
              <h2 id="policy-changes">
                Policy changes <span className="muted">{d.policies.length}</span>
              </h2>
            </div>
            {d.policies.length === 0 ? <p className="muted">The policies are the same.</p> : <PolicyChanges changes={d.policies} />}
          </section>
        </>
      )}
    </div>
  );
}

const LIMIT = 50;

function Connections({
  title,
  tone,
  rows,
  empty,
}: {
  title: string;
  tone: 'good' | 'bad' | 'info';
  rows: ConnectionChange[];
  empty: string;
}) {
  const [all, setAll] = useState(false);
  const shown = all ? rows : rows.slice(0, LIMIT);
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>
          {title} <span className="muted">{rows.length}</span>
        </h2>
      </div>
      {rows.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap scroll-y">
          <table className="table">
            <thead>
              <tr>
                <th>From</th>
                <th>To</th>
                <th>Port</th>
                <th>Verdict</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={`${c.from}|${c.to}|${c.protocol}|${c.port}`}>
                  <td className="mono end">{c.from}</td>
                  <td className="mono end">{c.to}</td>
                  <td className="mono nowrap">
                    {c.port}/{c.protocol}
                  </td>
                  <td className="nowrap">
                    <span className="muted">{c.before}</span> → <Badge tone={tone}>{c.after}</Badge>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > LIMIT && (
            <div className="table-more">
              <button type="button" className="linklike" onClick={() => setAll(!all)}>
                {all ? `Show the first ${LIMIT}` : `Show all ${rows.length}`}
              </button>
            </div>
          )}
        </div>
      )}
    </section>
  );
}

function PolicyChanges({ changes }: { changes: PolicyChange[] }) {
  return (
    <div className="diff-list">
      {changes.map((c) => (
        <details key={`${c.namespace}/${c.name}`} className="diff" open={changes.length <= 3 || c.change === 'changed'}>
          <summary>
            <Badge tone={CHANGE_TONE[c.change]}>{c.change}</Badge>
            <span className="mono">
              {c.namespace}/{c.name}
            </span>
            <span className="muted small">
              +{c.lines.filter((l) => l.startsWith('+')).length} −{c.lines.filter((l) => l.startsWith('-')).length}
            </span>
          </summary>
          <DiffLines lines={c.lines} />
        </details>
      ))}
    </div>
  );
}
