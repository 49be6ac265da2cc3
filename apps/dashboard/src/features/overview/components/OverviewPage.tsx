import { useEffect } from 'react';
import { Link } from '../../../app/router';
import { useClusters } from '../../../shared/use-clusters';
import { Empty, ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { plural } from '../../../shared/format';
import { ClusterCard } from './ClusterCard';
import '../overview.css';

/** Every cluster at a glance: its CNI, what it holds, and which namespaces nothing protects yet. */
export function OverviewPage() {
  const clusters = useClusters();

  useEffect(() => {
    // The moment the cluster cards can be clicked: read by tools/bench-dashboard.mjs.
    if (clusters.isSuccess && performance.getEntriesByName('bh:overview-interactive').length === 0)
      performance.mark('bh:overview-interactive');
  }, [clusters.isSuccess]);

  const list = clusters.data ?? [];
  return (
    <div className="page">
      <PageHeader
        title="Overview"
        subtitle={
          clusters.isSuccess
            ? `${plural(list.length, 'cluster')} · ${plural(
                list.reduce((n, c) => n + c.counts.namespaces, 0),
                'namespace',
              )} · ${plural(
                list.reduce((n, c) => n + c.counts.edges, 0),
                'dependency',
                'dependencies',
              )} mapped`
            : 'Clusters, their CNI and how far each is from zero trust'
        }
      />
      {clusters.isPending && <Loading what="clusters" />}
      {clusters.isError && (
        <ErrorNote error={clusters.error} title="The clusters could not be loaded." onRetry={() => void clusters.refetch()} />
      )}
      {clusters.isSuccess && list.length === 0 && (
        <Empty title="No cluster yet">
          <Link to="/clusters">Add a cluster</Link>, then upload its inventory (
          <code>kubectl get namespaces,pods,networkpolicies -A -o json</code>) and its flows.
        </Empty>
      )}
      <div className="cluster-list">
        {list.map((c) => (
          <ClusterCard key={c.id} cluster={c} />
        ))}
      </div>
    </div>
  );
}
