export * from './bullmq-queue';
export * from './rollout-dispatcher';
