import { setQuery, useLocation } from '../../../app/router';
import type { PlanReview } from '@bulkhead/contracts';
import { ErrorNote, Loading } from '../../../shared/ui';
import { usePlanYaml } from '../api';

/** The plan's NetworkPolicies as YAML, namespace by namespace, exactly as `kubectl apply -f` takes them. */
export function PoliciesTab({ plan }: { plan: PlanReview }) {
  const namespaces = Object.keys(plan.byNamespace).sort();
  const { query } = useLocation();
  const wanted = query.get('namespace');
  const current = wanted && plan.byNamespace[wanted] ? wanted : namespaces[0];
  const yaml = usePlanYaml(plan.id, current);
  const tier = (ns: string) => plan.report.plan.tiers[ns];
  const policiesOf = (ns: string) => plan.byNamespace[ns] ?? [];

  if (!current) return <p className="muted">The plan has no policy.</p>;
  return (
    <div className="policies">
      <nav className="ns-picker card card-flush" aria-label="Namespaces of the plan">
        <ul>
          {namespaces.map((ns) => (
            <li key={ns}>
              <button
                type="button"
                className={`ns-pick${ns === current ? ' active' : ''}`}
                aria-current={ns === current ? 'true' : undefined}
                onClick={() => setQuery({ namespace: ns })}
              >
                <span className={`tier-bar tier-bar-${tier(ns) ?? 'none'}`} aria-hidden="true" />
                <span className="ns-pick-name">{ns}</span>
                <span className="muted small">{policiesOf(ns).length}</span>
              </button>
            </li>
          ))}
        </ul>
      </nav>
      <section className="card yaml-card" aria-label={`Policies of ${current}`}>
        <div className="card-head">
          <h2 className="mono">{current}</h2>
          <span className="muted small">{policiesOf(current).join(', ')}</span>
        </div>
        {yaml.isPending && <Loading what="the YAML" />}
        {yaml.isError && <ErrorNote error={yaml.error} title="The YAML could not be loaded." onRetry={() => void yaml.refetch()} />}
        {yaml.data !== undefined && (
          <pre className="code" data-testid="plan-yaml">
            {yaml.data}
          </pre>
        )}
      </section>
    </div>
  );
}
