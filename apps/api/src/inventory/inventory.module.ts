import { Module } from '@nestjs/common';
import { InventoryController } from './inventory.controller';

/** A cluster's inventory: snapshots, syncs, namespaces, workloads and policies. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [InventoryController] })
export class InventoryModule {}
