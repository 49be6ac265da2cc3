import type { ClusterView, NamespaceCoverageView, NamespaceView } from '@bulkhead/contracts';
import type { PlanListItem } from '@bulkhead/contracts';
import { Link } from '../../../app/router';
import { rememberCluster } from '../../../app/last-cluster';
import { formatAgo, formatNumber, formatObservedDays, plural } from '../../../shared/format';
import { Badge, ErrorNote } from '../../../shared/ui';
import { cniName, cniWarning } from '../cni';
import { protectionCounts, TIER_LABEL, TIER_ORDER, useClusterSummary } from '../hooks/use-cluster-summary';
import { useCoverage } from '../hooks/use-coverage';

export function ClusterCard({ cluster }: { cluster: ClusterView }) {
  const summary = useClusterSummary(cluster.id);
  const coverage = useCoverage(cluster.id);
  const warning = cniWarning(cluster);
  const mapHref = `/clusters/${cluster.id}/map`;
  const s = summary.data;

  return (
    <section className="card cluster-card" data-testid="cluster-card" aria-labelledby={`cluster-${cluster.id}`}>
      <div className="cluster-head">
        <div className="cluster-title">
          <h2 id={`cluster-${cluster.id}`}>
            <Link to={mapHref} onClick={() => rememberCluster(cluster.id)} className="cluster-link">
              {cluster.name}
            </Link>
          </h2>
          <Badge
            tone={cluster.enforcesNetworkPolicy === true ? 'good' : cluster.enforcesNetworkPolicy === false ? 'bad' : 'warn'}
            title="Container network plugin"
          >
            {cniName(cluster.cni)}
            {cluster.enforcesNetworkPolicy === true
              ? ' · enforces NetworkPolicy'
              : cluster.enforcesNetworkPolicy === false
                ? ' · does not enforce NetworkPolicy'
                : ' · enforcement unknown'}
          </Badge>
        </div>
        <div className="cluster-actions">
          <Link to={mapHref} onClick={() => rememberCluster(cluster.id)} className="btn btn-primary btn-small">
            Open dependency map
          </Link>
          <Link to={`/clusters/${cluster.id}/flow-imports`} onClick={() => rememberCluster(cluster.id)} className="btn btn-small">
            Flow imports
          </Link>
          <Link to={`/clusters/${cluster.id}`} onClick={() => rememberCluster(cluster.id)} className="btn btn-small">
            Cluster and namespaces
          </Link>
        </div>
      </div>
      {cluster.description && <p className="muted cluster-desc">{cluster.description}</p>}
      {warning && (
        <div className={`note note-${warning.tone === 'bad' ? 'error' : 'warn'}`} role="note">
          {warning.text}
        </div>
      )}

      <dl className="stats">
        <Stat label="Namespaces" value={cluster.counts.namespaces} />
        <Stat label="Workloads" value={cluster.counts.workloads} />
        <Stat label="Pods" value={cluster.counts.pods} />
        <Stat label="NetworkPolicies" value={cluster.counts.policies} />
        <Stat label="Dependencies" value={cluster.counts.edges} />
        <div className="stat">
          <dt>Inventory</dt>
          <dd className="stat-text" title={cluster.inventoryImportedAt ?? undefined}>
            {cluster.inventoryImportedAt ? formatAgo(cluster.inventoryImportedAt) : 'not imported'}
          </dd>
        </div>
      </dl>

      {summary.error !== null && <ErrorNote error={summary.error} title="The namespaces could not be loaded." onRetry={summary.retry} />}
      {s && cluster.counts.namespaces === 0 && (
        <div className="state state-empty">
          <div className="state-title">No inventory yet</div>
          <div className="state-body">
            Upload what <code>kubectl get namespaces,pods,networkpolicies -A -o json</code> prints on{' '}
            <Link to={`/clusters/${cluster.id}`}>the cluster&apos;s page</Link>, then its flows, to see its namespaces and the map.
          </div>
        </div>
      )}
      {s && cluster.counts.namespaces > 0 && (
        <>
          <div className="cluster-flags">
            {s.crossTier > 0 ? (
              <Link to={`${mapHref}?crossTier=1`} onClick={() => rememberCluster(cluster.id)} className="flag flag-bad">
                {plural(s.crossTier, 'cross-tier dependency', 'cross-tier dependencies')}: review before planning
              </Link>
            ) : (
              <span className="flag flag-good">No cross-tier dependency observed</span>
            )}
            <span className={`flag ${s.unprotected ? 'flag-warn' : 'flag-good'}`}>
              {s.unprotected ? `${plural(s.unprotected, 'namespace')} without any NetworkPolicy` : 'Every namespace has policies'}
            </span>
            {s.unreviewed > 0 && <span className="flag flag-neutral">{plural(s.unreviewed, 'dependency', 'dependencies')} to review</span>}
          </div>
          <BlastRadius clusterId={cluster.id} plan={s.latestPlan} />
          <div className="tiers">
            {TIER_ORDER.map((tier) => (
              <div key={tier} className={`tier tier-${tier}`}>
                <h3>
                  <span className={`tier-dot tier-dot-${tier}`} aria-hidden="true" />
                  {TIER_LABEL[tier]} <span className="muted">{s.byTier[tier].length}</span>
                </h3>
                {s.byTier[tier].length > 0 && <ProtectionLine namespaces={s.byTier[tier]} />}
                {s.byTier[tier].length === 0 ? (
                  <p className="muted tier-empty">none</p>
                ) : (
                  <ul className="ns-list">
                    {s.byTier[tier].map((ns) => (
                      <NamespaceRow key={ns.name} clusterId={cluster.id} ns={ns} coverage={coverage.byNamespace.get(ns.name)} />
                    ))}
                  </ul>
                )}
              </div>
            ))}
          </div>
        </>
      )}
      {!s && summary.error === null && <div className="tiers-skeleton" aria-hidden="true" />}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: number }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd>{formatNumber(value)}</dd>
    </div>
  );
}

