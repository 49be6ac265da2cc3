import { AppError } from '@bulkhead/contracts';

/** What webhook configuration refuses: an address Bulkhead may not send to, an unknown webhook. */
export type NotificationErrorCode = 'webhook.invalid_url' | 'webhook.not_found';

export class NotificationError extends AppError<NotificationErrorCode> {}
