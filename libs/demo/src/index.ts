// @bulkhead/demo: the demo cluster `npm start` seeds. A flat cluster of ~30 namespaces (prod, staging, dev and the
// shared platform), a week of Hubble flows with a dev pod reaching the prod database, and one real dependency the
// flows missed. Pure and deterministic: the same options give the same bytes.
export { demoCluster, demoWindowStart, DEFAULT_DEMO_SEED } from './demo-cluster';
export type { DemoCluster, DemoClusterOptions, DemoDependency } from './demo-cluster';
export { seededRandom } from './random';
export { DemoLiveTraffic } from './live-traffic';
export type { LiveFlow, LiveTrafficOptions, RareCall, RareCallerName } from './live-traffic';
