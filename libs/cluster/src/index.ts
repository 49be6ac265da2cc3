export * from './port/cluster-driver';
