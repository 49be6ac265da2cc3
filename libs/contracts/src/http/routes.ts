import { accessRoutes } from './access';
import { approvalRoutes } from './approvals';
import { auditRoutes } from './audit';
import { clusterRoutes } from './clusters';
import { coverageRoutes } from './coverage';
import { driftRoutes } from './drift';
import { edgeRoutes } from './edges';
import { flowImportRoutes } from './flows';
import { flowSourceRoutes } from './flow-sources';
import { inventoryRoutes } from './inventory';
import { planRoutes } from './plans';
import { rolloutRoutes } from './rollouts';
import { simulateRoutes } from './simulate';
import { tokenRoutes } from './tokens';
import { webhookRoutes } from './webhooks';

/** Every route of the API under /api/v1, by name: what the server answers and the client calls. Health checks (healthRoutes) sit outside it. */
export const routes = {
  ...accessRoutes,
  ...tokenRoutes,
  ...clusterRoutes,
  ...inventoryRoutes,
  ...flowImportRoutes,
  ...flowSourceRoutes,
  ...coverageRoutes,
  ...edgeRoutes,
  ...simulateRoutes,
  ...planRoutes,
  ...rolloutRoutes,
  ...driftRoutes,
  ...approvalRoutes,
  ...auditRoutes,
  ...webhookRoutes,
};
export type Routes = typeof routes;
export type RouteName = keyof Routes;
