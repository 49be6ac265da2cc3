import { QueryClientProvider } from '@tanstack/react-query';
import { type ReactNode, useEffect, useState } from 'react';
import { AccountPage } from '../features/account/components/AccountPage';
import { ApprovalsPage } from '../features/approvals/components/ApprovalsPage';
import { AuditPage } from '../features/audit/components/AuditPage';
import { ClusterPage } from '../features/clusters/components/ClusterPage';
import { ClustersPage } from '../features/clusters/components/ClustersPage';
import { DriftPage } from '../features/drift/components/DriftPage';
import { DependencyMapPage } from '../features/dependency-map/components/DependencyMapPage';
import { FlowImportsPage } from '../features/flow-imports/components/FlowImportsPage';
import { OverviewPage } from '../features/overview/components/OverviewPage';
import { PlanPage } from '../features/plans/components/PlanPage';
import { PlansPage } from '../features/plans/components/PlansPage';
import { RolloutPage } from '../features/rollouts/components/RolloutPage';
import { RolloutsPage } from '../features/rollouts/components/RolloutsPage';
import { SignInPage } from '../features/sign-in/components/SignInPage';
import { AccessPage } from '../features/users/components/AccessPage';
import { WebhooksPage } from '../features/webhooks/components/WebhooksPage';
import { useClusters } from '../shared/use-clusters';
import { Empty, ErrorNote, Loading } from '../shared/ui';
import { AuthProvider, useAuth } from './auth';
import { Layout } from './Layout';
import { createQueryClient } from './query-client';
import { match, navigate, useLocation } from './router';

/**
 * Routes. Each feature registers its page here and nowhere else; pages that need a cluster take
 * it from the address, and `/map`, `/flow-imports` or `/plans` alone open the first cluster.
 */
export function App() {
  const [queryClient] = useState(createQueryClient);
  return (
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <Routes />
      </AuthProvider>
    </QueryClientProvider>
  );
}

function Routes() {
  const { state, can } = useAuth();
  const { path } = useLocation();

  useEffect(() => {
    if (state.status === 'signed-in' && path === '/sign-in') {
      const next = new URLSearchParams(window.location.search).get('next');
      navigate(next && next.startsWith('/') && !next.startsWith('//') ? next : '/', { replace: true });
    }
  }, [state.status, path]);

  if (state.status === 'loading')
    return (
      <div className="boot">
        <Loading what="Bulkhead" />
      </div>
    );
  if (state.status === 'signed-out') return <SignInPage reason={state.reason} />;

  let page: ReactNode;
  let cluster: { clusterId: string } | null;
  let plan: { planId: string } | null;
  let rollout: { rolloutId: string } | null;
  if (path === '/' || path === '/sign-in') page = <OverviewPage />;
  else if (path === '/clusters') page = <ClustersPage />;
  else if ((cluster = match('/clusters/:clusterId', path))) page = <ClusterPage key={cluster.clusterId} clusterId={cluster.clusterId} />;
  else if ((cluster = match('/clusters/:clusterId/map', path)))
    page = <DependencyMapPage key={cluster.clusterId} clusterId={cluster.clusterId} />;
  else if ((cluster = match('/clusters/:clusterId/flow-imports', path)))
    page = <FlowImportsPage key={cluster.clusterId} clusterId={cluster.clusterId} />;
  else if ((cluster = match('/clusters/:clusterId/plans', path)))
    page = <PlansPage key={cluster.clusterId} clusterId={cluster.clusterId} />;
  else if ((plan = match('/plans/:planId', path))) page = <PlanPage key={plan.planId} planId={plan.planId} />;
  else if ((cluster = match('/clusters/:clusterId/drift', path)))
    page = <DriftPage key={cluster.clusterId} clusterId={cluster.clusterId} />;
  else if (path === '/rollouts') page = <RolloutsPage />;
  else if ((rollout = match('/rollouts/:rolloutId', path))) page = <RolloutPage key={rollout.rolloutId} rolloutId={rollout.rolloutId} />;
  else if ((cluster = match('/clusters/:clusterId/webhooks', path)))
    page = can('webhooks.manage') ? (
      <WebhooksPage key={cluster.clusterId} clusterId={cluster.clusterId} />
    ) : (
      <Empty title="Only admins manage webhooks">A webhook decides where Bulkhead sends what it knows about a cluster.</Empty>
    );
  else if (path === '/approvals') page = <ApprovalsPage />;
  else if (path === '/audit') page = <AuditPage />;
  else if (path === '/map' || path === '/flow-imports' || path === '/plans' || path === '/webhooks')
    page = <FirstCluster then={path.slice(1)} />;
  else if (path === '/access' || path === '/users')
    page = can('users.manage') ? (
      <AccessPage />
    ) : (
      <Empty title="Only admins manage access">Your role does not include managing users and API tokens.</Empty>
    );
  else if (path === '/account') page = <AccountPage />;
  else
    page = (
      <Empty title="Nothing here">
        This address does not match a page of the dashboard. <a href="/">Back to the overview</a>.
      </Empty>
    );

  return <Layout>{page}</Layout>;
}

function FirstCluster({ then }: { then: string }) {
  const clusters = useClusters();
  const first = clusters.data?.[0];
  useEffect(() => {
    if (first) navigate(`/clusters/${first.id}/${then}`, { replace: true });
  }, [first, then]);
  if (clusters.isError)
    return <ErrorNote error={clusters.error} title="The clusters could not be loaded." onRetry={() => void clusters.refetch()} />;
  if (clusters.isSuccess && !first)
    return (
      <Empty title="No cluster yet">
        <a href="/clusters">Add a cluster</a> first, then import its inventory.
      </Empty>
    );
  return <Loading what="clusters" />;
}
