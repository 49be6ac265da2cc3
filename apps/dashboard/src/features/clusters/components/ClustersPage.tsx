import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link } from '../../../app/router';
import { formatAgo, formatNumber } from '../../../shared/format';
import { useClusters } from '../../../shared/use-clusters';
import { Badge, Empty, ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { cniName } from '../../overview/cni';
import { NewCluster } from './NewCluster';
import '../clusters.css';

/** Every cluster Bulkhead knows, how it reaches each, and the way to add one. */
export function ClustersPage() {
  const { can } = useAuth();
  const clusters = useClusters();
  return (
    <div className="page">
      <PageHeader title="Clusters" subtitle="Where Bulkhead reads inventories from and rolls plans out to." />
      <div className="split">
        <section className="card" aria-labelledby="clusters-title">
          <div className="card-head">
            <h2 id="clusters-title">Every cluster {clusters.data && <span className="muted">{clusters.data.length}</span>}</h2>
          </div>
          {clusters.isPending && <Loading what="clusters" />}
          {clusters.isError && (
            <ErrorNote error={clusters.error} title="The clusters could not be loaded." onRetry={() => void clusters.refetch()} />
          )}
          {clusters.data?.length === 0 && <Empty title="No cluster yet">Add one to import its inventory and its traffic.</Empty>}
          {!!clusters.data?.length && (
            <table className="table" data-testid="cluster-table">
              <thead>
                <tr>
                  <th>Cluster</th>
                  <th>Reached</th>
                  <th>CNI</th>
                  <th>Namespaces</th>
                  <th>Inventory</th>
                </tr>
              </thead>
              <tbody>
                {clusters.data.map((cluster) => (
                  <tr key={cluster.id}>
                    <td>
                      <Link to={`/clusters/${cluster.id}`} onClick={() => rememberCluster(cluster.id)} className="mono">
                        {cluster.name}
                      </Link>
                    </td>
                    <td>{cluster.driver === 'kubernetes' ? 'Kubernetes API' : 'simulated'}</td>
                    <td>
                      <Badge
                        tone={cluster.enforcesNetworkPolicy === true ? 'good' : cluster.enforcesNetworkPolicy === false ? 'bad' : 'warn'}
                      >
                        {cniName(cluster.cni)}
                      </Badge>
                    </td>
                    <td>{formatNumber(cluster.counts.namespaces)}</td>
                    <td className="nowrap">{cluster.inventoryImportedAt ? formatAgo(cluster.inventoryImportedAt) : 'none yet'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
        {can('clusters.add') && <NewCluster />}
      </div>
    </div>
  );
}
