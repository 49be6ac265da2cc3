import type { PlanReview } from '@bulkhead/contracts';
import { toYaml } from '../../../shared/yaml';
import { Badge } from '../../../shared/ui';
import { GUARDRAIL_STAGE_WORDS, GUARDRAIL_WORDS } from '../guardrail-words';

/** The plan's cluster layer: each piece, on or off and why, and its ClusterNetworkPolicies as YAML. */
export function GuardrailsTab({ plan }: { plan: PlanReview }) {
  const { pieces, policies, stage } = plan.report.plan.clusterLayer;
  return (
    <div className="guardrails">
      <section className="card" aria-label="Cluster guardrails">
        <div className="card-head">
          <h2>Cluster guardrails</h2>
          <span className="muted small">ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2)</span>
        </div>
        <ul className="guardrail-pieces">
          {pieces.map((piece) => (
            <li key={piece.piece}>
              <strong>{GUARDRAIL_WORDS[piece.piece].label}</strong>{' '}
              {piece.included ? (
                <Badge tone="good">in the plan</Badge>
              ) : piece.requested ? (
                <Badge tone="warn">left out</Badge>
              ) : (
                <Badge>off</Badge>
              )}
              <div className="muted small">{piece.reason ?? GUARDRAIL_WORDS[piece.piece].meaning}</div>
              {piece.policies.length > 0 && <div className="mono small">{piece.policies.join(', ')}</div>}
            </li>
          ))}
        </ul>
      </section>
      {policies.length > 0 && (
        <section className="card yaml-card" aria-label="Cluster policies">
          <div className="card-head">
            <h2>Cluster policies</h2>
            <span className="muted small">{policies.length}</span>
          </div>
          <pre className="code" data-testid="cluster-layer-yaml">
            {toYaml(policies)}
          </pre>
          {stage && (
            <p className="muted small" data-testid="guardrail-stage">
              A rollout of this plan applies them as a stage of their own, {GUARDRAIL_STAGE_WORDS[stage]}, once an approver lets it start.
            </p>
          )}
        </section>
      )}
    </div>
  );
}
