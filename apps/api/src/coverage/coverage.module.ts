import { Module } from '@nestjs/common';
import { CoverageController } from './coverage.controller';

/** How well each namespace of a cluster has been observed. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [CoverageController] })
export class CoverageModule {}