const PROTECTION_WORDS: Record<NamespaceView['protection'], { label: string; className: string }> = {
  verified: { label: 'verified plan', className: 'protection-verified' },
  partial: { label: 'has policies', className: 'protection-some' },
  unprotected: { label: 'unprotected', className: 'protection-none' },
};

/** Per tier: how much of it is protected, in words a reviewer reads at a glance. */
function ProtectionLine({ namespaces }: { namespaces: NamespaceView[] }) {
  const c = protectionCounts(namespaces);
  return (
    <p className="muted tier-protection" data-testid="tier-protection">
      {c.unprotected} unprotected · {c.partial} partly protected · {c.verified} under a verified plan
    </p>
  );
}

/** How far a compromised pod reaches now, and after the newest plan. */
function BlastRadius({ clusterId, plan }: { clusterId: string; plan: PlanListItem | null }) {
  if (!plan) return <p className="muted blast-radius">No plan yet: make one to see how far a compromised pod would reach after it.</p>;
  const { before, after } = plan.summary.blastRadius;
  return (
    <p className="blast-radius" data-testid="blast-radius">
      Blast radius: a compromised pod reaches <strong>{formatNumber(Math.round(before.meanReachableWorkloads))}</strong> workloads on
      average now (at most {formatNumber(before.maxReachableWorkloads)}),{' '}
      <strong>{formatNumber(Math.round(after.meanReachableWorkloads))}</strong> after{' '}
      <Link to={`/plans/${plan.id}`} onClick={() => rememberCluster(clusterId)}>
        plan v{plan.version}
      </Link>{' '}
      (at most {formatNumber(after.maxReachableWorkloads)}).
    </p>
  );
}

/** How long a namespace has been observed without a gap, and when each of its workloads was last seen (in the title). */
function CoverageCell({ coverage }: { coverage: NamespaceCoverageView }) {
  const underObserved = coverage.workloads.filter((w) => w.underObserved);
  const lines = [
    coverage.observedSince ? `Observed without a gap since ${new Date(coverage.observedSince).toLocaleString()}` : 'Never observed',
    ...coverage.workloads.map((w) => `${w.name}: last seen ${formatAgo(w.lastSeen)}${w.warning ? ` (${w.warning})` : ''}`),
  ];
  return (
    <span
      className={`coverage ${coverage.underObserved ? 'coverage-under' : 'coverage-ok'}`}
      data-testid="ns-coverage"
      title={lines.join('\n')}
    >
      observed {formatObservedDays(coverage.observedDays)}
      {underObserved.length > 0 && ` · ${plural(underObserved.length, 'workload')} under-observed`}
    </span>
  );
}

function NamespaceRow({ clusterId, ns, coverage }: { clusterId: string; ns: NamespaceView; coverage: NamespaceCoverageView | undefined }) {
  const words = PROTECTION_WORDS[ns.protection];
  return (
    <li className="ns-row">
      <Link
        to={`/clusters/${clusterId}/map?namespace=${encodeURIComponent(ns.name)}`}
        onClick={() => rememberCluster(clusterId)}
        className="ns-name"
        title={`${ns.name}: ${plural(ns.counts.workloads, 'workload')}, ${plural(ns.counts.pods, 'pod')}; tier from ${ns.tierSource}`}
      >
        {ns.name}
      </Link>
      {coverage && <CoverageCell coverage={coverage} />}
      <span
        className={`protection ${words.className}`}
        title={
          ns.counts.policies ? plural(ns.counts.policies, 'NetworkPolicy', 'NetworkPolicies') : 'No NetworkPolicy in the last inventory'
        }
      >
        {words.label}
      </span>
    </li>
  );
}
