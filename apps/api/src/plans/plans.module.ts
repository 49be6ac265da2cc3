import { Module } from '@nestjs/common';
import { PlansController } from './plans.controller';

/** Plans: making them, reading them, their YAML and diffs. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [PlansController] })
export class PlansModule {}
