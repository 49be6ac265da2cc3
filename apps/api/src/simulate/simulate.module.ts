import { Module } from '@nestjs/common';
import { SimulateController } from './simulate.controller';

/** Simulation of probes against a snapshot, on a worker thread. Its stores come from AppModule, which provides them to every feature. */
@Module({ controllers: [SimulateController] })
export class SimulateModule {}
