import type { EdgeImpact, PlanReview } from '@bulkhead/contracts';
import { plural } from '../../../shared/format';
import { Badge } from '../../../shared/ui';

/** `workload:ns/name` → `ns/name`; other endpoint keys as they are. */
export const endpoint = (key: string): string => (key.startsWith('workload:') ? key.slice('workload:'.length) : key);
const portOf = (e: { port: number | null; protocol: string }) => (e.port === null ? e.protocol : `${e.port}/${e.protocol}`);

const REASON_WORDS: Record<string, string> = {
  rejected: 'rejected in review',
  'cross-tier-unconfirmed': 'cross-tier, not confirmed',
  'switched-off': 'switched off',
  'external-needs-cidr': 'external, no address known',
  'api-server-address-unknown': 'API server address unknown',
  'unsupported-protocol': 'protocol not expressible',
  'unknown-workload': 'unknown workload',
  'node-traffic': 'node traffic',
  'unsupported-endpoint': 'endpoint not expressible',
};

/** The flows the plan would block, the edges it leaves out and why, its risks, and the blast radius before and after. */
export function ImpactTab({ plan }: { plan: PlanReview }) {
  const { impact, blastRadius } = plan.report;
  const { blocked, risks } = plan.report.plan;
  const after = new Map(blastRadius.after.namespaces.map((n) => [n.namespace, n]));
  return (
    <div className="stack">
      <section className="card" aria-labelledby="blocked-flows">
        <div className="card-head">
          <h2 id="blocked-flows">
            Observed flows it would block <span className="muted">{impact.newlyBlocked.length}</span>
          </h2>
        </div>
        {impact.newlyBlocked.length === 0 ? (
          <p className="muted">Every flow observed in the cluster stays allowed: nothing that works today breaks.</p>
        ) : (
          <ImpactTable rows={impact.newlyBlocked} />
        )}
      </section>

      <section className="card" aria-labelledby="not-allowed">
        <div className="card-head">
          <h2 id="not-allowed">
            Edges the plan does not allow <span className="muted">{blocked.length}</span>
          </h2>
        </div>
        {blocked.length === 0 ? (
          <p className="muted">Every dependency of the map is allowed.</p>
        ) : (
          <div className="table-wrap">
            <table className="table" data-testid="blocked-edges">
              <thead>
                <tr>
                  <th>From</th>
                  <th />
                  <th>To</th>
                  <th>Port</th>
                  <th>Why</th>
                  <th>Detail</th>
                </tr>
              </thead>
              <tbody>
                {blocked.map((b) => (
                  <tr key={`${b.key}|${b.reason}`}>
                    <td className="mono end">{endpoint(b.edge.src)}</td>
                    <td className="arrow-sep">→</td>
                    <td className="mono end">{endpoint(b.edge.dst)}</td>
                    <td className="mono nowrap">{portOf(b.edge)}</td>
                    <td>
                      <Badge tone={b.reason === 'rejected' ? 'neutral' : b.reason === 'cross-tier-unconfirmed' ? 'bad' : 'warn'}>
                        {REASON_WORDS[b.reason] ?? b.reason}
                      </Badge>
                    </td>
                    <td className="small">{b.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <div className="split-even">
        <section className="card" aria-labelledby="risks">
          <div className="card-head">
            <h2 id="risks">
              Risks <span className="muted">{risks.length}</span>
            </h2>
          </div>
          {risks.length === 0 ? (
            <p className="muted">No workload with thin evidence.</p>
          ) : (
            <ul className="plain-list">
              {risks.map((r) => (
                <li key={`${r.kind}|${r.workload}`}>
                  <Badge tone="warn">{r.kind.replace(/-/g, ' ')}</Badge> <span className="mono">{r.workload}</span>
                  <div className="small muted">{r.message}</div>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section className="card" aria-labelledby="blast">
          <div className="card-head">
            <h2 id="blast">Blast radius</h2>
            <span className="muted small">what a compromised pod can reach, on the ports workloads serve</span>
          </div>
          <dl className="stats stats-compact stats-3">
            <Pair
              label="Mean workloads"
              before={blastRadius.before.cluster.meanReachableWorkloads}
              after={blastRadius.after.cluster.meanReachableWorkloads}
              digits={1}
            />
            <Pair
              label="Max workloads"
              before={blastRadius.before.cluster.maxReachableWorkloads}
              after={blastRadius.after.cluster.maxReachableWorkloads}
            />
            <Pair
              label="Reachable connections"
              before={blastRadius.before.cluster.totalReachablePorts}
              after={blastRadius.after.cluster.totalReachablePorts}
            />
          </dl>
          <div className="table-wrap scroll-y">
            <table className="table" data-testid="blast-radius">
              <thead>
                <tr>
                  <th>Namespace</th>
                  <th className="num">Mean reach</th>
                  <th className="num">Max reach</th>
                  <th className="num" title="Connections to other workloads, on the ports they serve">
                    Connections
                  </th>
                </tr>
              </thead>
              <tbody>
                {blastRadius.before.namespaces.map((b) => {
                  const a = after.get(b.namespace);
                  return (
                    <tr key={b.namespace}>
                      <td className="mono">{b.namespace}</td>
                      <td className="num nowrap">
                        {b.meanReachableWorkloads.toFixed(1)} → <strong>{a ? a.meanReachableWorkloads.toFixed(1) : '—'}</strong>
                      </td>
                      <td className="num nowrap">
                        {b.maxReachableWorkloads} → <strong>{a?.maxReachableWorkloads ?? '—'}</strong>
                      </td>
                      <td className="num nowrap">
                        {b.totalReachablePorts} → <strong>{a?.totalReachablePorts ?? '—'}</strong>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      </div>
    </div>
  );
}

function Pair({ label, before, after, digits = 0 }: { label: string; before: number; after: number; digits?: number }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>
        <span className="muted">{before.toFixed(digits)}</span> <span className="arrow-sep">→</span>{' '}
        <span className="good-text">{after.toFixed(digits)}</span>
      </dd>
    </div>
  );
}

export function ImpactTable({ rows }: { rows: EdgeImpact[] }) {
  return (
    <div className="table-wrap">
      <table className="table" data-testid="newly-blocked">
        <thead>
          <tr>
            <th>From</th>
            <th />
            <th>To</th>
            <th>Port</th>
            <th className="num">Connections</th>
            <th>Today → planned</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.key} className="row-bad">
              <td className="mono end">{endpoint(r.edge.src)}</td>
              <td className="arrow-sep">→</td>
              <td className="mono end">{endpoint(r.edge.dst)}</td>
              <td className="mono nowrap">{portOf(r.edge)}</td>
              <td className="num">{plural(r.edge.connections, 'conn.', 'conn.')}</td>
              <td className="nowrap">
                {r.before} → <strong className="bad-text">{r.after}</strong>
              </td>
              <td className="small">{r.note ?? (r.edge.review === 'rejected' ? 'rejected in review' : '')}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
