import type { ClusterView } from '@bulkhead/contracts';
import { useEffect } from 'react';
import { useAuth } from '../../../app/auth';
import { rememberCluster } from '../../../app/last-cluster';
import { Link } from '../../../app/router';
import { formatAgo, formatDate, formatNumber } from '../../../shared/format';
import { useCluster } from '../../../shared/use-clusters';
import { ErrorNote, Loading, PageHeader } from '../../../shared/ui';
import { cniName, cniWarning } from '../../overview/cni';
import { usePlans } from '../../plans/api';
import { EditCluster } from './EditCluster';
import { FlowSources } from './FlowSources';
import { InventoryActions } from './InventoryActions';
import { NamespaceTable } from './NamespaceTable';
import { RemoveCluster } from './RemoveCluster';
import '../clusters.css';

/** One cluster: whether its CNI enforces anything, how fresh its inventory is, what to do next, its flow sources, namespaces and settings. */
export function ClusterPage({ clusterId }: { clusterId: string }) {
  const { can } = useAuth();
  const cluster = useCluster(clusterId);
  useEffect(() => rememberCluster(clusterId), [clusterId]);

  if (cluster.isPending) return <Loading what="the cluster" />;
  if (cluster.isError)
    return <ErrorNote error={cluster.error} title="The cluster could not be loaded." onRetry={() => void cluster.refetch()} />;
  const view = cluster.data;
  return (
    <div className="page">
      <PageHeader
        title={view.name}
        subtitle={view.description ?? (view.driver === 'kubernetes' ? 'A Kubernetes cluster' : 'A simulated cluster, fed by snapshots')}
        actions={
          <>
            <Link to={`/clusters/${clusterId}/map`} className="btn btn-small">
              Dependency map
            </Link>
            <Link to={`/clusters/${clusterId}/plans`} className="btn btn-small">
              Plans
            </Link>
            <Link to={`/clusters/${clusterId}/drift`} className="btn btn-small">
              Drift
            </Link>
          </>
        }
      />
      <div className="stack">
        <ClusterStatus cluster={view} />
        <NextSteps cluster={view} />
        {can('inventory.import') && <InventoryActions cluster={view} />}
        <FlowSources clusterId={clusterId} />
        <NamespaceTable clusterId={clusterId} />
        {can('clusters.edit') && <EditCluster cluster={view} />}
        {can('clusters.remove') && <RemoveCluster cluster={view} />}
      </div>
    </div>
  );
}

function ClusterStatus({ cluster }: { cluster: ClusterView }) {
  const warning = cniWarning(cluster);
  return (
    <section className="card" aria-label="Status" data-testid="cluster-status">
      {warning ? (
        <div className={`note note-${warning.tone === 'bad' ? 'error' : 'warn'}`} role="note" data-testid="cni-verdict">
          {warning.text}
        </div>
      ) : (
        <div className="note note-info" role="note" data-testid="cni-verdict">
          {cniName(cluster.cni)} enforces NetworkPolicy: what Bulkhead rolls out here is what the pods get.
        </div>
      )}
      <dl className="stats">
        <Stat label="Namespaces" value={formatNumber(cluster.counts.namespaces)} />
        <Stat label="Workloads" value={formatNumber(cluster.counts.workloads)} />
        <Stat label="Pods" value={formatNumber(cluster.counts.pods)} />
        <Stat label="NetworkPolicies" value={formatNumber(cluster.counts.policies)} />
        <Stat label="Dependencies" value={formatNumber(cluster.counts.edges)} />
        <Stat
          label="Inventory"
          value={cluster.inventoryImportedAt ? formatAgo(cluster.inventoryImportedAt) : 'not imported'}
          title={cluster.inventoryImportedAt ? formatDate(cluster.inventoryImportedAt) : undefined}
          testId="inventory-age"
        />
        <Stat
          label="Reached"
          value={cluster.driver === 'kubernetes' ? (cluster.hasCredentials ? 'kubeconfig stored' : 'no kubeconfig') : 'simulated'}
        />
        <Stat
          label="Delivery"
          value={cluster.delivery.kind === 'git' ? `git: ${cluster.delivery.branch}, ${cluster.delivery.path}/` : 'direct'}
          title={cluster.delivery.kind === 'git' ? cluster.delivery.repoUrl : undefined}
        />
      </dl>
    </section>
  );
}

function Stat({ label, value, title, testId }: { label: string; value: string; title?: string; testId?: string }) {
  return (
    <div className="stat">
      <dt>{label}</dt>
      <dd className="stat-text" title={title} data-testid={testId}>
        {value}
      </dd>
    </div>
  );
}

/** The first thing missing on the way to a verified plan, said once, with where to do it. */
function NextSteps({ cluster }: { cluster: ClusterView }) {
  const plans = usePlans(cluster.id);
  const steps: Array<{ key: string; text: string; to?: string; action?: string }> = [];
  if (cluster.enforcesNetworkPolicy === null)
    steps.push({ key: 'cni', text: 'Set the CNI the cluster runs (below), so that Bulkhead knows whether policies will be enforced.' });
  if (!cluster.inventoryImportedAt)
    steps.push({
      key: 'inventory',
      text:
        cluster.driver === 'kubernetes'
          ? 'No inventory yet: start a sync to read the namespaces, pods and policies.'
          : 'No inventory yet: upload what kubectl get namespaces,pods,networkpolicies -A -o json prints (JSON or YAML, below).',
    });
  else if (cluster.counts.edges === 0)
    steps.push({
      key: 'flows',
      text: 'No traffic observed yet: add a flow source (below) or import flows (Hubble, Calico, an edge list…) to see who talks to whom.',
      to: `/clusters/${cluster.id}/flow-imports`,
      action: 'Import flows',
    });
  else if (plans.items?.length === 0)
    steps.push({
      key: 'plan',
      text: 'No plan yet: review the dependencies on the map, then make a plan.',
      to: `/clusters/${cluster.id}/plans`,
      action: 'Make a plan',
    });
  if (steps.length === 0) return null;
  return (
    <section className="card" aria-labelledby="next-title" data-testid="next-steps">
      <div className="card-head">
        <h2 id="next-title">What to do next</h2>
      </div>
      <ul className="plain-list next-steps">
        {steps.map((step) => (
          <li key={step.key} data-step={step.key}>
            {step.text}{' '}
            {step.to && (
              <Link to={step.to} className="btn btn-small btn-primary">
                {step.action}
              </Link>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
