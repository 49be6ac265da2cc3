export * from './errors';
export * from './ports';
export * from './notification';
export * from './webhook-url';
export * from './webhooks';
export * from './deliver';
