import { Module } from '@nestjs/common';
import { WebhooksController } from './webhooks.controller';

/** Webhook notifications: endpoints per cluster and their delivery logs. Its stores come from AppModule. */
@Module({ controllers: [WebhooksController] })
export class WebhooksModule {}
