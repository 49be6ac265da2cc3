import { Module } from '@nestjs/common';
import { EdgesController } from './edges.controller';

/** The dependency map: edges observed or declared, and their review. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [EdgesController] })
export class EdgesModule {}
