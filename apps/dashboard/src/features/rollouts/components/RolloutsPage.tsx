import { useAuth } from '../../../app/auth';
import { Link, setQuery, useLocation } from '../../../app/router';
import type { RolloutSummary, StageDisplayStatus } from '@bulkhead/contracts';
import { formatAgo, formatDate, personName } from '../../../shared/format';
import { STATUS_TONE, statusWords, STAGE_NAME } from '../../../shared/rollout-words';
import { Badge, Empty, ErrorNote, Loading, LoadMore, PageHeader } from '../../../shared/ui';
import { useClusters } from '../../../shared/use-clusters';
import { useRollouts } from '../api';
import { NewRolloutForm } from './NewRolloutForm';
import '../rollouts.css';

/** The rollouts, newest first, a page at a time, and (for operators) a new one from a plan. */
export function RolloutsPage() {
  const { can } = useAuth();
  const { query } = useLocation();
  const clusters = useClusters();
  const rollouts = useRollouts();
  const creating = query.has('new') && can('rollouts.create');
  const names = new Map((clusters.data ?? []).map((c) => [c.id, c.name]));
  const list = rollouts.items ?? [];

  return (
    <div className="page">
      <PageHeader
        title="Rollouts"
        subtitle="A plan applied namespace by namespace: dev, then staging, then prod, each namespace proved by probes before the next wave, each later tier after an approval."
        actions={
          can('rollouts.create') &&
          !creating && (
            <button type="button" className="btn btn-primary" onClick={() => setQuery({ new: '1' })}>
              New rollout
            </button>
          )
        }
      />
      {creating && clusters.data && (
        <NewRolloutForm
          clusters={clusters.data}
          initialCluster={query.get('cluster') ?? undefined}
          initialPlan={query.get('new') !== '1' ? (query.get('new') ?? undefined) : undefined}
          onCancel={() => setQuery({ new: null, cluster: null })}
        />
      )}
      {rollouts.isPending && <Loading what="rollouts" />}
      {rollouts.loadError !== null && (
        <ErrorNote error={rollouts.loadError} title="The rollouts could not be loaded." onRetry={() => void rollouts.refetch()} />
      )}
      {rollouts.data && list.length === 0 && (
        <Empty title="No rollout yet">
          {can('rollouts.create')
            ? 'Make a plan on the Plans page, review it, then roll it out from here.'
            : 'An operator starts rollouts from a reviewed plan.'}
        </Empty>
      )}
      {list.length > 0 && (
        <section className="card card-flush" aria-label="Rollouts">
          <div className="table-wrap">
            <table className="table" data-testid="rollout-table">
              <thead>
                <tr>
                  <th>Rollout</th>
                  <th>Cluster</th>
                  <th>Status</th>
                  <th>Progress</th>
                  <th>Now</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.id} data-testid="rollout-row">
                    <td>
                      <Link to={`/rollouts/${r.id}`} className="strong">
                        Plan v{r.planVersion}
                      </Link>{' '}
                      <span className="muted small mono">{r.id.slice(0, 8)}</span>
                    </td>
                    <td className="nowrap">{names.get(r.clusterId) ?? <span className="muted">…</span>}</td>
                    <td>
                      <Badge tone={STATUS_TONE[r.status]}>{statusWords(r.status)}</Badge>
                    </td>
                    <td className="nowrap">
                      <MiniProgress rollout={r} />
                    </td>
                    <td className="small" title={r.halt?.message}>
                      {whereNow(r)}
                    </td>
                    <td className="nowrap" title={formatDate(r.createdAt)}>
                      {formatAgo(r.createdAt)} <span className="muted">by {personName(r.createdBy)}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <LoadMore shown={list.length} noun="rollouts" list={rollouts} />
        </section>
      )}
    </div>
  );
}

function MiniProgress({ rollout: r }: { rollout: RolloutSummary }) {
  const verified = r.phases.verified ?? 0;
  const pct = r.namespaces ? Math.round((verified / r.namespaces) * 100) : 0;
  return (
    <span className="mini-progress">
      <span className="progress">
        <span className={`progress-bar ${r.status === 'halted' ? 'progress-failed' : 'progress-succeeded'}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="small muted" title={r.excluded.map((e) => `${e.namespace}: ${e.reason}`).join('\n') || undefined}>
        {verified}/{r.namespaces}
        {r.excluded.length > 0 && ` · ${r.excluded.length} excluded`}
        {r.guardrails && ` · guardrails ${statusWords(r.guardrails)}`}
      </span>
    </span>
  );
}

/** What a stage under way is doing, by its badge. */
const DOING: Partial<Record<StageDisplayStatus, string>> = {
  waiting_approval: 'waits for an approval',
  waiting_window: 'waits for a window',
  waiting_coverage: 'waits for observation',
  running: 'in progress',
  paused: 'is paused',
};

function whereNow(r: RolloutSummary): string {
  // A rollout keeps its halt after it is rolled back or aborted: only a halted one is "Halted" now.
  if (r.halt && r.status === 'halted')
    return `Halted${r.halt.namespace ? ` in ${r.halt.namespace}` : ''}: ${r.halt.code.replace(/_/g, ' ')}${r.halt.by ? ` by ${personName(r.halt.by)}` : ''}`;
  // A stage is said to be doing what its badge says (its display, which follows the rollout's status), never its bare status.
  const current = r.stages.find((s) => s.display in DOING);
  if (current) return `${STAGE_NAME[current.tier]} ${DOING[current.display]}`;
  if (r.status === 'completed')
    return r.excluded.length > 0
      ? `${r.phases.verified ?? 0} verified, ${r.excluded.length} excluded (${r.excluded.map((e) => e.namespace).join(', ')})`
      : 'every tier verified';
  return statusWords(r.status);
}
