import { Module } from '@nestjs/common';
import { ClustersController } from './clusters.controller';

/** Clusters: registering, changing and deleting them. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [ClustersController] })
export class ClustersModule {}
