import { Module } from '@nestjs/common';
import { FlowSourcesController } from './flow-sources.controller';

/** A cluster's live flow sources: configured here, collected by the workers. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [FlowSourcesController] })
export class FlowSourcesModule {}
