import type { PlanReview } from '@bulkhead/contracts';
import { formatDate, formatObservedDays, plural } from '../../../shared/format';
import { Badge } from '../../../shared/ui';

/**
 * How well each of the plan's namespaces was observed when the plan was made: the span seen without a
 * gap, and the workloads whose rare callers may be missing from the map (the plan allows only what was seen).
 */
export function CoverageTab({ plan }: { plan: PlanReview }) {
  const coverage = plan.report.coverage;
  if (!coverage) return <p className="muted">This plan was made before Bulkhead recorded observation coverage with its plans.</p>;
  const under = coverage.filter((ns) => ns.underObserved || ns.underObservedWorkloads.length > 0);
  return (
    <section className="card" aria-label="Observation coverage">
      <div className="card-head">
        <h2>Observation coverage</h2>
        <span className="muted small">
          {under.length === 0
            ? 'every namespace well observed'
            : `${plural(under.length, 'namespace')} under-observed (minimum ${coverage[0]?.minObservedDays ?? 0} days)`}
        </span>
      </div>
      <table className="table" data-testid="plan-coverage">
        <thead>
          <tr>
            <th>Namespace</th>
            <th>Observed without a gap</th>
            <th>Under-observed workloads</th>
          </tr>
        </thead>
        <tbody>
          {coverage.map((ns) => (
            <tr key={ns.namespace} data-namespace={ns.namespace}>
              <td className="mono">{ns.namespace}</td>
              <td>
                {ns.observedSince ? (
                  <span title={`${formatDate(ns.observedSince)} to ${formatDate(ns.observedUntil)}`}>
                    {formatObservedDays(ns.observedDays)}
                  </span>
                ) : (
                  'never'
                )}{' '}
                {ns.underObserved ? <Badge tone="warn">under-observed</Badge> : <Badge tone="good">observed</Badge>}
              </td>
              <td>
                {ns.underObservedWorkloads.length === 0 ? (
                  <span className="muted">none</span>
                ) : (
                  <ul className="plain-list">
                    {ns.underObservedWorkloads.map((w) => (
                      <li key={w.name}>
                        <strong>{w.name}</strong> <span className="muted small">{w.kind}</span>
                        {w.warning && <div className="muted small">{w.warning}</div>}
                      </li>
                    ))}
                  </ul>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
