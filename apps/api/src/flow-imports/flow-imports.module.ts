import { Module } from '@nestjs/common';
import { FlowImportsController } from './flow-imports.controller';

/** Uploads of observed traffic and their progress. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [FlowImportsController] })
export class FlowImportsModule {}
