import { Module } from '@nestjs/common';
import { RolloutsController } from './rollouts.controller';
import { DriftController } from './drift.controller';

/** Rollouts, their approvals and event streams, and drift checks of what they applied. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [RolloutsController, DriftController] })
export class RolloutsModule {}
