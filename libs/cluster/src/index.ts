export * from './simulated/faults';
export * from './simulated/simulated-driver';
export { SIMULATED_HISTORY_MS, SimulatedFlowStream } from './simulated/live-stream';
export * from './kubernetes';
export * from './driver-factory';
export { dialFlowSource, FlowSourceAddressRefused, type FlowSourceEndpoint } from './flow-sources/grpc-channel';
export { GoldmaneClient } from './flow-sources/goldmane';
export { HubbleRelayClient } from './flow-sources/hubble-relay';
