import type { LintFinding, PlanReview, Severity } from '@bulkhead/contracts';
import { Badge } from '../../../shared/ui';

const TONE: Record<Severity, 'bad' | 'warn' | 'neutral'> = { error: 'bad', warning: 'warn', info: 'neutral' };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Lint of the planned policies, and of the policies the cluster has now. */
export function FindingsTab({ plan }: { plan: PlanReview }) {
  return (
    <div className="stack">
      <Findings
        title="Findings of the plan"
        empty="Lint finds nothing to say about the planned policies."
        findings={plan.report.plan.findings}
        testId="plan-findings"
      />
      <Findings
        title="Findings of the policies in place"
        empty="The cluster's current policies raise no finding (or it has none)."
        findings={plan.report.existingFindings}
        testId="existing-findings"
      />
    </div>
  );
}

function Findings({ title, empty, findings, testId }: { title: string; empty: string; findings: LintFinding[]; testId: string }) {
  const sorted = [...findings].sort(
    (a, b) => RANK[a.severity] - RANK[b.severity] || a.rule.localeCompare(b.rule) || a.object.localeCompare(b.object),
  );
  return (
    <section className="card" aria-label={title}>
      <div className="card-head">
        <h2>
          {title} <span className="muted">{findings.length}</span>
        </h2>
      </div>
      {sorted.length === 0 ? (
        <p className="muted">{empty}</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid={testId}>
            <thead>
              <tr>
                <th>Severity</th>
                <th>Rule</th>
                <th>Object</th>
                <th>Finding</th>
                <th>Fix</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((f, i) => (
                <tr key={`${f.rule}|${f.object}|${i}`}>
                  <td>
                    <Badge tone={TONE[f.severity]}>{f.severity}</Badge>
                  </td>
                  <td className="mono nowrap">{f.rule}</td>
                  <td className="mono">{f.object}</td>
                  <td>{f.message}</td>
                  <td className="small muted">{f.fix}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
